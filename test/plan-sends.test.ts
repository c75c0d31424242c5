// `--plan` shows exactly what the run sends (issue 24): for every shipped revision, up from base to
// head (with unnamed audits for a86240e89a29 to name in ranges) and back down to base, on PostgreSQL
// and MariaDB, every statement that changes anything (DDL, DML, SET, LOCK, COMMENT) that the server
// logged from the run is in the plan taken just before it, in the same order, with the same text,
// and the plan holds nothing else. The judge is the server's own statement log: PostgreSQL's
// log_statement = 'all' for the test's database, MariaDB's general_log. Two forms stand for several
// statements, and say so: a batched UPDATE, sent once per range of keys (its placeholders stand for
// each range's bounds), and none for the ranges with no row; nothing else is left to interpretation.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqlQuery } from './support/backends';
import { configuredDatabase, ConfiguredDatabase } from './support/fresh-database';
import { REPO_ROOT, runCli } from './support/cli';
import { unnamedAuditsSql } from './support/unnamed-audits';

type ServerBackend = 'postgresql' | 'mysql';

interface PlannedStatement {
  sql: string;
  kind: string;
  each_range?: true;
}
interface Plan {
  steps: { revision: string; statements: PlannedStatement[] }[];
}

/** DDL, DML, SET, LOCK, COMMENT: what changes the schema, the rows or the session. */
const CHANGES = /^(CREATE|ALTER|DROP|RENAME|TRUNCATE|INSERT|UPDATE|DELETE|REPLACE|SET|LOCK|COMMENT)\b/i;
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The statements the server received from the runs between start() and sent(). */
interface StatementLog {
  start(): Promise<void>;
  sent(): Promise<string[]>;
}

