/**
 * "Twilio" for the outbound bench, in its own process so its CPU is its own: the Twilio emulator
 * (rate limit lifted: the bench measures the hub, not Twilio's account limits) plus a ledger of
 * what it saw — every message created through its Messages API (by Body, which the bench makes
 * unique per message) and the status callbacks it sent for each, with when the receiver
 * acknowledged them.
 */
import { startTwilioEmulator, type StatusCallbackReport, type TwilioEmulator } from '../emulators/twilio/index.js';
import { serveParent } from './child.js';
import { CallbackLedger, type LedgerSummary } from './outbound-ledger.js';

export interface TwilioReady {
  baseUrl: string;
}

export interface TwilioAccountSetup {
  accountSid: string;
  authToken: string;
  number: string;
  webhookUrl: string;
  statusCallbackUrl: string;
}

export interface CustomersWrite {
  accountSid: string;
  number: string;
  /** WhatsApp numbers of the customers; each sends one text. */
  waNumbers: string[];
  /** Webhooks in flight at once. */
  inFlight: number;
}

let emulator: TwilioEmulator | undefined;
const ledger = new CallbackLedger();

function em(): TwilioEmulator {
  if (!emulator) throw new Error('emulator not started');
  return emulator;
}

async function customersWrite(p: CustomersWrite): Promise<{ ok: number; failed: number; firstError?: string }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < p.waNumbers.length) {
      const wa = p.waNumbers[next++]!;
      const d = await em().customer(p.accountSid, p.number, wa, `Customer ${wa.slice(-4)}`).sendText(`Hello from ${wa}`);
      if (d.status >= 200 && d.status < 300) ok++;
      else {
        failed++;
        firstError ??= `${d.status} ${d.error ?? d.responseBody.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, p.inFlight) }, lane));
  return { ok, failed, ...(firstError === undefined ? {} : { firstError }) };
}

serveParent(
  {
    start: async (): Promise<TwilioReady> => {
      emulator = await startTwilioEmulator({
        rateLimitPerSecond: 1e9,
        onStatusCallback: (r: StatusCallbackReport) => ledger.callback(r),
      });
      return { baseUrl: emulator.baseUrl };
    },
    addAccount: async (p) => {
      const a = p as TwilioAccountSetup;
      em().addAccount({ accountSid: a.accountSid, authToken: a.authToken });
      em().addNumber({ accountSid: a.accountSid, number: a.number, webhookUrl: a.webhookUrl, statusCallbackUrl: a.statusCallbackUrl });
      return null;
    },
    customersWrite: (p) => customersWrite(p as CustomersWrite),
    /** Everything created by an account so far, folded into the ledger (call after a phase). */
    summary: async (p): Promise<LedgerSummary> => {
      const { accountSid } = p as { accountSid: string };
      return ledger.summary(em().messagesCreated().filter((m) => m.accountSid === accountSid));
    },
  },
  async () => {
    await emulator?.close();
  },
);
