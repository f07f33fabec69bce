/** The error bodies the LINE platform answers with, in one place. */
import type { SpecErrorDetail } from './spec-validator.js';

export interface LineErrorBody {
  message: string;
  details?: SpecErrorDetail[];
  sentMessages?: Array<{ id: string; quoteToken?: string }>;
}

export const LINE_ERRORS = {
  auth: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
  invalidReplyToken: 'Invalid reply token',
  retryKeyAccepted: 'The retry key is already accepted',
  invalidRetryKey: "The value for the 'X-Line-Retry-Key' header is invalid",
  rateLimit: 'The API rate limit has been exceeded. Try again later.',
  notFound: 'Not found',
  invalidJson: 'The request body could not be parsed as JSON',
  webhookNotSet: 'The webhook URL is not set',
  internal: 'An error occurred in the backend server',
} as const;

export function invalidProperty(name: string): LineErrorBody {
  return { message: `The property, '${name}', in the request body is invalid (line: -, column: -)` };
}

export function bodyErrors(details: SpecErrorDetail[]): LineErrorBody {
  return { message: `The request body has ${details.length} error(s)`, details };
}

/** A default body for an injected fault that gave none. */
export function defaultFaultBody(status: number): LineErrorBody {
  if (status === 401) return { message: LINE_ERRORS.auth };
  if (status === 404) return { message: LINE_ERRORS.notFound };
  if (status === 429) return { message: LINE_ERRORS.rateLimit };
  if (status >= 500) return { message: LINE_ERRORS.internal };
  return { message: `Emulated error ${status}` };
}
