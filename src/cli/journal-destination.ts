import * as net from 'node:net';
import type { LogDestination } from './log-destinations';
import { LogRecord, priorityOf, withPriority } from './log-format';

/**
 * Sends log lines to journald through its stream socket, the documented protocol of
 * sd_journal_stream_fd(3) that carries every service's standard output: a header naming the program,
 * then one line per entry with its syslog priority (`<6>...`). journald stores each as an entry with
 * MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and the trusted _PID, _UID, ... fields. The native datagram
 * socket oslo.log's python-systemd uses is out of Node's reach (no unix datagram sockets).
 */
export class JournalDestination implements LogDestination {
  private readonly socket: net.Socket;
  private readonly closed: Promise<void>;
  private failed = false;

  constructor(
    path: string,
    private readonly format: (record: LogRecord) => string,
    warn: (message: string) => void,
  ) {
    this.socket = net.connect({ path });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', (error) => {
      if (!this.failed) warn(`use_journal: cannot write to journald at ${path} (${error.message})`);
      this.failed = true;
    });
    // identifier, unit id, default priority, level prefix, forward to syslog, kmsg, console
    this.socket.write(['watcher-db-manage', '', '6', '1', '0', '0', '0'].join('\n') + '\n');
  }

  write(record: LogRecord): void {
    // The journal keeps the facility out of stream entries; the priority carries the severity.
    if (!this.failed) this.socket.write(withPriority(priorityOf(record, 0), this.format(record)));
  }

  /** Done when the kernel has every line (journald reads them after we exit), or the socket failed. */
  async close(): Promise<void> {
    await Promise.race([new Promise<void>((resolve) => this.socket.end(resolve)), this.closed]);
    // A unix socket hands what was written to the reader's queue at once: closing loses nothing.
    this.socket.destroy();
  }
}
