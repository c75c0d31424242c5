// a86240e89a29 (the data revision that names the audits) beyond the plain case of
// migrations-parity.test.ts, on every backend:
// - the names at the edges, computed here on their own: Python's str() of the stored created_at
//   (microseconds or not, NULL, the values only one backend can hold, the text other writers leave in
//   SQLite), the strategy's name else the goal's (soft-deleted or not; a missing row does not count),
//   cut to 63 characters by shortening the owner, counted in code points, multi-byte and 4-byte
//   characters included; and `--sql` gives the same names as the online run;
// - the work is done in key-range chunks that each commit on their own (not on SQLite), with progress
//   after each chunk, reported through the API;
// - a run killed half way is finished by a rerun;
// - progress reaches a terminal (and only a terminal).
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Backend, BACKENDS, sqlQuery } from './support/backends';
import { ConfiguredDatabase, TempDatabases, tempDatabases } from './support/fresh-database';
import { coreApi, REPO_ROOT, runCli, writeConfig } from './support/cli';
import { runCliWith } from './support/faults';
import { holdLock } from './support/lock-holder';
import { unnamedAuditsSql } from './support/unnamed-audits';

const NAME_LENGTH = 63;

function ok(r: { status: number; stdout: string; stderr: string }, what: string): void {
  expect(r.status, `${what} failed:\n${r.stderr}`).to.equal(0);
}

/** A string literal; MySQL also reads backslashes as escapes. */
const sqlString = (backend: Backend, s: string) => `'${(backend === 'mysql' ? s.replace(/\\/g, '\\\\') : s).replace(/'/g, "''")}'`;

/** Python's str() of a datetime, from its text `YYYY-MM-DD HH:MM:SS[.digits]`: `.ffffff` only when not zero. */
function pythonStr(text: string | null): string {
  if (text === null) return 'None';
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?$/.exec(text.trim());
  // Not a date and time (SQLite holds any text): the revision has always written it as stored.
  if (!m) return text;
  const micro = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  return micro === '000000' ? `${m[1]} ${m[2]}` : `${m[1]} ${m[2]}.${micro}`;
}

/** `<owner>-<created>`, the owner cut (by code points) so that the whole is at most 63 long. */
function expectedName(owner: string | null, created: string): string | null {
  if (owner === null) return null;
  const room = Math.max(0, NAME_LENGTH - 1 - Array.from(created).length);
  return `${Array.from(owner).slice(0, room).join('')}-${created}`;
}

const GOALS: Record<number, { name: string; deleted: boolean }> = {
  1: { name: 'goal_one', deleted: false },
  2: { name: 'ゴール'.repeat(21), deleted: false }, // 63 characters, 189 bytes
  3: { name: 'deleted_goal', deleted: true },
};
const STRATEGIES: Record<number, { name: string; goal: number; deleted: boolean }> = {
  1: { name: 'strategy_one', goal: 1, deleted: false },
  2: { name: 'x'.repeat(63), goal: 1, deleted: false },
  3: { name: 'ストラテジー'.repeat(10) + 'ストラ', goal: 1, deleted: false }, // 63 characters
  4: { name: '🦊'.repeat(40), goal: 1, deleted: false }, // outside the BMP: 2 UTF-16 units, 4 bytes each
  5: { name: 'e\u0301'.repeat(25), goal: 1, deleted: false }, // combining accents: 50 code points
  6: { name: 'deleted_strategy', goal: 3, deleted: true },
  7: { name: '', goal: 1, deleted: false },
  8: { name: `o'brien \\ "q"`, goal: 1, deleted: false },
  9: { name: 'trailing   ', goal: 1, deleted: false },
  10: { name: 'ß' + 'a'.repeat(61) + 'ü', goal: 2, deleted: false },
};
/** Rows that do not exist: possible only where foreign keys were not enforced. */
const MISSING_STRATEGY = 99;
const MISSING_GOAL = 98;

