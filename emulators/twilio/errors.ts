/**
 * The Twilio error codes the emulator answers or reports, in one place. API errors are always
 * `{code, message, more_info, status}`; delivery errors arrive as ErrorCode/ErrorMessage in status
 * callbacks and as error_code/error_message on the Message resource.
 */

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export const TWILIO_ERRORS = {
  /** Bad or missing credentials. */
  auth: { code: 20003, message: 'Authenticate' },
  notFound: { code: 20404, message: 'The requested resource {path} was not found' },
  tooManyRequests: { code: 20429, message: 'Too Many Requests' },
  /**
   * A parameter breaks the spec's schema (type, enum, length, pattern) where Twilio has no
   * dedicated code: the emulator's choice, so the hub sees a stable 400.
   */
  invalidParameter: { code: 20001, message: 'Invalid parameter: {detail}' },
  internal: { code: 20500, message: 'An internal server error has occurred' },
  invalidTo: { code: 21211, message: "Invalid 'To' Phone Number: {value}" },
  invalidFrom: { code: 21212, message: "Invalid 'From' Phone Number: {value}" },
  fromRequired: { code: 21603, message: "A 'From' phone number is required." },
  toRequired: { code: 21604, message: "A 'To' phone number is required." },
  fromNotOwned: {
    code: 21606,
    message: 'The From phone number {value} is not a valid, SMS-capable inbound phone number or short code for your account.',
  },
  invalidStatusCallback: { code: 21609, message: 'The StatusCallback URL {value} is not a valid URL.' },
  bodyTooLong: { code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' },
  bodyRequired: { code: 21619, message: 'A text message body or media urls must be specified.' },
  invalidMediaUrl: { code: 21620, message: 'Media urls: {value} are invalid. Please use only valid http and https urls' },
  tooManyMedia: { code: 21623, message: 'Number of media files exceeds allowed limit of 10' },
  invalidContentSid: { code: 21655, message: 'The ContentSid is Invalid' },
  invalidContentVariables: { code: 21656, message: 'The ContentVariables Parameter is invalid' },
  invalidMessagingService: { code: 21701, message: 'The Messaging Service Sid {value} is invalid.' },
  channelMismatch: { code: 21910, message: 'Invalid From and To pair. From and To should be of the same channel' },
} as const;

/** Errors reported on a message after it was accepted. */
export const DELIVERY_ERRORS: Readonly<Record<number, string>> = Object.freeze({
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30008: 'Unknown error',
  63003: 'Channel could not find To address',
  63015: 'Channel Sandbox can only send messages to phone numbers that have joined the Sandbox',
  63016:
    'Failed to send freeform message because you are outside the allowed window. If you would like to send a message outside this window, please use a Template.',
  63019: 'Media failed to download',
  63024: 'Invalid message recipient',
  63032: 'User has chosen not to receive marketing messages',
});

export function deliveryErrorMessage(code: number): string {
  return DELIVERY_ERRORS[code] ?? `Emulated delivery error ${code}`;
}

export function twilioError(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

type Known = (typeof TWILIO_ERRORS)[keyof typeof TWILIO_ERRORS];

/** A catalogue entry as a response body; `{name}` placeholders filled from `fill`. */
export function errorBody(status: number, e: Known, fill: Record<string, string> = {}): TwilioErrorBody {
  const message = e.message.replace(/\{(\w+)\}/g, (_m, k: string) => fill[k] ?? '');
  return twilioError(status, e.code, message);
}

/** A default body for an injected fault that gave none. */
export function defaultFaultBody(status: number, path: string): TwilioErrorBody {
  if (status === 401) return errorBody(401, TWILIO_ERRORS.auth);
  if (status === 404) return errorBody(404, TWILIO_ERRORS.notFound, { path });
  if (status === 429) return errorBody(429, TWILIO_ERRORS.tooManyRequests);
  if (status >= 500) return errorBody(status, TWILIO_ERRORS.internal);
  return twilioError(status, status, `Emulated error ${status}`);
}
