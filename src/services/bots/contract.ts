/**
 * The bot contract, shared by both bot kinds: what a bot is told about a conversation (a turn)
 * and what it may answer (actions). The HTTP bot receives the turn as JSON and answers the actions
 * as JSON (see README.md); the FAQ bot computes them in process.
 */
import { z } from 'zod';

export type TranscriptFrom = 'customer' | 'bot' | 'agent' | 'system';

export interface TranscriptEntry {
  from: TranscriptFrom;
  text: string;
  /** ISO 8601. */
  at: string;
}

export interface BotTurn {
  type: 'conversation.started' | 'message';
  conversation: {
    id: string;
    channel: string | null;
    locale: string | null;
    customer: { name: string | null; language: string | null };
    /** The routing context: `variables` (set by earlier bot turns and rules), `preChat`, … */
    context: Record<string, unknown> & { variables: Record<string, unknown> };
  };
  /** The customer message this turn is about (for conversation.started: the one that opened it). */
  message?: { id: string; kind: string; text?: string };
  /** The conversation so far, oldest first (at most the last 200 messages). */
  transcript: TranscriptEntry[];
}

const variableName = z.string().min(1).max(100).regex(/^[^.]+$/, 'no dots in variable names');
export const variableValueSchema = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const suggestionSchema = z.object({ text: z.string().min(1).max(100), postbackData: z.string().min(1).max(2048) });

export const botActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), text: z.string().min(1).max(4096), suggestions: z.array(suggestionSchema).max(13).optional() }),
  z.object({ type: z.literal('set_variables'), variables: z.record(variableName, variableValueSchema) }),
  z.object({ type: z.literal('escalate'), reason: z.string().max(500).optional() }),
  z.object({ type: z.literal('end'), text: z.string().min(1).max(4096).optional() }),
]);
export type BotAction = z.infer<typeof botActionSchema>;

/** The HTTP bot's answer body. */
export const botAnswerSchema = z.object({ actions: z.array(botActionSchema).max(20) });

/** What a bot made of a turn: actions to apply, or why it could not answer (the runner escalates). */
export type BotOutcome =
  | { ok: true; actions: BotAction[]; memory?: Record<string, unknown> }
  | { ok: false; reason: 'unavailable' | 'invalid_answer'; detail: string };

export interface Bot {
  /** `memory` is what this bot kept from earlier turns of the conversation (the FAQ bot's counters). */
  handle(turn: BotTurn, memory: Record<string, unknown>): Promise<BotOutcome>;
}
