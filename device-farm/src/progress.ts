/** Where the agent writes; process.stdout/stderr by default, plain collectors in tests. */
export interface AgentIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
}

export const processIo = (): AgentIo => ({ stdout: process.stdout, stderr: process.stderr });

const fmtMs = (ms: number): string =>
  ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);

/**
 * Agent output. On a TTY a single status line is redrawn in place (logs are printed above it);
 * otherwise every task gets one greppable log line and nothing is redrawn, so log files stay clean.
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private current: string | undefined;
  private lastMedian: number | undefined;
  private statusShown = false;
  private device = '?';

  constructor(
    private readonly io: AgentIo,
    private readonly runtime: string,
  ) {}

  get tty(): boolean {
    return this.io.stdout.isTTY === true;
  }

  setDevice(deviceId: string): void {
    this.device = deviceId;
  }

  log(line: string): void {
    this.clearStatus();
    this.io.stdout.write(`${line}\n`);
    this.drawStatus();
  }

  error(line: string): void {
    this.clearStatus();
    this.io.stderr.write(`${line}\n`);
    this.drawStatus();
  }

  started(space: string, arch: string): void {
    this.current = `${space} ${arch}`;
    this.drawStatus();
  }

  measured(
    space: string,
    arch: string,
    medianMs: number,
    cv: number,
    seconds: number,
    replayed: boolean,
  ): void {
    this.done++;
    this.current = undefined;
    this.lastMedian = medianMs;
    const what = replayed ? 'replayed' : 'measured';
    const detail = replayed ? '' : ` (cv ${(cv * 100).toFixed(1)}%)`;
    const line = `${what} ${space} ${arch}: median ${fmtMs(medianMs)} ms${detail} in ${seconds.toFixed(1)} s`;
    if (this.tty) this.drawStatus();
    else this.log(line);
  }

  failedTask(space: string, arch: string, reason: string): void {
    this.failed++;
    this.current = undefined;
    this.log(`failed ${space} ${arch}: ${reason}`);
  }

  /** Called when the agent ends, so the shell prompt does not land on the status line. */
  finish(): void {
    this.clearStatus();
  }

  private statusText(): string {
    const cur = this.current
      ? ` | ${this.current.length > 60 ? `${this.current.slice(0, 59)}…` : this.current}`
      : ' | idle';
    const last = this.lastMedian !== undefined ? ` | last ${fmtMs(this.lastMedian)} ms` : '';
    return `${this.device} [${this.runtime}] done ${this.done} failed ${this.failed}${last}${cur}`;
  }

  private drawStatus(): void {
    if (!this.tty) return;
    this.io.stdout.write(`\r\x1b[2K${this.statusText()}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.io.stdout.write('\r\x1b[2K');
    this.statusShown = false;
  }
}
