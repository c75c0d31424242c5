// The fixture of the CLI tests that want an empty database per test: before each test of the
// enclosing describe, a new throwaway database of `backend` and a config file naming it; dropped after.
import { Backend, createTempDatabase, TempDatabase } from './backends';
import { CliResult, runCli, writeConfig } from './cli';

export interface FreshDatabase {
  /** This test's database. */
  readonly db: TempDatabase;
  /** The config file that points at it. */
  readonly conf: string;
  /** The built CLI with `--config-file` this test's config. */
  cli(...args: string[]): CliResult;
}

export function freshDatabaseEachTest(backend: Backend): FreshDatabase {
  let db: TempDatabase | undefined;
  let conf = '';
  beforeEach(async () => {
    db = await createTempDatabase(backend);
    conf = writeConfig(db.url);
  });
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });
  return {
    get db() {
      if (!db) throw new Error('freshDatabaseEachTest: used outside a test');
      return db;
    },
    get conf() {
      return conf;
    },
    cli: (...args: string[]) => runCli(['--config-file', conf, ...args]),
  };
}
