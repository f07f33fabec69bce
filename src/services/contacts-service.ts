/**
 * Contacts and the provider identities linked to them. A LINE user id (or a WhatsApp number…)
 * is an identity; linking it to a contact makes every later conversation from it the contact's.
 */
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Contact, ContactsRepo } from '../store/contacts-repo.js';
import { toIdentity, type Conversation, type ConversationsRepo, type Identity } from '../store/conversations-repo.js';
import { summarize, type EventBus } from './event-bus.js';

export interface ContactInput {
  displayName: string;
  email?: string | null;
  phone?: string | null;
  fields?: Record<string, unknown>;
}

export interface CustomerSummary {
  contact: Contact | null;
  identities: Identity[];
  conversations: Conversation[];
}

export class ContactsService {
  constructor(private readonly d: { contacts: ContactsRepo; conversations: ConversationsRepo; clock: Clock; bus: EventBus }) {}

  create(input: ContactInput): Promise<Contact> {
    return this.d.contacts.create(input, this.d.clock.now());
  }

  async get(id: string): Promise<Contact> {
    const c = await this.d.contacts.get(id);
    if (!c) throw new AppError('not_found', `No contact ${id}`);
    return c;
  }

  async update(id: string, patch: Partial<ContactInput>): Promise<Contact> {
    const c = await this.d.contacts.update(id, patch, this.d.clock.now());
    if (!c) throw new AppError('not_found', `No contact ${id}`);
    return c;
  }

  search(q?: string): Promise<Contact[]> {
    return this.d.contacts.search(q);
  }

  async identity(id: string): Promise<Identity> {
    const i = await this.d.conversations.getIdentity(id);
    if (!i) throw new AppError('not_found', `No identity ${id}`);
    return i;
  }

  /** Links an identity to an existing contact, or to a new one made from `create`. */
  async link(identityId: string, target: { contactId: string } | { create: ContactInput }): Promise<Contact> {
    const identity = await this.identity(identityId);
    const contact = 'contactId' in target ? await this.get(target.contactId) : await this.create(target.create);
    await this.d.conversations.setIdentityContact(identity.id, contact.id);
    const live = await this.d.conversations.liveConversationOf(identity.id);
    if (live) this.d.bus.publish({ type: 'conversation.updated', conversation: summarize({ ...live, contactId: contact.id }) });
    return contact;
  }

  async unlink(identityId: string): Promise<void> {
    const identity = await this.identity(identityId);
    await this.d.conversations.setIdentityContact(identity.id, null);
  }

  /** The contact, its identities and its conversations, newest first. */
  async summaryOfContact(contactId: string): Promise<CustomerSummary> {
    const contact = await this.get(contactId);
    const identities = (await this.d.contacts.identitiesOf(contactId)).map(toIdentity);
    const conversations = await this.d.conversations.listConversations({ contactId, limit: 100 });
    return { contact, identities, conversations };
  }

  /** For an identity not (yet) linked: its own past conversations. */
  async summaryOfIdentity(identityId: string): Promise<CustomerSummary> {
    const identity = await this.identity(identityId);
    if (identity.contactId) return this.summaryOfContact(identity.contactId);
    const conversations = await this.d.conversations.listConversations({ identityId, limit: 100 });
    return { contact: null, identities: [identity], conversations };
  }
}
