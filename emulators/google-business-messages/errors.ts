/**
 * The error bodies Google answers with, in one place: the API's `{error: {code, message, status,
 * details}}` (google.rpc.Status) and the token endpoint's OAuth `{error, error_description}`.
 */
import type { FieldViolation } from './types.js';

export const API_SERVICE = 'businessmessages.googleapis.com';

export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'UNKNOWN';

export interface GoogleErrorBody {
  error: { code: number; message: string; status: GoogleStatus; details?: Array<Record<string, unknown>> };
}

export const GBM_ERRORS = {
  credentialsMissing:
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  credentialsInvalid:
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  insufficientScopes: 'Request had insufficient authentication scopes.',
  permissionDenied: 'The caller does not have permission',
  notFound: 'Requested entity was not found.',
  alreadyExists: 'Requested entity already exists',
  invalidArgument: 'Request contains an invalid argument.',
  quota: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service 'businessmessages.googleapis.com'.",
  internal: 'Internal error encountered.',
  unavailable: 'The service is currently unavailable.',
  deadline: 'The request was aborted because it took too long.',
  invalidJson: 'Invalid JSON payload received. Unexpected token.',
} as const;

const STATUS_BY_CODE: Record<number, GoogleStatus> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function googleError(code: number, message: string, details?: Array<Record<string, unknown>>): GoogleErrorBody {
  const status = STATUS_BY_CODE[code] ?? (code >= 500 ? 'INTERNAL' : code >= 400 ? 'FAILED_PRECONDITION' : 'UNKNOWN');
  return { error: { code, message, status, ...(details === undefined ? {} : { details }) } };
}

/** google.rpc.ErrorInfo, as Google attaches to auth and quota errors. */
export function errorInfo(reason: string, method?: string): Record<string, unknown> {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    metadata: { service: API_SERVICE, ...(method === undefined ? {} : { method }) },
  };
}

/** 400 INVALID_ARGUMENT with google.rpc.BadRequest; the message lists every violation, one per line. */
export function invalidArgument(violations: FieldViolation[]): GoogleErrorBody {
  const message = violations.length === 0 ? GBM_ERRORS.invalidArgument : violations.map((v) => v.description).join('\n');
  return googleError(400, message, [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations }]);
}

export function unauthenticated(reason: 'CREDENTIALS_MISSING' | 'ACCESS_TOKEN_TYPE_UNSUPPORTED' | 'ACCESS_TOKEN_EXPIRED', method?: string): GoogleErrorBody {
  const message = reason === 'CREDENTIALS_MISSING' ? GBM_ERRORS.credentialsMissing : GBM_ERRORS.credentialsInvalid;
  return googleError(401, message, [errorInfo(reason, method)]);
}

/** A default body for an injected fault that gave none. */
export function defaultFaultBody(status: number): GoogleErrorBody {
  switch (status) {
    case 401:
      return unauthenticated('ACCESS_TOKEN_TYPE_UNSUPPORTED');
    case 403:
      return googleError(403, GBM_ERRORS.permissionDenied);
    case 404:
      return googleError(404, GBM_ERRORS.notFound);
    case 409:
      return googleError(409, GBM_ERRORS.alreadyExists);
    case 429:
      return googleError(429, GBM_ERRORS.quota, [errorInfo('RATE_LIMIT_EXCEEDED')]);
    case 503:
      return googleError(503, GBM_ERRORS.unavailable);
    case 504:
      return googleError(504, GBM_ERRORS.deadline);
    default:
      return status >= 500 ? googleError(status, GBM_ERRORS.internal) : googleError(status, `Emulated error ${status}`);
  }
}

/** What oauth2.googleapis.com/token answers when it refuses a grant. */
export interface OAuthErrorBody {
  error: 'invalid_request' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type' | 'unauthorized_client';
  error_description: string;
}

export const OAUTH_ERRORS = {
  badSignature: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
  badTiming: {
    error: 'invalid_grant',
    error_description:
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
  },
  badAudience: { error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' },
  unknownAccount: { error: 'invalid_grant', error_description: 'Invalid grant: account not found' },
  malformed: { error: 'invalid_grant', error_description: 'Invalid JWT: malformed assertion.' },
  noAssertion: { error: 'invalid_request', error_description: 'Missing required parameter: assertion' },
  noGrantType: { error: 'invalid_request', error_description: 'Missing required parameter: grant_type' },
  badScope: { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' },
  delegation: {
    error: 'unauthorized_client',
    error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
  },
} as const satisfies Record<string, OAuthErrorBody>;

export function unsupportedGrantType(grantType: string): OAuthErrorBody {
  return { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType}` };
}
