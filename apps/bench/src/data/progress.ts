/** A one-line progress bar on stderr (a line per 10 % when stderr is not a terminal). */
export class ProgressBar {
  private done = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private lastLine = Date.now();

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  add(n: number, stage = ''): void {
    this.done += n;
    const now = Date.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < 200 && this.done < this.total) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line(stage)}\x1b[K`);
    } else {
      // not a terminal (a log file): a line per 10 %, and at least one every 30 s
      const decile = Math.floor((this.done / this.total) * 10);
      if (decile === this.lastDecile && now - this.lastLine < 30_000) return;
      this.lastDecile = decile;
      this.lastLine = now;
      this.out.write(`${this.line(stage)}\n`);
    }
  }

  finish(): void {
    if (this.out.isTTY) this.out.write(`\r${this.line('done')}\x1b[K\n`);
  }

  private line(stage: string): string {
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    return `[bench] ${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')}/s, ${secs.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s ${stage}`;
  }
}
