/**
 * Table types for Kysely. The same schema serves SQLite and PostgreSQL, so columns use the
 * common ground: text ids, epoch-millisecond integers for times, 0/1 integers for flags and JSON
 * as text (parsed in the repositories).
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  role: 'admin' | 'supervisor' | 'agent';
  /** May read secured fields in clear (admins always may). */
  can_view_secrets: number;
  presence: string;
  disabled: number;
  created_at: number;
  /** JSON: { capacity: AgentCapacity, skills: Record<name, level> } */
  routing: Generated<string>;
  /** A custom presence name (e.g. "Lunch") shown instead of the base presence. */
  presence_label: string | null;
  last_assigned_at: number | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value; the value itself is never stored. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** sha256 of the token; shown once at creation. */
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface MessagingAccountsTable {
  id: string;
  kind: string;
  name: string;
  /** Non-secret settings, JSON. */
  settings: string;
  /** Non-secret credential fields, JSON. */
  credentials_public: string;
  /** Secured credential fields, AES-256-GCM sealed JSON. */
  credentials_sealed: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  webhook_verified_at: number | null;
}

export interface QueuesTable {
  id: string;
  name: string;
  priority: number;
  created_at: number;
  /** JSON: assignment method, operating hours, overflow. */
  settings: Generated<string>;
  /** The agent who got the queue's last assignment (round robin). */
  rr_cursor: string | null;
}

export interface QueueMembersTable {
  queue_id: string;
  user_id: string;
}

export interface WorkstreamsTable {
  id: string;
  name: string;
  mode: 'push' | 'pick';
  fallback_queue_id: string;
  settings: string;
  created_at: number;
}

export interface ChannelInstancesTable {
  id: string;
  account_id: string;
  workstream_id: string;
  name: string;
  language: string;
  /** Provider address served by this instance (e.g. a WhatsApp number); '' when the account has one. */
  address: string;
  /** JSON: behaviours and user features (attachment switches...). */
  settings: string;
  created_at: number;
  deleted_at: number | null;
}

export interface ContactsTable {
  id: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  fields: string;
  created_at: number;
  updated_at: number;
}

export interface IdentitiesTable {
  id: string;
  account_id: string;
  kind: string;
  provider_user_id: string;
  contact_id: string | null;
  display_name: string | null;
  picture_url: string | null;
  language: string | null;
  profile_fetched_at: number | null;
  created_at: number;
}

export interface ConversationsTable {
  id: string;
  account_id: string;
  channel_instance_id: string;
  identity_id: string;
  contact_id: string | null;
  workstream_id: string;
  queue_id: string | null;
  agent_id: string | null;
  state: 'open' | 'active' | 'waiting' | 'wrapup' | 'closed';
  /** JSON context for routing rules: channel, locale, first message, variables... */
  context: string;
  last_seq: number;
  last_message_at: number;
  last_customer_at: number | null;
  /** The newest unused reply token and when it arrived (channels that have them). */
  reply_token: string | null;
  reply_token_at: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  units: number | null;
  capacity_profile: string | null;
  priority: number | null;
  /** JSON SkillRequirement[] from work classification. */
  required_skills: string | null;
  /** Set once routing rules placed it in a queue. */
  routed_at: number | null;
  queued_at: number | null;
  assigned_at: number | null;
  wrapup_at: number | null;
  /** While a bot handles the conversation. */
  bot_id: string | null;
  close_reason: string | null;
}

export interface OffersTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  state: 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  offered_at: number;
  expires_at: number;
  decided_at: number | null;
}

export interface ConversationParticipantsTable {
  conversation_id: string;
  user_id: string;
  role: 'consult' | 'monitor';
  joined_at: number;
  left_at: number | null;
}

export interface BotsTable {
  id: string;
  name: string;
  kind: 'http' | 'faq';
  settings: string;
  secret_sealed: string | null;
  created_at: number;
  updated_at: number;
}

export interface AutomatedMessagesTable {
  id: string;
  trigger: string;
  channel: string;
  language: string;
  /** '' for the channel-wide message; an instance id overrides it for that instance. */
  channel_instance_id: string;
  text: string;
  template_id: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface SurveyResponsesTable {
  id: string;
  conversation_id: string;
  channel_instance_id: string;
  agent_id: string | null;
  contact_id: string | null;
  state: 'sent' | 'answered' | 'skipped';
  rating: number | null;
  comment: string | null;
  anonymous: number;
  token_hash: string | null;
  sent_at: number;
  answered_at: number | null;
}

/** What a waiting customer was last told about their queue position (automated messages). */
export interface QueueNoticesTable {
  conversation_id: string;
  queue_id: string;
  position: number;
  /** 0: recorded without telling the customer. */
  notified_at: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  direction: 'in' | 'out';
  sender_type: 'customer' | 'agent' | 'bot' | 'system';
  author_user_id: string | null;
  /** JSON MessageContent. */
  content: string;
  provider_message_id: string | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
  idempotency_key: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
}

/** Every accepted provider event, by its provider id: redeliveries are stored once. */
export interface InboundEventsTable {
  account_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  received_at: number;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  run_at: number;
  attempts: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  /** Jobs with the same key run one at a time, in order_seq order (a conversation's deliveries). */
  order_key: string | null;
  order_seq: number | null;
}

export interface BlobsTable {
  id: string;
  sha256: string;
  content_type: string;
  size: number;
  file_name: string | null;
  uploaded_by: string | null;
  conversation_id: string | null;
  created_at: number;
}

export interface MessageTemplatesTable {
  id: string;
  account_id: string;
  name: string;
  language: string;
  /** The approved text with {{1}}-style placeholders. */
  text: string;
  provider_template_id: string | null;
  status: string;
  /** JSON: sample values per placeholder. */
  variables: string;
  created_at: number;
  updated_at: number;
}

export interface QuickRepliesTable {
  id: string;
  title: string;
  /** May hold {CustomerName} and {AgentName}, filled in when an agent inserts it. */
  text: string;
  /** '' = any language. */
  language: string;
  created_at: number;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  messaging_accounts: MessagingAccountsTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  workstreams: WorkstreamsTable;
  channel_instances: ChannelInstancesTable;
  contacts: ContactsTable;
  identities: IdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  inbound_events: InboundEventsTable;
  jobs: JobsTable;
  blobs: BlobsTable;
  message_templates: MessageTemplatesTable;
  offers: OffersTable;
  conversation_participants: ConversationParticipantsTable;
  bots: BotsTable;
  automated_messages: AutomatedMessagesTable;
  survey_responses: SurveyResponsesTable;
  queue_notices: QueueNoticesTable;
  quick_replies: QuickRepliesTable;
}
