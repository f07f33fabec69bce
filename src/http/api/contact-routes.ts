/** Contacts, identities and the customer summary. */
import { z } from 'zod';
import type { ContactsService } from '../../services/contacts-service.js';
import { defineRoute, type AnyRoute } from '../route.js';

const ANY = ['admin', 'supervisor', 'agent'] as const;
const Id = z.object({ id: z.string().min(1) });

const ContactInput = z.object({
  displayName: z.string().min(1).max(200),
  email: z.string().email().nullable().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number')
    .nullable()
    .optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

export const ContactSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export function contactRoutes(d: { contacts: ContactsService }): AnyRoute[] {
  const svc = d.contacts;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/contacts',
      tag: 'contacts',
      summary: 'Search contacts by name, email or phone',
      auth: ANY,
      query: z.object({ q: z.string().max(200).optional() }),
      response: z.array(ContactSchema),
      handler: ({ query }) => svc.search(query.q),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/contacts',
      tag: 'contacts',
      summary: 'Create a contact',
      auth: ANY,
      body: ContactInput,
      response: ContactSchema,
      successStatus: 201,
      handler: ({ body }) => svc.create(body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/contacts/:id',
      tag: 'contacts',
      summary: 'A contact',
      auth: ANY,
      params: Id,
      response: ContactSchema,
      handler: ({ params }) => svc.get(params.id),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/contacts/:id',
      tag: 'contacts',
      summary: 'Update a contact',
      auth: ANY,
      params: Id,
      body: ContactInput.partial(),
      response: ContactSchema,
      handler: ({ params, body }) => svc.update(params.id, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/contacts/:id/summary',
      tag: 'contacts',
      summary: 'Customer summary: the contact, its identities and past conversations',
      auth: ANY,
      params: Id,
      handler: ({ params }) => svc.summaryOfContact(params.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/identities/:id',
      tag: 'contacts',
      summary: 'A provider identity (a LINE user, a WhatsApp number…)',
      auth: ANY,
      params: Id,
      handler: ({ params }) => svc.identity(params.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/identities/:id/summary',
      tag: 'contacts',
      summary: "Customer summary of an identity (its contact's when linked)",
      auth: ANY,
      params: Id,
      handler: ({ params }) => svc.summaryOfIdentity(params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/identities/:id/link',
      tag: 'contacts',
      summary: 'Link an identity to an existing contact ({contactId}) or a new one ({create})',
      auth: ANY,
      params: Id,
      body: z.union([z.object({ contactId: z.string().min(1) }), z.object({ create: ContactInput })]),
      response: ContactSchema,
      handler: ({ params, body }) => svc.link(params.id, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/identities/:id/link',
      tag: 'contacts',
      summary: 'Unlink an identity from its contact',
      auth: ANY,
      params: Id,
      handler: async ({ params }) => {
        await svc.unlink(params.id);
      },
    }),
  ];
}
