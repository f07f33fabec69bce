/**
 * The one catalogue of stable error codes. Services throw AppError with a code; the HTTP layer
 * answers `{ error: { code, message } }` with the catalogue's status. Codes never change meaning.
 */
export const ERROR_CATALOGUE = {
  bad_request: { status: 400, description: 'The request is malformed or fails validation.' },
  unauthenticated: { status: 401, description: 'No valid session cookie or API token.' },
  invalid_credentials: { status: 401, description: 'Email or password is wrong.' },
  invalid_signature: { status: 401, description: 'A webhook signature is missing or wrong.' },
  csrf_failed: { status: 403, description: 'A cookie-authenticated request lacks the matching X-CSRF-Token header.' },
  forbidden: { status: 403, description: 'Your role does not allow this.' },
  not_found: { status: 404, description: 'No such resource (or it was deleted).' },
  conflict: { status: 409, description: 'The resource changed or already exists.' },
  invalid_state: { status: 409, description: 'The conversation is not in a state that allows this.' },
  attachments_disabled: { status: 422, description: 'The channel instance does not allow this attachment.' },
  unsupported_content: { status: 422, description: 'The channel cannot carry this kind of content.' },
  outside_window: { status: 422, description: "The channel's messaging window is closed; use a template." },
  payload_too_large: { status: 413, description: 'The body is larger than the configured limit.' },
  unsupported_media_type: { status: 415, description: 'The Content-Type is not accepted here.' },
  rate_limited: { status: 429, description: 'Too many requests; retry later.' },
  unavailable: { status: 503, description: 'The store is unreachable; nothing was stored. Retry later.' },
  internal: { status: 500, description: 'An unexpected error; it was logged.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}
