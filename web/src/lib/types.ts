/** The API's shapes, as the web app uses them (see GET /api/openapi.json). Times are epoch ms unless noted. */
export type Role = 'admin' | 'supervisor' | 'agent';
export const PRESENCES = ['available', 'busy', 'busy_dnd', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  canViewSecrets: boolean;
  presence: Presence;
  disabled: boolean;
  createdAt: number;
}

export type ConversationState = 'open' | 'active' | 'waiting' | 'wrapup' | 'closed';

export interface Conversation {
  id: string;
  accountId: string;
  channelInstanceId: string;
  identityId: string;
  contactId: string | null;
  workstreamId?: string;
  queueId: string | null;
  agentId: string | null;
  state: ConversationState;
  context?: Record<string, unknown>;
  lastSeq?: number;
  lastMessageAt: number;
  lastCustomerAt: number | null;
  createdAt?: number;
  closedAt?: number | null;
  /** Only on realtime events. */
  windowEndsAt?: number | null;
}

export interface MediaRef {
  blobId?: string;
  contentType?: string;
  size?: number;
  fileName?: string;
  durationMs?: number;
}

export type MessageContent =
  | { kind: 'text'; text: string }
  | { kind: 'image' | 'video' | 'audio' | 'file'; media: MediaRef; caption?: string }
  | { kind: 'location'; latitude: number; longitude: number; address?: string; title?: string }
  | { kind: 'sticker'; packageId: string; stickerId: string; keywords?: string[] }
  | { kind: 'postback'; data: string; label?: string }
  | { kind: 'template'; templateId: string; name: string; language: string; variables: Record<string, string>; text: string }
  | { kind: 'event'; name: string; detail?: string };

export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  direction: 'in' | 'out';
  senderType: 'customer' | 'agent' | 'bot' | 'system';
  authorUserId: string | null;
  content: MessageContent;
  status: MessageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Identity {
  id: string;
  accountId: string;
  kind: string;
  providerUserId: string;
  contactId: string | null;
  displayName: string | null;
  pictureUrl: string | null;
  language: string | null;
}

export interface ChannelInstanceInfo {
  id: string;
  name: string;
  language: string;
  settings: { customersCanSendAttachments?: boolean; agentsCanSendAttachments?: boolean } & Record<string, unknown>;
}

export interface ConversationView {
  conversation: Conversation;
  identity: Identity | undefined;
  channel: string | undefined;
  instance: ChannelInstanceInfo | undefined;
  windowEndsAt: number | null;
}

