/**
 * Progress on stderr: a redrawn bar on a terminal; on a pipe, one line per phase and every 25 % so logs
 * stay readable.
 */
export class ProgressPrinter {
  private lastPhase = '';
  private lastQuarter = -1;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, phase = this.label): void {
    if (this.stream.isTTY) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r${bar} ${done}/${total} ${phase}\x1b[K`);
      this.drawn = true;
      return;
    }
    const quarter = total > 0 ? Math.floor((done / total) * 4) : 0;
    if (phase !== this.lastPhase || quarter !== this.lastQuarter) {
      this.stream.write(`${phase}: ${done}/${total}\n`);
      this.lastPhase = phase;
      this.lastQuarter = quarter;
    }
  }

  /** A line of its own, above the bar (which is redrawn on the next update). */
  note(text: string): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
    this.stream.write(`${text}\n`);
  }

  end(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
