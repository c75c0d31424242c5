// Throwaway databases for the tests, each with a config file naming it, each dropped once its tests
// are done: freshDatabaseEachTest for one empty database per test (freshDatabaseForAllTests: one for
// the whole describe), tempDatabases for tests that make theirs as they go.
import { Backend, createTempDatabase, TempDatabase } from './backends';
import { CliResult, runCli, writeConfig } from './cli';

/** A throwaway database and the config file that points at it. */
export interface ConfiguredDatabase {
  readonly db: TempDatabase;
  readonly conf: string;
}

export interface ConfigOptions {
  /** A revision our CLI upgrades the new database to (through the config file) before it is returned. */
  upgradeTo?: string;
}

/** A new database of `backend` and its config file, upgraded to `upgradeTo` if given. The caller drops it. */
export async function configuredDatabase(backend: Backend, options: ConfigOptions = {}): Promise<ConfiguredDatabase> {
  const db = await createTempDatabase(backend);
  try {
    const conf = writeConfig(db.url);
    if (options.upgradeTo !== undefined) {
      const up = runCli(['--config-file', conf, 'upgrade', '--revision', options.upgradeTo]);
      if (up.status !== 0) throw new Error(`upgrade --revision ${options.upgradeTo} failed (exit ${up.status}):\n${up.stderr}`);
    }
    return { db, conf };
  } catch (e) {
    await db.drop();
    throw e;
  }
}

export interface FreshDatabase extends ConfiguredDatabase {
  /** The built CLI with `--config-file` this test's config. */
  cli(...args: string[]): CliResult;
}

/** Before each test of the enclosing describe, a new empty database of `backend` and its config; dropped after the test. */
export function freshDatabaseEachTest(backend: Backend): FreshDatabase {
  return freshDatabase(backend, beforeEach, afterEach);
}

/** Before the first test of the enclosing describe, a new empty database of `backend` and its config; dropped after the last. */
export function freshDatabaseForAllTests(backend: Backend): FreshDatabase {
  return freshDatabase(backend, before, after);
}

function freshDatabase(backend: Backend, setUp: Mocha.HookFunction, tearDown: Mocha.HookFunction): FreshDatabase {
  let made: ConfiguredDatabase | undefined;
  setUp(async () => {
    made = await configuredDatabase(backend);
  });
  tearDown(async () => {
    await made?.db.drop();
    made = undefined;
  });
  return {
    get db() {
      if (!made) throw new Error('freshDatabase: used outside a test');
      return made.db;
    },
    get conf() {
      return made?.conf ?? '';
    },
    cli: (...args: string[]) => runCli(['--config-file', made?.conf ?? '', ...args]),
  };
}

/** Databases made by the tests of one describe as they need them, all dropped together. */
export interface TempDatabases {
  /** A new empty database of `backend`. */
  empty(backend: Backend): Promise<TempDatabase>;
  /** A new database of `backend` and its config file (configuredDatabase). */
  configured(backend: Backend, options?: ConfigOptions): Promise<ConfiguredDatabase>;
  /** `made`, a database made some other way (a copy of the head template, say), dropped with the others. */
  keep<T extends { db: TempDatabase }>(made: T): T;
}

/**
 * For the tests of the enclosing describe that make databases as they go: each is dropped after the
 * test that made it (`'each'`), or after the describe's last test (`'all'`, for databases one test
 * leaves for the next, or which are only looked at once all are done).
 */
export function tempDatabases(dropAfter: 'each' | 'all'): TempDatabases {
  const made: TempDatabase[] = [];
  (dropAfter === 'each' ? afterEach : after)(async () => {
    for (const db of made.splice(0)) await db.drop();
  });
  const keep = <T extends { db: TempDatabase }>(it: T): T => {
    made.push(it.db);
    return it;
  };
  return {
    empty: async (backend) => keep({ db: await createTempDatabase(backend) }).db,
    configured: async (backend, options) => keep(await configuredDatabase(backend, options)),
    keep,
  };
}