export interface Contact {
  id: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  fields: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface CustomerSummary {
  contact: Contact | null;
  identities: Identity[];
  conversations: Conversation[];
}

export interface Queue {
  id: string;
  name: string;
  priority: number;
  createdAt: string;
}

export interface Workstream {
  id: string;
  name: string;
  mode: 'push' | 'pick';
  fallbackQueueId: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

export interface QuickReply {
  id: string;
  title: string;
  /** May hold {CustomerName} and {AgentName}, filled in on insert. */
  text: string;
  /** '' = any language. */
  language: string;
  createdAt: number;
  updatedAt: number;
}

export interface SurveySettings {
  enabled: boolean;
  mode: 'link' | 'inline';
  anonymous: boolean;
  question?: string;
}

export interface ChannelInstance {
  id: string;
  accountId: string;
  workstreamId: string;
  name: string;
  language: string;
  address: string;
  settings: { customersCanSendAttachments: boolean; agentsCanSendAttachments: boolean } & Record<string, unknown>;
  createdAt: string;
}

export interface Account {
  id: string;
  kind: string;
  name: string;
  settings: unknown;
  credentials: Record<string, unknown>;
  securedFields: string[];
  callbackUrl: string;
  extraCallbackUrls: Record<string, string>;
  webhookVerifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JsonSchemaProperty {
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: unknown[];
  description?: string;
  format?: string;
  items?: JsonSchemaProperty;
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

export interface ChannelKind {
  kind: string;
  displayName: string;
  capabilities: {
    messagingWindowHours?: number;
    templates: boolean;
    maxTextLength: number;
    inboundContent: string[];
    outboundContent: string[];
    outboundMediaTypes: Record<string, string[]>;
  };
  credentialFields: { name: string; secured: boolean; required: boolean }[];
  credentialsJsonSchema?: { properties?: Record<string, JsonSchemaProperty> };
  settingsJsonSchema?: { properties?: Record<string, JsonSchemaProperty>; required?: string[] };
}

export interface Template {
  id: string;
  accountId: string;
  name: string;
  language: string;
  text: string;
  providerTemplateId: string | null;
  status: string;
  variables: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface Blob {
  id: string;
  contentType: string;
  size: number;
  fileName: string | null;
}

export type HubEvent =
  | { type: 'hello'; user: { id: string; role: Role; displayName: string } }
  | { type: 'pong'; at: number }
  | { type: 'conversation.created' | 'conversation.updated'; conversation: Conversation }
  | { type: 'message.created' | 'message.updated'; conversation: Conversation; message: Message }
  | { type: 'presence.updated'; userId: string; presence: Presence }
  | { type: 'typing'; conversation: Conversation; who: 'customer' | 'agent'; isTyping: boolean }
  | { type: 'offer.created' | 'offer.ended'; offer: Offer; conversation: Conversation };

/** A push-mode offer (GET /api/me/offers, offer.created / offer.ended). The details come with the event only. */
export interface Offer {
  id: string;
  conversationId: string;
  agentId: string;
  state: string;
  offeredAt: number;
  expiresAt: number;
  customerName?: string | null;
  channel?: string | null;
  queueName?: string | null;
  firstMessage?: string | null;
}

export type AgentCapacity = { mode: 'units'; total: number } | { mode: 'profiles'; profiles: Record<string, { maxItems: number }> };

/** GET /api/agents: an agent with presence, effective presence and load against capacity. */
export interface AgentState {
  id: string;
  displayName: string;
  presence: Presence;
  presenceLabel: string | null;
  effectivePresence: Presence;
  capacity: AgentCapacity;
  load: { units: number; profile?: string }[];
  conversations: number;
  full: boolean;
}

export interface QueueStat {
  queueId: string;
  waiting: number;
  longestWaitMs: number;
}

export interface AgentRouting {
  capacity: AgentCapacity;
  skills: Record<string, number>;
}

// ── routing rules (src/domain/routing) ─────────────────────────────────────────────────────────
export const CONDITION_OPS = ['equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'in', 'exists', 'notExists', 'gt', 'gte', 'lt', 'lte'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export interface LeafCondition {
  field: string;
  op: ConditionOp;
  value?: string | number | boolean | Array<string | number>;
  caseSensitive?: boolean;
}
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

export interface SkillRequirement {
  name: string;
  level?: number;
}
export interface ClassificationOutputs {
  skills?: SkillRequirement[];
  priority?: number;
  capacityProfile?: string;
  variables?: Record<string, string | number | boolean>;
}
export interface ClassificationRule {
  id: string;
  name?: string;
  condition: Condition;
  outputs: ClassificationOutputs;
}
export interface ClassificationRuleSet {
  id: string;
  name?: string;
  rules: ClassificationRule[];
}
export type RouteRule = { id: string; name?: string; condition: Condition; queueId?: string; split?: { queueId: string; percent: number }[] };
export interface RouteRuleSet {
  id: string;
  name?: string;
  rules: RouteRule[];
}

export type OverflowAction = { action: 'transfer'; queueId: string } | { action: 'end' } | { action: 'assign_anyway' };
export const ASSIGNMENT_METHODS = ['highest_capacity', 'round_robin', 'most_idle', 'skill_exact', 'skill_closest'] as const;
export type AssignmentMethod = (typeof ASSIGNMENT_METHODS)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export interface TimeRange {
  from: string;
  to: string;
}
export type Holiday = { date: string; name: string } | { from: string; to: string; name: string };
export interface OperatingHours {
  timeZone: string;
  week: Partial<Record<Weekday, TimeRange[]>>;
  holidays?: Holiday[];
}
export interface QueueRouting {
  assignmentMethod: AssignmentMethod;
  operatingHours?: OperatingHours;
  outOfHours: { action: 'wait' } | OverflowAction;
  overflow: {
    beforeQueue?: { maxItems: number; then: OverflowAction };
    afterQueue?: { maxWaitSec: number; then: OverflowAction };
  };
}

export interface WorkstreamRouting {
  capacity: { mode: 'units'; units: number } | { mode: 'profile'; profile: string };
  allowedPresences: Presence[];
  wrapUpBlocking: 'always' | 'never' | { seconds: number };
  affinity: boolean;
  autoCloseAfterInactivitySec?: number;
  waitingAutoCloseSec?: number;
  wrapUpAutoCloseSec: number;
  offerTimeoutSec: number;
  maxDeclines: number;
  botId: string | null;
  classification: ClassificationRuleSet[];
  routeToQueue?: RouteRuleSet;
}

export interface RuleTestResult {
  queueId: string;
  ruleId?: string;
  usedFallback: boolean;
  reason: string;
  classification: {
    skills: SkillRequirement[];
    priority?: number;
    capacityProfile?: string;
    variables: Record<string, unknown>;
    trace: { ruleSetId: string; ruleSetName?: string; firedRuleId: string | null; summary: string; tried: { ruleId: string; ruleName?: string; matched: boolean }[] }[];
  };
  route: { trace: { ruleId: string; ruleName?: string; matched: boolean; outcome: string }[] };
  explanation: string[];
}
