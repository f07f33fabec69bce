/**
 * One clock for every thread and process of a bench run: process.hrtime reads the machine's
 * monotonic clock (CLOCK_MONOTONIC on Linux), which all processes share, so a time stamped in the
 * webhook sender's worker thread and one stamped in the agent-sockets process can be subtracted.
 * (performance.now() cannot: each thread and process counts from its own origin.)
 */
export function monotonicMs(): number {
  // Microseconds first, so the number stays exact in a double for years of uptime.
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
