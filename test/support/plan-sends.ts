// Comparing a plan with what a server received (test/plan-sends.test.ts, test/galera.test.ts): the
// server's own statement log, read back, and a walk of the plan and the log together.
import { expect } from 'chai';
import fs from 'node:fs';
import { sqlQuery } from './backends';
import type { ConfiguredDatabase } from './fresh-database';
import { runCli } from './cli';

export interface PlannedStatement {
  sql: string;
  kind: string;
  each_range?: true;
  note?: string;
  /** The plan's step (revision) it belongs to; planThenRun sets it. */
  step?: number;
}
export interface Plan {
  steps: { revision: string; statements: PlannedStatement[] }[];
}

/** DDL, DML, SET, LOCK, COMMENT: what changes the schema, the rows or the session. */
export const CHANGES = /^(CREATE|ALTER|DROP|RENAME|TRUNCATE|INSERT|UPDATE|DELETE|REPLACE|SET|LOCK|COMMENT)\b/i;
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The statements the server received from the runs between start() and sent(). */
export interface StatementLog {
  start(): Promise<void>;
  sent(): Promise<string[]>;
}

export function postgresLog(d: ConfiguredDatabase): StatementLog {
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

/**
 * MariaDB's general_log, of the sessions that connected to `database`; `query` runs SQL as the
 * test's own client (on a Galera cluster, on the node the runs go through: the log is the node's).
 */
export function mariadbLog(query: (sql: string) => string | Promise<string>, database: string): StatementLog {
  let since = '';
  return {
    async start() {
      since = (await query("SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f');")).trim();
      await query("SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1;");
    },
    async sent() {
      await query("SET GLOBAL general_log = 0; SET GLOBAL log_output = 'FILE';");
      // The sessions that connected to this database, then what they sent: one statement a line, as
      // the client's batch mode prints it (a newline as \n, a backslash as \\).
      const rows = await query(
        `SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log
          WHERE event_time >= '${since}' AND command_type = 'Query' AND thread_id IN (
            SELECT thread_id FROM mysql.general_log WHERE event_time >= '${since}' AND command_type = 'Connect'
               AND CONVERT(argument USING utf8mb4) LIKE '% on ${database} %')
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

/** MariaDB's general_log for the runs on `d`. */
export function mariadbLogOf(d: ConfiguredDatabase): StatementLog {
  return mariadbLog((sql) => sqlQuery(d.db.url, sql), d.db.name);
}

/** `sql` with each placeholder (`?`, `$n`) standing for `value`, as a whole-statement pattern. */
function withPlaceholders(sql: string, value: string): RegExp {
  const parts = sql.split(/\?|\$\d+/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join(value)}$`);
}

/** A literal the run put where the plan has a placeholder: a quoted string or a number. */
const LITERAL = "(?:'(?:[^']|'')*'|\\d+)";

/**
 * Walks the plan and the sent statements together: each planned statement must be the next one sent,
 * but a statement sent once per range matches as many consecutive ones as there were ranges (each
 * placeholder a number), one the plan brackets in MariaDB's `SET SESSION lock_wait_timeout = 0`
 * (an INSTANT ALTER, asked for again every few ms while its table is busy: lock-waits.ts) matches
 * itself sent once or more, and the run lock's statements match with the run's own values for
 * their placeholders (its token, name, node). A statement the plan says the run lock sends again
 * and again while the run lasts (in a note: "while the run lasts: <statement>") may stand anywhere,
 * any number of times. A ROLLBACK ends an attempt of the revision whose PostgreSQL
 * `LOCK ... NOWAIT` met a held table (autovacuum, a service): the next attempt, as the plan's note
 * on that LOCK says, opens with the locks the revision had needed so far and then sends the
 * revision again, without the LOCKs it already holds. Returns where they part, or undefined when
 * they agree to the end.
 */
export function partingPoint(planned: PlannedStatement[], sentAll: string[]): string | undefined {
  const repeated = planned.flatMap((p) => {
    const m = /while the run lasts: (.*)$/.exec(p.note ?? '');
    return m ? [withPlaceholders(oneLine(m[1]), LITERAL)] : [];
  });
  const sent = sentAll.filter((s) => !repeated.some((r) => r.test(s)));
  const texts = planned.map((p) => oneLine(p.sql));
  /** Where each step's revision starts: after the settings, the run lock and the version table's CREATE that open a run. */
  const revisionStart = new Map<number | undefined, number>();
  planned.forEach((p, i) => {
    const opening = ['session', 'run_lock'].includes(p.kind) || (p.kind === 'version' && /^CREATE TABLE/i.test(texts[i]));
    if (!opening && !revisionStart.has(p.step)) revisionStart.set(p.step, i);
  });
  let at = 0;
  let askedAgain = false;
  /** The LOCKs the running revision has needed (kept across its attempts), and those its attempt holds. */
  let needed: string[] = [];
  let held = new Set<string>();
  /** Whether the running revision is being tried again (its held LOCKs are then not sent again). */
  let retrying = false;
  /** The step walked now: a retry walks its revision again from its start, still knowing what it needed. */
  let step: number | undefined = planned[0]?.step;
  for (let i = 0; i < planned.length; i++) {
    const p = planned[i];
    const sql = texts[i];
    if (p.step !== step) {
      step = p.step;
      needed = [];
      held = new Set();
      retrying = false;
    }
    if (sent[at] === 'ROLLBACK') {
      at++;
      // Not the end of an attempt that lost to a lock: a ROLLBACK changes nothing.
      if (needed.length === 0) {
        i--;
        continue;
      }
      // An attempt that lost to a lock: the next opens with every lock needed so far.
      retrying = true;
      held = new Set();
      for (const lock of needed) {
        if (sent[at] === 'ROLLBACK') break; // lost again: seen at the top of the loop
        if (sent[at] !== lock) return parted(i, `${lock} (a retry's first locks)`);
        held.add(lock);
        at++;
      }
      i = (revisionStart.get(p.step) ?? 0) - 1;
      continue;
    }
    const isLock = /^LOCK TABLE .* NOWAIT$/.test(sql);
    // Held since the retry's first locks: not sent again (unless a step outside the transaction,
    // whose COMMIT released it, came in between).
    if (isLock && retrying && held.has(sql) && sent[at] !== sql) continue;
    const timeout = /^SET SESSION lock_wait_timeout = (\d+)$/.exec(sql);
    if (timeout) askedAgain = timeout[1] === '0';
    else if (askedAgain && sent[at] === sql) {
      while (sent[at + 1] === sql) at++;
    }
    if (p.each_range) {
      const range = withPlaceholders(sql, "'?\\d+'?");
      while (at < sent.length && range.test(sent[at])) at++;
      continue;
    }
    const same = p.kind === 'run_lock' && /\?/.test(sql) ? withPlaceholders(sql, LITERAL).test(sent[at] ?? '') : sent[at] === sql;
    if (!same) return parted(i, sql);
    if (isLock) {
      if (!needed.includes(sql)) needed.push(sql);
      held.add(sql);
    }
    at++;
  }
  while (sent[at] === 'ROLLBACK') at++;
  return at < sent.length ? `sent beyond the plan: ${sent.slice(at).join('\n')}` : undefined;

  /** Where they part, with what came just before on both sides, to tell a retry from a statement out of place. */
  function parted(i: number, expected: string): string {
    const before = (list: string[], end: number) => list.slice(Math.max(0, end - 8), end).map((s) => `    ${s}`).join('\n');
    return `planned #${i + 1}: ${expected}\nsent #${at + 1}: ${sent[at] ?? '(nothing more)'}\nplanned before it:\n${before(texts, i)}\nsent before it:\n${before(sent, at)}`;
  }
}

function cli(conf: string, args: string[]): string {
  const r = runCli(['--config-file', conf, ...args]);
  expect(r.status, `${args.join(' ')}:\n${r.stderr}`).to.equal(0);
  return r.stdout;
}

/** Plans `args` (upgrade/downgrade with its revision), runs them, and compares the plan with the server's log of the run. */
export async function planThenRun(conf: string, log: StatementLog, args: string[]): Promise<{ planned: PlannedStatement[]; sent: string[] }> {
  const plan = JSON.parse(cli(conf, [...args, '--plan', '--json'])) as Plan;
  const planned = plan.steps.flatMap((s, step) => s.statements.map((st) => ({ ...st, step }))).filter((s) => CHANGES.test(s.sql.trim()));
  await log.start();
  let sent: string[];
  try {
    cli(conf, args[0] === 'downgrade' ? [...args, '--yes'] : args);
  } finally {
    // ROLLBACK too, which changes nothing but ends an attempt of a revision that is tried again.
    sent = (await log.sent()).filter((s) => CHANGES.test(s) || s === 'ROLLBACK');
  }
  const parted = partingPoint(planned, sent);
  expect(parted, `the plan and the run part here:\n${parted}`).to.equal(undefined);
  return { planned, sent };
}