/** [strategy_id, goal_id] of the audits made for each timestamp. */
function ownerCases(backend: Backend): Array<[number | null, number]> {
  const cases: Array<[number | null, number]> = Object.entries(STRATEGIES).map(([id, s]) => [Number(id), s.goal]);
  cases.push([null, 1], [null, 2], [null, 3]);
  // SQLite checks every foreign key after each revision (README, upgrade): a dangling row fails it.
  if (backend !== 'sqlite') cases.push([MISSING_STRATEGY, 2], [null, MISSING_GOAL], [MISSING_STRATEGY, MISSING_GOAL]);
  return cases;
}

/** created_at values as SQL literals: what each backend can store, the odd ones included. */
function timestamps(backend: Backend): string[] {
  const common = ['NULL', "'2021-03-04 05:06:07'", "'2021-03-04 05:06:07.123456'", "'2021-03-04 05:06:07.000001'", "'2021-03-04 05:06:07.5'", "'1999-12-31 23:59:59.999999'"];
  switch (backend) {
    case 'postgresql':
      return [...common, "'infinity'", "'-infinity'", "'10000-01-01 00:00:00'", "'10000-01-01 00:00:00.25'", "'0044-03-15 12:00:00 BC'", "'0999-01-01 00:00:00.0001'"];
    case 'mysql':
      return [...common, "'0000-00-00 00:00:00'", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'"];
    case 'sqlite':
      // Stored as given: SQLAlchemy's form, SQLite's own datetime(), and what other writers leave.
      return [
        ...common,
        "'2021-03-04 05:06:07.000000'",
        "'2021-03-04T05:06:07.250000'",
        "'2021-03-04 05:06:07.123'",
        "'2021-03-04 05:06:07.1234567'",
        "'2021-03-04 05:06:07.0000001'",
        "' 2021-03-04 05:06:07 '",
        "char(9) || '2021-03-04 05:06:07.500000' || char(10)",
        "char(160) || '2021-03-04 05:06:07.000000' || char(12288)",
        "'2021-03-04'",
        "'not a date'",
        "'2021-03-04 05:06:07+00:00'",
        "'2021-03-04 05:06:07Z'",
        "'2021-03-04 05:06:07.'",
        "'2021-3-4 5:6:7'",
        "'２０２１-03-04 05:06:07'",
        `'${'y'.repeat(70)}'`,
        '1614834367',
      ];
  }
}

/** The edge-case database's rows, for a database at 3cfc94cecf4e. */
function edgeCasesSql(backend: Backend): string {
  const no = backend === 'postgresql' ? 'false' : '0';
  const lines = [
    // Dangling references are inserted as a database without enforced foreign keys would hold them.
    backend === 'postgresql' ? 'SET session_replication_role = replica;' : backend === 'mysql' ? 'SET foreign_key_checks = 0;' : '',
    // The mariadb client speaks utf8mb3 unless told: it could not send the 4-byte characters.
    backend === 'mysql' ? 'SET NAMES utf8mb4;' : '',
    ...Object.entries(GOALS).map(
      ([id, g]) => `INSERT INTO goals (id, deleted, uuid, name, display_name, efficacy_specification) VALUES (${id}, ${g.deleted ? id : 0}, 'g-${id}', ${sqlString(backend, g.name)}, 'G', '[]');`,
    ),
    ...Object.entries(STRATEGIES).map(
      ([id, s]) => `INSERT INTO strategies (id, deleted, uuid, name, display_name, goal_id) VALUES (${id}, ${s.deleted ? id : 0}, 's-${id}', ${sqlString(backend, s.name)}, 'S', ${s.goal});`,
    ),
  ];
  let id = 0;
  for (const created of timestamps(backend)) {
    for (const [strategy, goal] of ownerCases(backend)) {
      id++;
      lines.push(
        `INSERT INTO audits (id, deleted, uuid, goal_id, strategy_id, auto_trigger, created_at) VALUES (${id}, 0, 'a-${id}', ${goal}, ${strategy ?? 'NULL'}, ${no}, ${created});`,
      );
    }
  }
  // Audits that have a name keep it, the empty one too.
  lines.push(`INSERT INTO audits (id, deleted, uuid, goal_id, strategy_id, auto_trigger, created_at, name) VALUES (${++id}, 0, 'a-${id}', 1, 1, ${no}, NULL, 'my-audit');`);
  lines.push(`INSERT INTO audits (id, deleted, uuid, goal_id, strategy_id, auto_trigger, created_at, name) VALUES (${++id}, 0, 'a-${id}', 1, 1, ${no}, NULL, '');`);
  return lines.join('\n');
}

interface AuditRow {
  id: number;
  strategy: number | null;
  goal: number;
  name: string | null;
  /** created_at as text with six fraction digits where the server renders it (null: NULL) */
  created: string | null;
}

const hexText = (h: string): string | null => (h === 'N' ? null : Buffer.from(h.slice(1), 'hex').toString('utf8'));

/**
 * Every audit, text in hex so that any character comes through the client. The servers render
 * created_at with six fraction digits (PostgreSQL renders ±infinity as NULL there); SQLite gives
 * what is stored, as text.
 */
function audits(url: string, backend: Backend): AuditRow[] {
  const sql = {
    postgresql:
      "SELECT id, COALESCE(strategy_id::text, '-'), goal_id, CASE WHEN name IS NULL THEN 'N' ELSE 'x' || encode(convert_to(name, 'UTF8'), 'hex') END, " +
      "COALESCE('x' || encode(convert_to(to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US'), 'UTF8'), 'hex'), 'N') FROM audits ORDER BY id;",
    mysql:
      "SELECT id, IFNULL(strategy_id, '-'), goal_id, IF(name IS NULL, 'N', CONCAT('x', HEX(name))), " +
      "IFNULL(CONCAT('x', HEX(DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'))), 'N') FROM audits ORDER BY id;",
    sqlite:
      "SELECT id, IFNULL(strategy_id, '-'), goal_id, CASE WHEN name IS NULL THEN 'N' ELSE 'x' || hex(name) END, " +
      "CASE WHEN created_at IS NULL THEN 'N' ELSE 'x' || hex(created_at) END FROM audits ORDER BY id;",
  }[backend];
  return sqlQuery(url, sql)
    .trim()
    .split('\n')
    .map((line) => {
      const [id, strategy, goal, name, created] = line.split(backend === 'mysql' ? '\t' : '|');
      return { id: Number(id), strategy: strategy === '-' ? null : Number(strategy), goal: Number(goal), name: hexText(name), created: hexText(created) };
    });
}

function ownerOf(a: AuditRow): string | null {
  return (a.strategy !== null ? STRATEGIES[a.strategy]?.name : undefined) ?? GOALS[a.goal]?.name ?? null;
}

/** A new database of `backend` at 3cfc94cecf4e, where audits may have no name, and its config; `dbs` drops it. */
function atNameless(dbs: TempDatabases, backend: Backend): Promise<ConfiguredDatabase> {
  return dbs.configured(backend, { upgradeTo: '3cfc94cecf4e' });
}

for (const backend of BACKENDS) {
  describe(`a86240e89a29 at the edges on ${backend}`, function () {
    this.timeout(5 * 60_000);
    const dbs = tempDatabases('each');
    const fresh = () => atNameless(dbs, backend);

    it("names each audit `<strategy or goal>-<str(created_at)>` cut to 63 characters, and --sql gives the same names", async () => {
      const online = await fresh();
      const offline = await fresh();
      for (const { db } of [online, offline]) sqlQuery(db.url, edgeCasesSql(backend));
      const before = audits(online.db.url, backend);

      ok(runCli(['--config-file', online.conf, 'upgrade', '--revision', 'a86240e89a29']), 'upgrade --revision a86240e89a29');
      const after = audits(online.db.url, backend);
      expect(after.map((a) => a.id)).to.deep.equal(before.map((a) => a.id));
      let cut = 0;
      for (const [i, a] of before.entries()) {
        const expected = a.name ?? expectedName(ownerOf(a), pythonStr(a.created));
        expect(after[i].name, `audit ${a.id} (strategy ${a.strategy}, goal ${a.goal}, created_at ${JSON.stringify(a.created)})`).to.equal(expected);
        if (a.name === null && expected !== null && !expected.startsWith(`${ownerOf(a)}-`)) cut++;
      }
      // The cases really are at the edges: owners were cut, some audits keep no name (not on SQLite,
      // which refuses dangling rows), and the names the servers store fit the column.
      expect(cut, 'audits whose owner was cut').to.be.greaterThan(10);
      if (backend !== 'sqlite') expect(after.filter((a) => a.name === null).length).to.equal(timestamps(backend).length * 2);
      if (backend !== 'sqlite') for (const a of after) expect(Array.from(a.name ?? '').length).to.be.at.most(NAME_LENGTH);

      const script = runCli(['--config-file', offline.conf, 'upgrade', '3cfc94cecf4e:a86240e89a29', '--sql']);
      ok(script, 'upgrade --sql');
      sqlQuery(offline.db.url, script.stdout);
      expect(audits(offline.db.url, backend)).to.deep.equal(after);
    });

    it('names in chunks that each commit on their own (SQLite: in the revision), with progress after each through the API, printing nothing', async () => {
      const { db } = await fresh();
      const count = 25_000;
      sqlQuery(db.url, unnamedAuditsSql(backend, count));
      const { withSession, loadChain, upgrade } = coreApi();
      // Each report, with what another session sees committed at that moment.
      const reports: Array<{ what: string; done: number; total: number; committed: number }> = [];
      const onProgress = (p: { what: string; done: number; total: number }) =>
        reports.push({ ...p, committed: Number(sqlQuery(db.url, 'SELECT COUNT(*) FROM audits WHERE name IS NOT NULL;').trim()) });
      const written: string[] = [];
      const [out, err] = [process.stdout.write, process.stderr.write];
      const capture = (chunk: unknown) => (written.push(String(chunk)), true);
      process.stdout.write = capture as typeof process.stdout.write;
      process.stderr.write = capture as typeof process.stderr.write;
      try {
        await withSession(db.url, {}, (session) => upgrade(session, loadChain(), 'a86240e89a29', { onProgress }));
      } finally {
        process.stdout.write = out;
        process.stderr.write = err;
      }
      expect(written.join('')).to.equal('');
      expect(reports[0]).to.deep.equal({ what: 'naming audits', done: 0, total: count, committed: 0 });
      expect(reports.length, 'reports').to.be.greaterThan(2);
      for (const [i, r] of reports.entries()) {
        expect(r.total).to.equal(count);
        // What a report counts is committed already: the services see it, and we hold no lock on it.
        // Not on SQLite, whose chunks stay in the revision's transaction (src/portable/batched-update.ts).
        expect(r.committed, `report ${i}`).to.equal(backend === 'sqlite' ? 0 : r.done);
        if (i > 0) expect(r.done - reports[i - 1].done, `chunk ${i}`).to.be.within(1, 20_000);
      }
      expect(reports[reports.length - 1].done).to.equal(count);
      expect(sqlQuery(db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal('a86240e89a29');
    });

    it('is finished by a rerun after a kill half way, with the names of an uninterrupted run', async () => {
      const killed = await fresh();
      const whole = await fresh();
      for (const { db } of [killed, whole]) sqlQuery(db.url, unnamedAuditsSql(backend, 30_000));
      // SIGKILL once the second chunk's UPDATE is logged, that is about to be sent.
      let updates = 0;
      const run = await runCliWith(['--config-file', killed.conf, '--debug', 'upgrade', '--revision', 'a86240e89a29'], {
        onLine(line, _count, child) {
          if (line.startsWith('DEBUG SQL: UPDATE audits') && ++updates === 2) child.kill('SIGKILL');
        },
      });
      expect(run.signal, run.stderr.slice(-2000)).to.equal('SIGKILL');
      expect(sqlQuery(killed.db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal('3cfc94cecf4e');
      // The first chunk was committed on its own: it stays named, and the rerun must resume. SQLite's
      // chunks are in the revision's transaction (src/portable/batched-update.ts): none is kept.
      const named = Number(sqlQuery(killed.db.url, 'SELECT COUNT(*) FROM audits WHERE name IS NOT NULL;').trim());
      if (backend === 'sqlite') expect(named).to.equal(0);
      else expect(named).to.be.at.least(10_000);
      ok(runCli(['--config-file', killed.conf, 'upgrade', '--revision', 'a86240e89a29']), 'the rerun');
      ok(runCli(['--config-file', whole.conf, 'upgrade', '--revision', 'a86240e89a29']), 'the uninterrupted run');
      const names = (url: string) => sqlQuery(url, 'SELECT id, name FROM audits ORDER BY id;');
      expect(names(killed.db.url)).to.equal(names(whole.db.url));
      expect(sqlQuery(killed.db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal('a86240e89a29');
    });
  });
}

describe('a86240e89a29 progress on a terminal (postgresql)', function () {
  this.timeout(5 * 60_000);
  const dbs = tempDatabases('all');

  /**
   * Runs the upgrade while another session holds audit 15,000 (in the second chunk) for a few seconds,
   * as a service's slow transaction would, so that the step lasts longer than a display waits.
   */
  async function slowUpgrade(terminal: boolean): Promise<{ status: number; output: string }> {
    const made = await atNameless(dbs, 'postgresql');
    // A wait longer than the default lock timeout (2 s) would fail the revision's try, and the retry
    // would count from the rows left: here the one step must simply take a while.
    const conf = writeConfig(made.db.url, '', 'lock_timeout = 30');
    sqlQuery(made.db.url, unnamedAuditsSql('postgresql', 40_000));
    const holder = await holdLock(made.db.url, 'SELECT id FROM audits WHERE id = 15000 FOR UPDATE;');
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.CI; // oclif shows no spinner under CI
    delete env.OS_DATABASE__CONNECTION;
    const command = [process.execPath, path.join(REPO_ROOT, 'bin', 'run.js'), '--config-file', conf, 'upgrade', '--revision', 'a86240e89a29'];
    // script(1) gives the command a terminal; its own output is what the terminal showed.
    const child = terminal
      ? spawn('script', ['-qfec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
    const waiting = () => Number(sqlQuery(made.db.url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE audits%' AND datname = current_database();").trim()) > 0;
    for (const deadline = Date.now() + 60_000; !waiting(); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error(`the upgrade never reached the held audit: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 2500));
    await holder.release();
    return { status: await exited, output };
  }

  it('shows rows done / total on a terminal while a step lasts', async () => {
    const { status, output } = await slowUpgrade(true);
    expect(status, output).to.equal(0);
    expect(output).to.match(/naming audits\.\.\. [\d,]+ \/ 40,000/);
    expect(output).to.contain('naming audits... 40,000 / 40,000');
  });

  it('shows nothing without a terminal', async () => {
    const { status, output } = await slowUpgrade(false);
    expect(status, output).to.equal(0);
    expect(output).to.contain('Running upgrade 3cfc94cecf4e -> a86240e89a29');
    expect(output).not.to.contain('naming audits');
  });

  it('shows nothing on a terminal for a step that is over at once', async () => {
    const made = await atNameless(dbs, 'postgresql');
    sqlQuery(made.db.url, unnamedAuditsSql('postgresql', 100));
    const command = [process.execPath, path.join(REPO_ROOT, 'bin', 'run.js'), '--config-file', made.conf, 'upgrade', '--revision', 'a86240e89a29'];
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.CI;
    const r = spawnSync('script', ['-qfec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], { env, encoding: 'utf8' });
    expect(r.status, r.stdout).to.equal(0);
    expect(r.stdout).to.contain('Running upgrade 3cfc94cecf4e -> a86240e89a29');
    expect(r.stdout).not.to.contain('naming audits');
    expect(sqlQuery(made.db.url, 'SELECT COUNT(*) FROM audits WHERE name IS NULL;').trim()).to.equal('0');
  });
});
