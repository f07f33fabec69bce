/**
 * What an admin enters for a Google's Business Messages account, and what the channel can do, as
 * data. No message here ever quotes a value: two of the fields are secrets (the client token and
 * the service-account key).
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { ChannelCapabilities } from '../adapter.js';

/** Partner, brand and agent ids are UUID-like tokens; a pasted resource name keeps only its last id. */
function idField(what: string, where: string, prefix: RegExp) {
  return z
    .string(`${what} is required (${where})`)
    .trim()
    .transform((v) => v.replace(prefix, ''))
    .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, `${what} is letters, digits and dashes only (${where})`));
}

/** The fields of the service-account key file we use; everything else in the file is kept as is. */
const serviceAccountObjectSchema = z.looseObject({
  type: z.string().optional(),
  project_id: z.string().optional(),
  private_key_id: z.string().optional(),
  private_key: z
    .string('private_key is missing: upload the JSON key of the service account as Google Cloud downloaded it')
    .refine(isRsaPrivateKeyPem, 'private_key is not a readable PEM RSA private key: upload the key file unchanged'),
  client_email: z.email('client_email is not an e-mail address (the service account, …@….iam.gserviceaccount.com)'),
  token_uri: z.url({
    protocol: /^https?$/,
    error: 'token_uri is not an http(s) URL (Google key files say https://oauth2.googleapis.com/token)',
  }),
});
export type GbmServiceAccount = z.infer<typeof serviceAccountObjectSchema>;

/** The uploaded key file as JSON text or as an already parsed object. */
export const serviceAccountSchema = z
  .unknown()
  .transform((value, ctx): unknown => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      // JSON.parse's own message quotes the input: never pass it on.
      ctx.addIssue({ code: 'custom', message: 'The service-account key is not JSON: upload the .json key file unchanged' });
      return z.NEVER;
    }
  })
  .pipe(
    z.custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'The service-account key must be the JSON object of the key file',
    ),
  )
  .pipe(serviceAccountObjectSchema);

export const gbmCredentialsSchema = z.object({
  /** Business Communications Developer Console → partner account settings → Partner ID. */
  partnerId: idField('Partner ID', 'Business Communications Developer Console → Partner account settings', /^partners\//).meta({
    title: 'Partner ID',
    description: 'Business Communications Developer Console → Partner account settings → Partner ID',
  }),
  /** The client token Google shows on the webhook settings: signs every webhook (X-Goog-Signature). */
  clientToken: z
    .string('Client token is required (Developer Console → Partner account settings → Webhook → Client token)')
    .trim()
    .min(1, 'Client token is required (Developer Console → Partner account settings → Webhook → Client token)')
    .max(512, 'Client token is too long: paste only the token')
    .meta({ title: 'Client token', description: 'Shown with the webhook settings; Google signs every webhook with it' }),
  /** The service account's JSON key (Developer Console → Partner account settings → Service account → Create key). */
  serviceAccount: serviceAccountSchema.meta({
    title: 'Service account key (JSON)',
    description: 'The JSON key file of the partner service account, as downloaded (its text or its JSON object)',
    contentMediaType: 'application/json',
  }),
  /** The brand the agent belongs to (Developer Console → the brand → Brand ID, or `brands/{id}`). */
  brandId: idField('Brand ID', 'Developer Console → the brand → Brand ID', /^brands\//).meta({
    title: 'Brand ID',
    description: 'Developer Console → the brand → Brand ID',
  }),
  /** The agent customers write to (Developer Console → the agent → Agent information → Agent ID). */
  agentId: idField('Agent ID', 'Developer Console → the agent → Agent information', /^(?:brands\/[^/]+\/)?agents\//).meta({
    title: 'Agent ID',
    description: 'Developer Console → the agent → Agent information → Agent ID',
  }),
});
export type GbmCredentials = z.infer<typeof gbmCredentialsSchema>;

export const gbmSecuredFields = ['clientToken', 'serviceAccount'] as const satisfies ReadonlyArray<keyof GbmCredentials>;

/** Nothing to set yet: every per-account value is in the credentials. */
export const gbmSettingsSchema = z.object({});
export type GbmSettings = z.infer<typeof gbmSettingsSchema>;

/** `text` and `fallback` are at most 3,072 characters. */
export const GBM_MAX_TEXT_LENGTH = 3072;
/** Suggested replies: at most 13 chips, 25 characters of text, 2,048 of postback data. */
export const GBM_MAX_SUGGESTIONS = 13;
export const GBM_MAX_SUGGESTION_TEXT = 25;
export const GBM_MAX_POSTBACK_DATA = 2048;

export const gbmCapabilities: ChannelCapabilities = Object.freeze({
  // No messaging window (an open conversation takes messages for 30 days) and no templates.
  templates: false,
  maxTextLength: GBM_MAX_TEXT_LENGTH,
  inboundContent: Object.freeze(['text', 'image', 'postback'] as const),
  outboundContent: Object.freeze(['text', 'image'] as const),
  outboundMediaTypes: Object.freeze({ image: Object.freeze(['image/jpeg', 'image/png']) }),
  signals: true,
});

/** Default hosts; `ClientDeps.baseUrls.gbmApi` / `.googleTokenUrl` override them (emulator, gateway). */
export const GBM_API_BASE_URL = 'https://businessmessages.googleapis.com';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GBM_SCOPE = 'https://www.googleapis.com/auth/businessmessages';
export const GBM_DEFAULT_TIMEOUT_MS = 10_000;

function isRsaPrivateKeyPem(pem: string): boolean {
  if (!/-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) return false;
  try {
    return createPrivateKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}
