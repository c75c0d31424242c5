import { Command, Flags, Interfaces } from './oclif';
import { WatcherConfig, loadConfig, resolveConnectionUrl, watcherSearch } from '../config';
import { LockPolicy } from '../connection/lock-policy';
import { RetryPolicy } from '../connection/retry';
import { DriverSession, Session, withDriverSession, withSession } from '../connection/session';
import { secretsInUrl } from '../connection/redact';
import { parseConnectionUrl } from '../connection/url';
import { UserError } from '../errors';
import { loadChain } from '../script/load';
import { RevisionChain } from '../script/chain';
import { refuseUnbuiltRevisions } from '../script/unbuilt';
import { EXIT } from './exit-codes';
import { openDestinations } from './log-destinations';
import { logFlags } from './log-flags';
import { LogFlagValues, resolveLogSettings } from './log-settings';
import { StderrLogger } from './stderr-logger';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * What every command shares: the reference's global options, configuration and connection, and
 * errors printed as one line. Commands parse their flags, call the core, and print the result.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = {
    'config-file': Flags.string({
      description: 'Path to a config file; repeatable, later files take precedence.',
      multiple: true,
      helpValue: 'PATH',
      helpGroup: 'GLOBAL',
    }),
    'config-dir': Flags.string({
      description: 'Directory whose *.conf files are read, sorted, after the --config-file files.',
      multiple: true,
      helpValue: 'DIR',
      helpGroup: 'GLOBAL',
    }),
    'migrations-dir': Flags.string({
      description: 'Directory of revision files to use instead of the shipped migrations/.',
      helpValue: 'DIR',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({ char: 'd', allowNo: true, description: 'Log every SQL statement ([DEFAULT] debug).', helpGroup: 'GLOBAL' }),
    ...logFlags,
    verbose: Flags.boolean({ char: 'v', description: 'Log what the tool is doing.', helpGroup: 'GLOBAL' }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: Interfaces.InferredArgs<T['args']>;
  protected logger!: StderrLogger;
  /** The positional arguments, for a command that takes any number of them (strict = false). */
  protected rest: string[] = [];

  public async init(): Promise<void> {
    await super.init();
    const { flags, args, argv } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
      enableJsonFlag: this.ctor.enableJsonFlag,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
    this.rest = argv as string[];
    this.logger = new StderrLogger({ verbose: Boolean(this.flags.verbose), debug: this.debugEnabled() });
    this.routeLogs();
  }

  /**
   * Sends log lines where oslo.log would (log-settings.ts, log-destinations.ts): the logging flags
   * over `[DEFAULT]` of the configuration files, which are therefore read before anything is logged.
   */
  private routeLogs(): void {
    const config = this.watcherConfig();
    const settings = resolveLogSettings(this.flags as LogFlagValues, config);
    const warn = (message: string) => this.logger.warning(message);
    this.logger.route({ ...openDestinations(settings, warn), debug: settings.debug });
    this.logDebug = settings.debug;
    const files = config.files;
    this.logger.verbose(files.length ? `Read ${files.join(', ')}` : 'No config file; using defaults');
    if (settings.ignoredConfigAppend) {
      this.logger.warning(
        `log_config_append ${settings.ignoredConfigAppend} is ignored: Python logging configuration files are not supported; the other logging options apply`,
      );
    }
  }

  private logDebug?: boolean;

  /** Whether SQL is logged: --debug / --no-debug, else [DEFAULT] debug. */
  protected debugEnabled(): boolean {
    return this.logDebug ?? Boolean((this.flags as { debug?: boolean }).debug);
  }

  /** Log destinations get everything before the process ends. */
  protected async finally(error: Error | undefined): Promise<void> {
    await this.logger?.close();
    return super.finally(error);
  }

  /**
   * The configured database URL and connection retry policy. Every form of the URL's passwords is
   * registered for scrubbing before anything can log it or fail on it (even a URL that does not parse).
   */
  protected connection(): { url: string; retry: RetryPolicy } {
    const config = this.watcherConfig();
    const url = resolveConnectionUrl(config);
    for (const secret of secretsInUrl(url)) this.logger.addSecret(secret);
    const spec = parseConnectionUrl(url);
    this.logger.addSecret(spec.password);
    this.logger.verbose(`Database: ${spec.redactedUrl}`);
    return { url, retry: this.retryPolicy(config.database) };
  }

  /** The configuration files, read once. */
  protected watcherConfig(): WatcherConfig {
    if (!this.loadedConfig) {
      this.loadedConfig = loadConfig({
        configFiles: this.flags['config-file'] ?? [],
        configDirs: this.flags['config-dir'] ?? [],
        search: watcherSearch(process.env),
      });
    }
    return this.loadedConfig;
  }

  private loadedConfig?: WatcherConfig;

  /** The lock policy: --lock-timeout and --lock-retries (lock-flags.ts) over the configuration's. */
  protected lockPolicy(): LockPolicy {
    const flags = this.flags as { 'lock-timeout'?: number; 'lock-retries'?: number };
    const database = this.watcherConfig().database;
    return { timeoutSeconds: flags['lock-timeout'] ?? database.lock_timeout, retries: flags['lock-retries'] ?? database.lock_retries };
  }

  /** The URL alone, for what does not connect (--sql scripts). */
  protected connectionUrl(): string {
    return this.connection().url;
  }

  /** oslo.db's startup retries; a command for which the database is optional may do without. */
  protected retryPolicy(database: { max_retries: number; retry_interval: number }): RetryPolicy {
    return { maxRetries: database.max_retries, intervalSeconds: database.retry_interval };
  }

  protected withSession<R>(work: (session: Session) => Promise<R>): Promise<R> {
    const { url, retry } = this.connection();
    return withSession(url, { log: this.logger, retry }, work);
  }

  /** For commands that only read: the driver alone, without loading TypeORM. */
  protected withDriverSession<R>(work: (session: DriverSession) => Promise<R>): Promise<R> {
    const { url, retry } = this.connection();
    return withDriverSession(url, { log: this.logger, retry }, work);
  }

  /**
   * The revisions to run: --migrations-dir's, else the shipped ones, which in a checkout must hold
   * every revision of the sources (unbuilt.ts).
   */
  protected chain(): RevisionChain {
    const dir = this.flags['migrations-dir'];
    const chain = loadChain(dir);
    if (dir === undefined) refuseUnbuiltRevisions(chain);
    return chain;
  }

  /**
   * Expected errors are one line and an exit code (exit-codes.ts); anything else is a bug, with a
   * stack under --debug. Under --json too the error goes to stderr: stdout holds only a result.
   */
  protected async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    const scrub = (text: string) => (this.logger ? this.logger.scrub(text) : text);
    if (error.oclif?.exit === 0) throw error; // --help and --version finishing normally
    const debug = this.argv.includes('--debug') || (this.logger !== undefined && this.debugEnabled());
    // The log destinations get the error too; standard error always does, for cron's mail.
    this.logger?.errorToDestinations(String(error.message ?? error));
    if (error instanceof UserError) {
      process.stderr.write(`watcher-db-manage: error: ${scrub(error.message)}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    // oclif's parse errors put their detail on further lines ("Parsing --x\n\tExpected an integer"):
    // keep all of it, on one line.
    const oneLine = scrub(
      String(error.message ?? error)
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .join(' '),
    );
    if (error.oclif) {
      // oclif's own parse errors (unknown flag, missing argument): already meant for users.
      process.stderr.write(`watcher-db-manage: error: ${oneLine}\n`);
      process.exitCode = error.oclif.exit ?? EXIT.USAGE;
      return;
    }
    process.stderr.write(`watcher-db-manage: error: ${oneLine}\n`);
    if (debug && error.stack) process.stderr.write(scrub(error.stack) + '\n');
    else process.stderr.write('(run with --debug for details)\n');
    process.exitCode = EXIT.ERROR;
  }
}
