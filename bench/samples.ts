/** Latency samples (ms) and their percentiles. Every request is kept: a run has at most a few hundred thousand. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class Samples {
  private data = new Float64Array(1 << 16);
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }

  summary(): LatencySummary {
    const sorted = this.data.slice(0, this.n).sort();
    const at = (p: number) => (this.n === 0 ? 0 : sorted[Math.min(this.n - 1, Math.ceil((p / 100) * this.n) - 1)] ?? 0);
    return { p50: at(50), p90: at(90), p99: at(99), max: at(100) };
  }
}
