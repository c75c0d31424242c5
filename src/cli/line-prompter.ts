import * as readline from 'node:readline';

/** oslo's strutils.bool_from_string(default=False), as the reference reads its answers. */
export function answerIsYes(answer: string): boolean {
  return ['1', 't', 'true', 'on', 'y', 'yes'].includes(answer.trim().toLowerCase());
}

/**
 * Asks questions as Python's input() does: the question without a newline, then one line from
 * standard input, which may be a terminal or a pipe (answers can be piped, as to the reference).
 * `ask` resolves to null when standard input has ended, so the caller can refuse instead of crashing.
 */
export class LinePrompter {
  private rl?: readline.Interface;
  private readonly lines: string[] = [];
  private waiting?: (line: string | null) => void;
  private ended = false;

  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  get interactive(): boolean {
    return Boolean(this.input.isTTY);
  }

  async ask(question: string): Promise<string | null> {
    this.output.write(question);
    this.listen();
    const answer = this.lines.length > 0 ? this.lines.shift()! : this.ended ? null : await new Promise<string | null>((resolve) => (this.waiting = resolve));
    // A terminal echoes the answer and its newline; piped answers do not, so end the line ourselves.
    if (!this.interactive) this.output.write('\n');
    return answer;
  }

  close(): void {
    this.rl?.close();
    this.rl = undefined;
  }

  private listen(): void {
    if (this.rl || this.ended) return;
    this.rl = readline.createInterface({ input: this.input, terminal: false });
    this.rl.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(line);
      else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(null);
    });
  }
}
