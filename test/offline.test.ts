import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS, sqlQuery, TempDatabase } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { runCli, writeConfig } from './support/cli';
import { holdLock } from './support/lock-holder';
import { dumpSchema } from './support/schema-dump';

/** The script `upgrade --sql` / `downgrade --sql` prints for `url`'s backend. */
function script(url: string, ...args: string[]): string {
  const r = runCli(['--config-file', writeConfig(url), ...args, '--sql']);
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout;
}

for (const backend of BACKENDS) {
  describe(`offline --sql on ${backend}`, function () {
    this.timeout(10 * 60_000);
    const dbs = tempDatabases('each');
    const online = (db: TempDatabase, ...args: string[]) => {
      const r = runCli(['--config-file', writeConfig(db.url), ...args]);
      expect(r.status, r.stderr).to.equal(0);
    };

    it('prints a script that builds the same schema as the online upgrade, without connecting', async () => {
      const viaScript = await dbs.empty(backend);
      const viaOnline = await dbs.empty(backend);
      // The configured server does not exist: offline mode must not try to reach it.
      const unreachable = viaScript.url.replace(/@[^/]+\//, '@nowhere.invalid:1/').replace(/^sqlite:.*/, 'sqlite:////nonexistent/dir/x.sqlite');
      const sql = script(unreachable, 'upgrade');
      expect(sql).to.contain('-- Running upgrade  -> 001, ocata release');
      expect(sql).to.contain("'f56ba02662b4'");
      sqlQuery(viaScript.url, sql);
      online(viaOnline, 'upgrade');
      expect(dumpSchema(viaScript.url)).to.equal(dumpSchema(viaOnline.url));
    });

    it('says, just before each statement the run sends in another form, what the run does there', async () => {
      const url = (await dbs.empty(backend)).url;
      const lines = script(url, 'upgrade').split('\n');
      const before = (pattern: RegExp) => lines.flatMap((l, i) => (pattern.test(l) ? [lines[i - 1]] : []));
      // MariaDB: each ALTER TABLE of the revisions, and no other statement, follows the forms the run tries.
      const forms = /^-- The run adds ALGORITHM=INSTANT, else INPLACE with LOCK=NONE, else COPY with LOCK=SHARED/;
      const alters = before(/^ALTER TABLE /);
      expect(alters).to.not.be.empty;
      if (backend === 'mysql') for (const line of alters) expect(line).to.match(forms);
      else expect(lines.filter((l) => forms.test(l))).to.deep.equal([]);
      expect(lines.filter((l, i) => forms.test(l) && !/^ALTER TABLE /.test(lines[i + 1]))).to.deep.equal([]);
      // a86240e89a29's naming, which the run sends per range of keys.
      expect(before(/^UPDATE audits\b/)).to.have.length(1);
      expect(before(/^UPDATE audits\b/)[0]).to.match(/^-- The run sends the UPDATE below once per range of 10000 keys/);
    });

    it('covers a FROM:TO range and a downgrade, version updates included', async () => {
      const viaScript = await dbs.empty(backend);
      const viaOnline = await dbs.empty(backend);
      online(viaScript, 'upgrade', '--revision', '609bec748f2a');
      sqlQuery(viaScript.url, script(viaScript.url, 'upgrade', '609bec748f2a:head'));
      online(viaOnline, 'upgrade');
      expect(dumpSchema(viaScript.url)).to.equal(dumpSchema(viaOnline.url));

      sqlQuery(viaScript.url, script(viaScript.url, 'downgrade', 'head:d09a5945e4a0'));
      online(viaOnline, 'downgrade', '--revision', 'd09a5945e4a0');
      expect(dumpSchema(viaScript.url)).to.equal(dumpSchema(viaOnline.url));
      expect(sqlQuery(viaScript.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal('d09a5945e4a0');
    });

    it('drops each table in one DROP TABLE, its indexes and keys with it, as the reference does', async () => {
      const url = (await dbs.empty(backend)).url;
      const statements = script(url, 'downgrade', 'head:base').split('\n').filter((l) => /^[A-Z]/.test(l));
      // Watcher's downgrades drop indexes and keys only with their tables.
      expect(statements.filter((s) => /DROP (INDEX|FOREIGN KEY|CONSTRAINT)\b/i.test(s))).to.deep.equal([]);
      // The 11 tables of 001, 0f6042416884 and d09a5945e4a0 (SQLite's rebuilds drop some again).
      expect(new Set(statements.filter((s) => /^DROP TABLE\b/.test(s)))).to.have.property('size', 11);
    });

    it('opens with the lock-wait settings of --lock-timeout, and a script that meets a held lock stops at the timeout', async () => {
      const db = await dbs.empty(backend);
      online(db, 'upgrade', '--revision', '609bec748f2a');
      const first = (text: string) => text.split('\n').filter((l) => l.trim() && !l.startsWith('--'))[0];
      const expected = { postgresql: "SET lock_timeout = '1500ms';", mysql: 'SET SESSION innodb_lock_wait_timeout = 2;', sqlite: 'PRAGMA busy_timeout = 1500;' }[backend];
      const sql = script(db.url, 'upgrade', '609bec748f2a:head', '--lock-timeout', '1.5');
      expect(first(sql)).to.equal(expected);
      if (backend === 'mysql') expect(sql).to.contain('SET SESSION lock_wait_timeout = 2;');
      expect(first(script(db.url, 'upgrade', '609bec748f2a:head'))).to.equal(expected.replace('1500', '2000').replace('= 2;', '= 2;'));
      // Against a database where a session holds audits, the script gives up instead of queueing.
      const holder = await holdLock(db.url, backend === 'sqlite' ? 'UPDATE goals SET name = name;' : 'SELECT id FROM audits LIMIT 1;', { reader: backend !== 'sqlite' });
      const started = Date.now();
      try {
        expect(() => sqlQuery(db.url, sql)).to.throw(/lock|locked|timeout/i);
      } finally {
        await holder.release();
      }
      expect(Date.now() - started).to.be.below(15_000);
    });

    it('names unnamed audits in a86240e89a29 as the online run does', async () => {
      const viaScript = await dbs.empty(backend);
      const viaOnline = await dbs.empty(backend);
      const seed = [
        "INSERT INTO goals (id, name, display_name, efficacy_specification, deleted) VALUES (1, 'goal-one', 'G', '[]', 0);",
        "INSERT INTO strategies (id, name, display_name, goal_id, deleted) VALUES (1, 'strategy-one', 'S', 1, 0);",
        `INSERT INTO audits (id, uuid, goal_id, strategy_id, auto_trigger, created_at, deleted) VALUES (1, 'a1', 1, 1, ${backend === 'postgresql' ? 'false' : '0'}, '2020-01-02 03:04:05', 0);`,
        `INSERT INTO audits (id, uuid, goal_id, strategy_id, auto_trigger, created_at, deleted) VALUES (2, 'a2', 1, NULL, ${backend === 'postgresql' ? 'false' : '0'}, '2020-01-02 03:04:06', 0);`,
        `INSERT INTO audits (id, uuid, name, goal_id, strategy_id, auto_trigger, created_at, deleted) VALUES (3, 'a3', 'kept', 1, 1, ${backend === 'postgresql' ? 'false' : '0'}, NULL, 0);`,
      ].join('\n');
      for (const db of [viaScript, viaOnline]) {
        online(db, 'upgrade', '--revision', '3cfc94cecf4e');
        sqlQuery(db.url, seed);
      }
      sqlQuery(viaScript.url, script(viaScript.url, 'upgrade', '3cfc94cecf4e:a86240e89a29'));
      online(viaOnline, 'upgrade', '--revision', 'a86240e89a29');
      const names = (db: TempDatabase) => sqlQuery(db.url, 'SELECT id, name FROM audits ORDER BY id;');
      expect(names(viaScript)).to.equal(names(viaOnline));
      expect(names(viaScript)).to.match(/strategy-one-2020-01-02 03:04:05/);
      expect(names(viaScript)).to.match(/goal-one-2020-01-02 03:04:06/);
    });

    it('writes quotes and backslashes in values as literals the client reads back unchanged', async () => {
      // A script has no bound parameters: values become literals, and MySQL reads '\\' as an escape.
      const db = await dbs.empty(backend);
      const value = "it's a \\ back\\'slash";
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-offline-'));
      fs.writeFileSync(
        path.join(dir, '000000000001_values.js'),
        `exports.revision = { id: ${JSON.stringify(value)}, parent: null, message: 'values', created: '2026-01-01T00:00:00', up: async () => {}, down: async () => {} };\n`,
      );
      const r = runCli(['--config-file', writeConfig(db.url), '--migrations-dir', dir, 'upgrade', '--sql']);
      expect(r.status, r.stderr).to.equal(0);
      sqlQuery(db.url, r.stdout);
      const stored = sqlQuery(db.url, 'SELECT version_num FROM alembic_version;');
      // mariadb -B prints a backslash as \\; the others print it as it is.
      expect(backend === 'mysql' ? stored.replace(/\\\\/g, '\\') : stored).to.equal(`${value}\n`);
    });
  });
}

describe('offline --sql arguments', () => {
  it('needs FROM:TO for a downgrade and rejects malformed ranges in one line', () => {
    const conf = writeConfig('postgresql://watcher:secret@nowhere.invalid/watcher');
    for (const [args, pattern] of [
      [['downgrade', 'base', '--sql'], /downgrade --sql needs FROM:TO/],
      [['upgrade', 'a:b:c', '--sql'], /'a:b:c' is not a revision range/],
      [['upgrade', 'nonsense:head', '--sql'], /No such revision 'nonsense'/],
      [['upgrade', 'head:001', '--sql'], /not above the current revision/],
    ] as const) {
      const r = runCli(['--config-file', conf, ...args]);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(pattern);
      expect(r.stdout).to.equal('');
    }
  });
});
