// No password in any output or file, whatever form the URL takes: every command, with no flag, -v
// and -d, on PostgreSQL and MariaDB, as a user whose password the server checks (on PostgreSQL, a
// member of wdm_password_auth: run-with-servers.js makes the server ask those for their password).
// The URL forms rotate over the runs (user-info percent-encoded or nearly raw, ?password= with %20
// or '+' for the space, both at once, a wrong user-info one overridden by the query, MySQL's
// ?passwd=), each from a config file and from OS_DATABASE__CONNECTION, so that every form meets
// several commands and every flag; a full product would take minutes of CI on every push.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { CliResult, REPO_ROOT, runCli, startCli, writeConfig } from './support/cli';

/** Only in the password: any output holding it, in whatever encoding, shows (part of) the password. */
const TOKEN = randomBytes(4).toString('hex');
// Every character class that URLs treat specially: '@' ':' '/' end user-info parts, '%' starts an
// escape, '+' is a space in a query, ' ' is %20 or '+', '&' ends a query pair, "'" and '!' are left
// alone by encodeURIComponent but quoted by Python.
const PASSWORD = `p@ss:w/${TOKEN}rd%+ &'!`;
const WRONG = `wr0ng@${TOKEN}:x`;

/** How a password is written in a URL. */
const encoded = (pw: string) => encodeURIComponent(pw);
/** Only what SQLAlchemy's grammar needs: '@' ends the user-info, '%' starts an escape. */
const minimal = (pw: string) => pw.replace(/%/g, '%25').replace(/@/g, '%40');
/** As a query string: the space as '+', everything else but letters and digits escaped. */
const formEncoded = (pw: string) => new URLSearchParams({ p: pw }).toString().slice(2);

/** Every spelling of the password (and of the wrong one) that must never be printed or written. */
const SPELLINGS = [PASSWORD, WRONG].flatMap((pw) => [pw, encoded(pw), minimal(pw), formEncoded(pw), encoded(pw).toLowerCase(), TOKEN]);

function expectNoSecret(text: string, label: string): void {
  for (const spelling of SPELLINGS) expect(text.includes(spelling), `${label} shows ${spelling}:\n${text}`).to.equal(false);
}

interface Server {
  scheme: string;
  /** host:port */
  host: string;
  user: string;
}

type Form = (server: Server, db: string) => string;

/** The URL forms; MySQL also has PyMySQL's `passwd`. */
function forms(backend: 'postgresql' | 'mysql'): Array<{ name: string; url: Form }> {
  const list: Array<{ name: string; url: Form }> = [
    { name: 'user-info, percent-encoded', url: (s, db) => `${s.scheme}://${s.user}:${encoded(PASSWORD)}@${s.host}/${db}` },
    { name: "user-info, only '@' and '%' encoded", url: (s, db) => `${s.scheme}://${s.user}:${minimal(PASSWORD)}@${s.host}/${db}` },
    { name: '?password= with %20', url: (s, db) => `${s.scheme}://${s.user}@${s.host}/${db}?connect_timeout=5&password=${encoded(PASSWORD)}` },
    { name: "?password= with '+'", url: (s, db) => `${s.scheme}://${s.user}@${s.host}/${db}?password=${formEncoded(PASSWORD)}&connect_timeout=5` },
    { name: 'user-info and ?password=', url: (s, db) => `${s.scheme}://${s.user}:${encoded(PASSWORD)}@${s.host}/${db}?password=${encoded(PASSWORD)}` },
    { name: 'a wrong user-info password, overridden by ?password=', url: (s, db) => `${s.scheme}://${s.user}:${encoded(WRONG)}@${s.host}/${db}?password=${formEncoded(PASSWORD)}` },
  ];
  if (backend === 'mysql') list.push({ name: '?passwd=', url: (s, db) => `${s.scheme}://${s.user}@${s.host}/${db}?passwd=${encoded(PASSWORD)}` });
  return list;
}

/** A URL form from a config file or from the environment. */
interface Variant {
  name: string;
  url: Form;
  viaEnv: boolean;
}

function variants(backend: 'postgresql' | 'mysql'): Variant[] {
  return forms(backend).flatMap((f) => [
    { ...f, viaEnv: false },
    { ...f, name: `${f.name}, from OS_DATABASE__CONNECTION`, viaEnv: true },
  ]);
}

/** At most this many CLIs at once: CI runners have two cores, and each CLI is a Node process. */
const PARALLEL = 4;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs the CLI with the URL from a config file or the environment; `--config-file` goes first. */
async function cli(url: string, viaEnv: boolean, args: string[]): Promise<CliResult> {
  while (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    if (viaEnv) return await startCli(args, { env: { OS_DATABASE__CONNECTION: url, OS_DATABASE__MAX_RETRIES: '0' } }).done;
    return await startCli(['--config-file', writeConfig(url, '', 'max_retries = 0'), ...args]).done;
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A copy of the compiled revisions, next to dist/src as their relative imports expect (for `revision`). */
function scratchMigrations(): string {
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'dist', 'wdm-secrets-mig-'));
  for (const f of fs.readdirSync(path.join(REPO_ROOT, 'dist', 'migrations')).filter((f) => f.endsWith('.js'))) {
    fs.copyFileSync(path.join(REPO_ROOT, 'dist', 'migrations', f), path.join(dir, f));
  }
  return dir;
}