function postgresLog(d: ConfiguredDatabase): StatementLog {
  const file = process.env.WDM_TEST_PG_LOG;
  if (!file) throw new Error('WDM_TEST_PG_LOG is not set: run the tests with npm test (test/support/run-with-servers.js)');
  let from = 0;
  return {
    async start() {
      // For the sessions that open after it: only this database's statements are logged.
      sqlQuery(d.db.url, `ALTER DATABASE "${d.db.name}" SET log_statement = 'all';`);
      from = fs.statSync(file).size;
    },
    async sent() {
      const text = fs.readFileSync(file).subarray(from).toString('utf8');
      // An entry starts with its timestamp (log_line_prefix '%m [%p] '); a statement's lines follow it.
      const entries: string[] = [];
      for (const line of text.split('\n')) {
        if (/^\d{4}-\d\d-\d\d /.test(line)) entries.push(line);
        else if (entries.length > 0) entries[entries.length - 1] += `\n${line}`;
      }
      const statements: string[] = [];
      entries.forEach((entry, i) => {
        const logged = /LOG: {2}(?:statement|execute [^:]*): ([\s\S]*)$/.exec(entry);
        if (!logged) return;
        // Extended protocol: the parameters come in the next entry, each as a quoted literal.
        const detail = /DETAIL: {2}[Pp]arameters: ([\s\S]*)$/.exec(entries[i + 1] ?? '');
        const values = new Map<string, string>();
        for (const m of detail?.[1].matchAll(/\$(\d+) = ('(?:[^']|'')*'|NULL)/g) ?? []) values.set(m[1], m[2]);
        statements.push(oneLine(logged[1].replace(/\$(\d+)/g, (p, n: string) => values.get(n) ?? p)));
      });
      return statements;
    },
  };
}

function mariadbLog(d: ConfiguredDatabase): StatementLog {
  let since = '';
  const query = (sql: string) => sqlQuery(d.db.url, sql);
  return {
    async start() {
      since = query("SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f');").trim();
      query("SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1;");
    },
    async sent() {
      query('SET GLOBAL general_log = 0;');
      // The sessions that connected to this database, then what they sent: one statement a line, as
      // the client's batch mode prints it (a newline as \n, a backslash as \\).
      const rows = query(
        `SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log
          WHERE event_time >= '${since}' AND command_type = 'Query' AND thread_id IN (
            SELECT thread_id FROM mysql.general_log WHERE event_time >= '${since}' AND command_type = 'Connect'
               AND CONVERT(argument USING utf8mb4) LIKE '% on ${d.db.name} %')
          ORDER BY event_time;`,
      );
      return rows
        .split('\n')
        .filter(Boolean)
        // This test's own client turning the log off, from a session on the same database.
        .filter((row) => !/^SET GLOBAL general_log\b/.test(row))
        .map((row) => oneLine(row.replace(/\\[\\nt0]/g, (e) => ({ '\\\\': '\\', '\\n': '\n', '\\t': '\t', '\\0': '\0' })[e]!)));
    },
  };
}

/**
 * Walks the plan and the sent statements together: each planned statement must be the next one sent,
 * but a statement sent once per range matches as many consecutive ones as there were ranges (each
 * placeholder a number), and one the plan brackets in MariaDB's `SET SESSION lock_wait_timeout = 0`
 * (an INSTANT ALTER, asked for again every few ms while its table is busy: lock-waits.ts) matches
 * itself sent once or more. Returns where they part, or undefined when they agree to the end.
 */
export function partingPoint(planned: PlannedStatement[], sent: string[]): string | undefined {
  let at = 0;
  let askedAgain = false;
  for (const [i, p] of planned.entries()) {
    const sql = oneLine(p.sql);
    const timeout = /^SET SESSION lock_wait_timeout = (\d+)$/.exec(sql);
    if (timeout) askedAgain = timeout[1] === '0';
    else if (askedAgain && sent[at] === sql) {
      while (sent[at + 1] === sql) at++;
    }
    if (p.each_range) {
      const pattern = sql
        .split(/\?|\$\d+/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join("'?\\d+'?");
      const range = new RegExp(`^${pattern}$`);
      while (at < sent.length && range.test(sent[at])) at++;
      continue;
    }
    if (sent[at] !== sql) return `planned #${i + 1}: ${sql}\nsent #${at + 1}: ${sent[at] ?? '(nothing more)'}`;
    at++;
  }
  return at < sent.length ? `sent beyond the plan: ${sent.slice(at).join('\n')}` : undefined;
}

function cli(d: ConfiguredDatabase, args: string[]): string {
  const r = runCli(['--config-file', d.conf, ...args]);
  expect(r.status, `${args.join(' ')}:\n${r.stderr}`).to.equal(0);
  return r.stdout;
}

/** Plans `args` (upgrade/downgrade with its revision), runs them, and compares the plan with the server's log of the run. */
async function planThenRun(d: ConfiguredDatabase, log: StatementLog, args: string[]): Promise<{ planned: PlannedStatement[]; sent: string[] }> {
  const plan = JSON.parse(cli(d, [...args, '--plan', '--json'])) as Plan;
  const planned = plan.steps.flatMap((s) => s.statements).filter((s) => CHANGES.test(s.sql.trim()));
  await log.start();
  let sent: string[];
  try {
    cli(d, args[0] === 'downgrade' ? [...args, '--yes'] : args);
  } finally {
    sent = (await log.sent()).filter((s) => CHANGES.test(s));
  }
  const parted = partingPoint(planned, sent);
  expect(parted, `the plan and the run part here:\n${parted}`).to.equal(undefined);
  return { planned, sent };
}

describe('a plan that may stand for several statements', () => {
  it('matches a range statement to every range sent, or none, and nothing else', () => {
    const ranged = { sql: 'UPDATE t SET x = 1 WHERE t.id >= ? AND t.id <= ? AND (x IS NULL)', kind: 'dml', each_range: true as const };
    const version = { sql: "UPDATE v SET n = 'b'", kind: 'version' };
    const sent = ['UPDATE t SET x = 1 WHERE t.id >= 1 AND t.id <= 10000 AND (x IS NULL)', "UPDATE t SET x = 1 WHERE t.id >= '10001' AND t.id <= '20000' AND (x IS NULL)"];
    expect(partingPoint([ranged, version], [...sent, "UPDATE v SET n = 'b'"])).to.equal(undefined);
    expect(partingPoint([ranged, version], ["UPDATE v SET n = 'b'"])).to.equal(undefined);
    expect(partingPoint([version], [...sent, "UPDATE v SET n = 'b'"])).to.match(/^planned #1/);
    expect(partingPoint([ranged, version], [...sent])).to.match(/nothing more/);
    expect(partingPoint([version], ["UPDATE v SET n = 'b'", 'SET x = 0'])).to.match(/beyond the plan/);
  });

  it('matches an ALTER asked for without queueing to every time it was asked, and only there', () => {
    const noWait = { sql: 'SET SESSION lock_wait_timeout = 0', kind: 'session' };
    const alter = { sql: 'ALTER TABLE a ADD x int NULL, ALGORITHM=INSTANT', kind: 'ddl' };
    const bound = { sql: 'SET SESSION lock_wait_timeout = 2', kind: 'session' };
    const s = (p: { sql: string }) => p.sql;
    expect(partingPoint([noWait, alter, bound], [s(noWait), s(alter), s(alter), s(alter), s(bound)])).to.equal(undefined);
    expect(partingPoint([noWait, alter, bound], [s(noWait), s(alter), s(bound)])).to.equal(undefined);
    expect(partingPoint([bound, alter], [s(bound), s(alter), s(alter)])).to.match(/beyond the plan/);
    expect(partingPoint([noWait, alter, bound, alter], [s(noWait), s(alter), s(bound), s(alter), s(alter)])).to.match(/beyond the plan/);
  });
});

/**
 * Two revisions: a parent and a child table with rows, then the kit's online forms on them (a
 * foreign key, an index, a unique key, NOT NULL) and their undoing, from the built kit.
 */
function kitChain(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-plan-kit-'));
  const kit = JSON.stringify(path.join(REPO_ROOT, 'dist', 'src', 'portable'));
  const raw = (statements: string[]) => `async (db) => { for (const s of ${JSON.stringify(statements)}) await db.runner.query(s); }`;
  fs.writeFileSync(
    path.join(dir, 'c00000000001_tables.js'),
    `exports.revision = { id: 'c00000000001', parent: null, message: 'tables', created: '2026-01-01T00:00:00',
      up: ${raw(['CREATE TABLE p (id integer PRIMARY KEY)', 'CREATE TABLE c (id integer PRIMARY KEY, pid integer, v varchar(20))', 'INSERT INTO p (id) VALUES (1)', "INSERT INTO c (id, pid, v) VALUES (1, 1, 'a'), (2, NULL, 'b')"])},
      down: ${raw(['DROP TABLE c', 'DROP TABLE p'])} };\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'c00000000002_online_forms.js'),
    `const k = require(${kit});
    exports.revision = { id: 'c00000000002', parent: 'c00000000001', message: 'online forms', created: '2026-01-01T00:00:00',
      up: async (db) => {
        await k.addForeignKey(db, 'c', { columns: ['pid'], references: ['p.id'] });
        await k.createIndex(db, 'c', { name: 'ix_c_v', columns: ['v'] });
        await k.addUnique(db, 'c', { name: 'uniq_c0v', columns: ['v'] });
        await k.alterColumnNullability(db, 'c', 'v', k.sa.String(20), false);
      },
      down: async (db) => {
        await k.alterColumnNullability(db, 'c', 'v', k.sa.String(20), true);
        await k.dropUnique(db, 'c', { name: 'uniq_c0v', columns: ['v'] });
        await k.dropIndex(db, 'c', 'ix_c_v');
        await k.dropForeignKey(db, 'c', { columns: ['pid'], references: ['p.id'] });
      } };\n`,
  );
  return dir;
}

for (const backend of ['postgresql', 'mysql'] as ServerBackend[]) {
  describe(`--plan shows what the run sends, on ${backend}`, function () {
    this.timeout(5 * 60_000);
    let d: ConfiguredDatabase;
    let log: StatementLog;

    before(async () => {
      d = await configuredDatabase(backend);
      log = backend === 'postgresql' ? postgresLog(d) : mariadbLog(d);
    });
    after(async () => {
      await d?.db.drop();
    });

    it('for every shipped revision: up from base, naming 25,000 audits in ranges, then down to base', async () => {
      const first = await planThenRun(d, log, ['upgrade', '--revision', '3cfc94cecf4e']);
      // The lock-wait settings the run starts with, and the version table it creates, are planned too.
      expect(first.planned[0].sql).to.match(/^SET /);
      expect(first.sent.some((s) => /^CREATE TABLE .alembic_version/.test(s))).to.equal(true);
      if (backend === 'mysql') {
        // d098df6021e2's type change: the forms the server refuses are sent, and planned, before the one it takes.
        expect(first.planned.filter((s) => s.kind === 'refused').map((s) => s.sql.replace(/^.*, (ALGORITHM=)/, '$1'))).to.deep.equal([
          'ALGORITHM=INSTANT',
          'ALGORITHM=INPLACE, LOCK=NONE',
        ]);
      }

      sqlQuery(d.db.url, unnamedAuditsSql(backend, 25_000));
      const naming = await planThenRun(d, log, ['upgrade', '--revision', 'head']);
      const ranged = naming.planned.filter((s) => s.each_range);
      expect(ranged, 'the naming UPDATE, once, standing for its ranges').to.have.length(1);
      expect(naming.sent.filter((s) => /^UPDATE audits\b/.test(s)), 'three ranges of 10,000 keys').to.have.length(3);
      if (backend === 'postgresql') {
        expect(naming.sent.some((s) => /^LOCK TABLE .* NOWAIT$/.test(s)), 'table locks taken without queueing').to.equal(true);
      }

      await planThenRun(d, log, ['downgrade', '--revision', 'base']);
    });

    it("for the kit's online forms: a foreign key, an index, a unique key and NOT NULL on a table with rows, up and down", async () => {
      const dir = kitChain();
      const own = await configuredDatabase(backend);
      try {
        const ownLog = backend === 'postgresql' ? postgresLog(own) : mariadbLog(own);
        await planThenRun(own, ownLog, ['upgrade', '--revision', 'c00000000001', '--migrations-dir', dir]);
        const up = await planThenRun(own, ownLog, ['upgrade', '--revision', 'head', '--migrations-dir', dir]);
        // The forms the run takes, not the plain statements.
        expect(up.sent.some((s) => (backend === 'postgresql' ? /CONCURRENTLY|NOT VALID/ : /foreign_key_checks = 0/).test(s))).to.equal(true);
        await planThenRun(own, ownLog, ['downgrade', '--revision', 'base', '--migrations-dir', dir]);
      } finally {
        await own.db.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
