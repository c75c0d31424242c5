import { ChildProcess, spawn } from 'node:child_process';
import type { LogDestination } from './log-destinations';
import { LogRecord, priorityOf, withPriority } from './log-format';

/**
 * Sends log lines to the local syslog socket (/dev/log, a unix datagram socket) through logger(1).
 * Node has no unix datagram sockets, and the packages that add them need a native build; logger comes
 * with util-linux (Debian's essential bsdutils), so it is there wherever the tool is installed. One
 * logger process takes every line, each with its own priority (--prio-prefix), and writes the datagrams
 * oslo.log's syslog(3) calls write: with a local socket, logger's default header is glibc's,
 * `<PRI>Mmm dd hh:mm:ss watcher-db-manage: ` (no host name; --rfc3164 would add one).
 */
export class SyslogDestination implements LogDestination {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    socket: string,
    private readonly facility: number,
    private readonly format: (record: LogRecord) => string,
    warn: (message: string) => void,
  ) {
    this.child = spawn('logger', ['--prio-prefix', '--tag', 'watcher-db-manage', '--socket', socket], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        warn(`use_syslog: cannot run logger(1) (${error.message}); log lines are not sent to syslog`);
        resolve();
      });
      this.child.once('close', () => resolve());
    });
    this.child.stdin!.on('error', () => {}); // reported through the child's own error
  }

  write(record: LogRecord): void {
    this.child.stdin!.write(withPriority(priorityOf(record, this.facility), this.format(record)));
  }

  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }
}