const FLAGS = [[], ['-v'], ['-d']] as const;

for (const backend of ['postgresql', 'mysql'] as const) {
  describe(`secrets on ${backend}`, function () {
    this.timeout(5 * 60_000);
    const admin = backend === 'postgresql' ? process.env.WDM_TEST_PG_URL : process.env.WDM_TEST_MYSQL_URL;
    const user = `wdm_secret_${randomBytes(3).toString('hex')}`;
    /** One database per flag, so that the three rounds (each with its create_schema) run side by side. */
    const dbs: TempDatabase[] = [];
    let server: Server;
    const migrations: string[] = [];

    before(async () => {
      if (!admin) throw new Error('run the tests via `npm test` (test/support/run-with-servers.js)');
      const quoted = PASSWORD.replace(/'/g, "''");
      for (let i = 0; i < FLAGS.length; i++) dbs.push(await createTempDatabase(backend));
      if (backend === 'postgresql') {
        sqlQuery(
          admin,
          "DO $$ BEGIN CREATE ROLE wdm_password_auth NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n" +
            `CREATE ROLE ${user} LOGIN PASSWORD '${quoted}' IN ROLE wdm_password_auth;\n` +
            dbs.map((db) => `ALTER DATABASE ${db.name} OWNER TO ${user};\n`).join(''),
        );
        server = { scheme: 'postgresql', host: new URL(admin).host, user };
      } else {
        sqlQuery(admin, `CREATE USER '${user}'@'%' IDENTIFIED BY '${quoted}';\n` + dbs.map((db) => `GRANT ALL ON ${db.name}.* TO '${user}'@'%';\n`).join(''));
        server = { scheme: 'mysql+pymysql', host: new URL(admin).host, user };
      }
    });

    after(async () => {
      for (const db of dbs.splice(0)) await db.drop();
      for (const dir of migrations.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
      if (!admin) return;
      if (backend === 'postgresql') sqlQuery(admin, `DROP ROLE IF EXISTS ${user};`);
      else sqlQuery(admin, `DROP USER IF EXISTS '${user}'@'%';`);
    });

    it('the server checks the password: a wrong one is refused, in one line without it', async () => {
      const refused = [
        `${server.scheme}://${user}:${encoded(WRONG)}@${server.host}/${dbs[0].name}`,
        `${server.scheme}://${user}@${server.host}/${dbs[0].name}?password=${formEncoded(WRONG)}`,
      ];
      const results = await Promise.all(refused.flatMap((url) => [cli(url, false, ['-d', 'version']), cli(url, true, ['--debug', '-v', 'upgrade'])]));
      for (const r of results) {
        const errors = r.stderr.split('\n').filter((line) => line.startsWith('watcher-db-manage: error:'));
        expect(r.status, r.stderr).to.equal(1);
        expect(errors, r.stderr).to.have.length(1);
        expect(errors[0]).to.match(new RegExp(`: access denied for user '${user}'$`));
        expectNoSecret(r.stdout + r.stderr, 'a refused password');
      }
    });

    it('every command, with no flag, -v and -d, connects with each URL form and prints no password', async () => {
      const all = variants(backend);
      let next = 0;
      /** The URL form for the next run, in turn, so that each one meets several commands and flags. */
      const take = (db: string) => {
        const v = all[next++ % all.length];
        return { name: v.name, viaEnv: v.viaEnv, url: v.url(server, db) };
      };
      const used = new Set<string>();
      /** Runs one command and checks it: exit 0, no password anywhere, and a log when asked for one. */
      const run = async (db: string, flags: readonly string[], args: string[], files: (r: CliResult) => string[] = () => []): Promise<CliResult> => {
        const v = take(db);
        used.add(v.name);
        // After `purge`, -d is --age-in-days: its SQL log is --debug.
        const flagArgs = args[0] === 'purge' ? flags.map((f) => (f === '-d' ? '--debug' : f)) : flags;
        const r = await cli(v.url, v.viaEnv, [...flagArgs, ...args]);
        const label = `${[...flagArgs, ...args].join(' ')} (${v.name})`;
        expect(r.status, `${label}: ${r.stderr}`).to.equal(0);
        expectNoSecret(r.stdout, `${label}: stdout`);
        expectNoSecret(r.stderr, `${label}: stderr`);
        for (const file of files(r)) expectNoSecret(fs.readFileSync(file, 'utf8'), `${label}: ${file}`);
        // What each flag logs, where the password could slip in: the URL with -v, SQL with -d.
        if (flags.includes('-v') && args[0] !== 'heads' && args[0] !== 'history') {
          expect(r.stderr, label).to.match(/^Database: \S+:\/\/\S*\*\*\*/m);
        }
        if (flags.includes('-d') && !['heads', 'history'].includes(args[0]) && !args.includes('--sql')) {
          expect(r.stderr, label).to.match(/^DEBUG SQL: /m);
        }
        return r;
      };

      await Promise.all(
        FLAGS.map(async (flags, round) => {
          const db = dbs[round].name;
          await run(db, flags, ['create_schema']);
          const mig = scratchMigrations();
          migrations.push(mig);
          let revision = '';
          await Promise.all([
            run(db, flags, ['version']),
            run(db, flags, ['current']),
            run(db, flags, ['history']),
            run(db, flags, ['heads']),
            run(db, flags, ['check']),
            run(db, flags, ['purge', '--dry-run']),
            run(db, flags, ['upgrade', '--sql']),
            run(db, flags, ['upgrade', '--plan']),
            run(db, flags, ['revision', '--autogenerate', '-m', 'no drift', '--migrations-dir', mig, '--json'], (r) => {
              revision = (JSON.parse(r.stdout) as { file: string }).file;
              return [revision];
            }),
          ]);
          expect(revision, 'revision wrote no file').to.not.equal('');
          await run(db, flags, ['downgrade', '--revision=-1']);
          await run(db, flags, ['upgrade']);
          await run(db, flags, ['stamp', 'head']);
        }),
      );
      expect([...used].sort()).to.deep.equal(all.map((v) => v.name).sort());
    });

    it('a URL that does not parse shows neither password', async () => {
      const bad = `${server.scheme}://${user}:${encoded(PASSWORD)}@${server.host.replace(/:\d+$/, '')}:port/${dbs[0].name}?password=${formEncoded(PASSWORD)}`;
      for (const viaEnv of [false, true]) {
        const r = await cli(bad, viaEnv, ['-d', '-v', 'version']);
        expect(r.status, r.stderr).to.equal(1);
        expect(r.stderr, r.stderr).to.match(/^watcher-db-manage: error: Invalid database URL .*:\*\*\*@.*\?password=\*\*\*: port 'port'/m);
        expectNoSecret(r.stdout + r.stderr, 'a bad URL');
      }
    });
  });
}

describe('secrets on sqlite', () => {
  it('an unexpected error quoting the URL and the password: scrubbed, in its --debug stack trace too', () => {
    const mig = scratchMigrations();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-secrets-'));
    try {
      // A revision after head that fails as a careless driver might: with the URL and the password in its message.
      fs.writeFileSync(
        path.join(mig, 'ffff00000001_leak.js'),
        `const { defineRevision } = require('../src/script/revision');
exports.revision = defineRevision({
  id: 'ffff00000001', parent: 'f56ba02662b4', message: 'leak', created: '2026-01-01T00:00:00.000000',
  async up() {
    const url = process.env.OS_DATABASE__CONNECTION;
    throw new TypeError('driver said: ' + url + ' password ' + new URL(url).searchParams.get('password'));
  },
  async down() {},
});
`,
      );
      const url = `sqlite:///${dir}/w.sqlite?password=${formEncoded(PASSWORD)}`;
      const env = { OS_DATABASE__CONNECTION: url };
      expect(runCli(['create_schema'], { env }).status).to.equal(0);
      for (const flags of [[], ['--debug']]) {
        const r = runCli([...flags, 'upgrade', '--migrations-dir', mig], { env });
        expect(r.status, r.stderr).to.equal(1);
        expect(r.stderr).to.match(/^watcher-db-manage: error: driver said: sqlite:\/\/\/\S+\?password=\*\*\* password \*\*\*$/m);
        if (flags.length) expect(r.stderr).to.match(/^TypeError: driver said: .*\n\s+at /m);
        expectNoSecret(r.stdout + r.stderr, `${flags.join(' ')} upgrade failing`);
      }
    } finally {
      fs.rmSync(mig, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a query password parses (and is not shown); a user-info one is refused without showing it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-secrets-'));
    try {
      const url = `sqlite:///${dir}/w.sqlite?password=${formEncoded(PASSWORD)}`;
      const ok = runCli(['-v', '-d', '--config-file', writeConfig(url), 'create_schema']);
      expect(ok.status, ok.stderr).to.equal(0);
      expect(ok.stderr).to.include(`Database: sqlite:///${dir}/w.sqlite?password=***`);
      expectNoSecret(ok.stdout + ok.stderr, 'sqlite');
      const refused = runCli(['-v', '--config-file', writeConfig(`sqlite://u:${encoded(PASSWORD)}@/${dir}/w.sqlite`), 'version']);
      expect(refused.status).to.equal(1);
      expect(refused.stderr).to.match(/^watcher-db-manage: error: Invalid database URL sqlite:\/\/u:\*\*\*@\/.*SQLite takes no host/m);
      expectNoSecret(refused.stdout + refused.stderr, 'sqlite user-info');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
