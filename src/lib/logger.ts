import pino, { type Logger } from 'pino';

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-line-signature"]',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-goog-signature"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.channelSecret',
  '*.channelAccessToken',
  '*.authToken',
  '*.clientToken',
  '*.privateKey',
  '*.private_key',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'switchboard' } }, destination);
}

export type { Logger };
