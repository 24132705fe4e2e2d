/** Wall-clock seconds per phase of a run, in the order the phases ran. */
export class PhaseTimer {
  readonly phases: { phase: string; seconds: number }[] = [];

  /** Runs `fn` and records its wall-clock time under `phase` (also when it throws). */
  async time<T>(phase: string, fn: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.phases.push({ phase, seconds: (performance.now() - start) / 1000 });
    }
  }

  get total(): number {
    return this.phases.reduce((a, p) => a + p.seconds, 0);
  }

  /** A plain-text table: phase, seconds, share of the total. */
  table(): string {
    const total = this.total;
    const width = Math.max(5, ...this.phases.map((p) => p.phase.length));
    const lines = [`${'phase'.padEnd(width)}  ${'seconds'.padStart(8)}  ${'share'.padStart(6)}`];
    for (const p of this.phases) {
      lines.push(`${p.phase.padEnd(width)}  ${p.seconds.toFixed(1).padStart(8)}  ${`${((100 * p.seconds) / (total || 1)).toFixed(1)}%`.padStart(6)}`);
    }
    lines.push(`${'total'.padEnd(width)}  ${total.toFixed(1).padStart(8)}  ${'100%'.padStart(6)}`);
    return lines.join('\n');
  }
}
