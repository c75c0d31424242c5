// A database at the head revision, for the tests that need one to start from (the purge tests seed
// rows into it) rather than testing the upgrade: our `upgrade` builds a template once per server and
// build, and each test gets a copy. Running `upgrade` per test cost about a second of CPU each, a
// few hundred times per suite; the upgrade itself is tested on fresh databases elsewhere.
//
// Copies: PostgreSQL's CREATE DATABASE ... TEMPLATE (an exact copy); MariaDB's dump of the template
// replayed (the same tables, keys and version row); SQLite's file. Several mocha processes may ask at
// once (the lanes): a template is published in one atomic step (a rename, a link, a database comment
// set last), so none is seen half built.
import { createHash, randomBytes } from 'crypto';
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Backend, createTempDatabase, mysqlClientArgs, serverUrl, sqlitePath, sqlQuery, TempDatabase } from './backends';
import { REPO_ROOT, runCli, writeConfig } from './cli';

/**
 * The template's name, by the build it comes from: another build (other revisions, other DDL) gets
 * its own. Computed when a template is first asked for, not when this file is loaded (the purge
 * benchmarks load it for the datasets alone).
 */
let templateName: string | undefined;
function template(): string {
  if (templateName) return templateName;
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.js')) hash.update(file).update(readFileSync(file));
    }
  };
  for (const dir of ['dist/src', 'dist/migrations', 'dist/entities']) walk(path.join(REPO_ROOT, dir));
  templateName = `wdm_head_${hash.digest('hex').slice(0, 12)}`;
  return templateName;
}

const READY = 'ready';

/** A new database at head (our upgrade's schema and version row, no other row), with a config file. */
export async function databaseAtHead(backend: Backend): Promise<{ db: TempDatabase; conf: string }> {
  let db: TempDatabase;
  if (backend === 'postgresql') {
    db = await createTempDatabase(backend, { postgresTemplate: await postgresTemplate() });
  } else {
    db = await createTempDatabase(backend);
    try {
      if (backend === 'sqlite') copyFileSync(sqliteTemplate(), sqlitePath(db.url));
      else sqlQuery(db.url, await mysqlTemplateDump());
    } catch (e) {
      await db.drop();
      throw e;
    }
  }
  return { db, conf: writeConfig(db.url) };
}

function upgrade(url: string): void {
  const up = runCli(['--config-file', writeConfig(url), 'upgrade']);
  if (up.status !== 0) throw new Error(`upgrade of the head template failed: ${up.stderr}`);
}

function sqliteTemplate(): string {
  const file = path.join(tmpdir(), `${template()}.sqlite`);
  if (existsSync(file)) return file;
  const dir = path.join(tmpdir(), `${template()}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir);
  try {
    const built = path.join(dir, 'db.sqlite');
    upgrade(`sqlite:///${built}`);
    try {
      linkSync(built, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process was first
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return file;
}

/** PostgreSQL: built under a name of its own, then renamed; the first rename wins. */
async function postgresTemplate(): Promise<string> {
  const admin = serverUrl('postgresql');
  if (sqlQuery(admin, `SELECT 1 FROM pg_database WHERE datname = '${template()}';`).trim() === '1') return template();
  const built = await createTempDatabase('postgresql');
  try {
    upgrade(built.url);
    sqlQuery(admin, `ALTER DATABASE ${built.name} RENAME TO ${template()};`);
  } catch (e) {
    await built.drop();
    if (!/already exists/.test((e as Error).message)) throw e;
  }
  return template();
}

let mysqlDump: string | undefined;

/** Creates the template's database; false if another process did first. */
function createDatabase(admin: string): boolean {
  try {
    sqlQuery(admin, `CREATE DATABASE ${template()} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;`);
    return true;
  } catch (e) {
    if (/database exists/i.test((e as Error).message)) return false;
    throw e;
  }
}

/**
 * MariaDB has no template databases: the template's dump, replayed. The template is built in place
 * by whoever creates its database first, and marked ready (its comment) once the upgrade is done.
 */
async function mysqlTemplateDump(): Promise<string> {
  if (mysqlDump) return mysqlDump;
  const admin = serverUrl('mysql');
  const url = admin.replace(/\/[^/]*$/, `/${template()}`);
  // 'ready', '' while another process builds it (no comment yet), 'missing' before anyone does.
  const state = () => sqlQuery(admin, `SELECT COALESCE(MAX(schema_comment), 'missing') FROM information_schema.schemata WHERE schema_name = '${template()}';`).trim();
  for (let deadline = Date.now() + 180_000, now = state(); now !== READY; now = state()) {
    if (now === 'missing' && createDatabase(admin)) {
      try {
        upgrade(url);
        sqlQuery(admin, `ALTER DATABASE ${template()} COMMENT '${READY}';`);
      } catch (e) {
        sqlQuery(admin, `DROP DATABASE IF EXISTS ${template()};`);
        throw e;
      }
      break;
    }
    // Another process builds it.
    if (Date.now() > deadline) throw new Error(`the head template ${template()} was not ready after 3 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { args, env, database } = mysqlClientArgs(url);
  mysqlDump = execFileSync('mysqldump', [...args, '--skip-comments', '--skip-dump-date', '--skip-lock-tables', '--skip-add-locks', database], { env, encoding: 'utf8' });
  return mysqlDump;
}
