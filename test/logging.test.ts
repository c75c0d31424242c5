import { expect } from 'chai';
import { BACKENDS, createTempDatabase, TempDatabase } from './support/backends';
import { runCli, writeConfig } from './support/cli';
import { ENCODED, PASSWORD, urlWithPassword } from './support/password-url';

for (const backend of BACKENDS) {
  describe(`logging on ${backend}`, function () {
    let db: TempDatabase;
    let url: string;
    beforeEach(async () => {
      db = await createTempDatabase(backend);
      url = backend === 'sqlite' ? db.url : urlWithPassword(db);
    });
    afterEach(async () => db.drop());

    it('logs every SQL statement with -d and its steps with -v, never the password', () => {
      const conf = writeConfig(url);
      const r = runCli(['-d', '-v', '--config-file', conf, 'create_schema']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/^DEBUG SQL: CREATE TABLE .?goals/m);
      expect(r.stderr).to.match(/^DEBUG SQL: INSERT INTO .?alembic_version/m);
      expect(r.stderr).to.match(/^Creating table audits$/m);
      const all = r.stdout + r.stderr + runCli(['--debug', 'version', '--config-file', conf]).stderr;
      expect(all).to.not.contain(PASSWORD);
      expect(all).to.not.contain(ENCODED);
      if (backend !== 'sqlite') expect(r.stderr).to.match(/Database: (postgresql|mysql\+pymysql):\/\/\w+:\*\*\*@/);
    });

    it('is quiet about SQL without -d', () => {
      const r = runCli(['--config-file', writeConfig(url), 'create_schema']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.not.contain('SQL:');
      expect(r.stderr).to.not.contain('Creating table');
    });
  });
}

describe('connection failures never show the password', () => {
  it('on MySQL with a wrong password', async () => {
    const db = await createTempDatabase('mysql');
    try {
      const url = urlWithPassword(db).replace(ENCODED, encodeURIComponent(`${PASSWORD}x`));
      const r = runCli(['-d', '--config-file', writeConfig(url), 'version']);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/Cannot connect to MySQL at .*access denied for user/);
      expect(r.stderr).to.not.contain(PASSWORD);
    } finally {
      await db.drop();
    }
  });

  it('on PostgreSQL with a missing database', async () => {
    const db = await createTempDatabase('postgresql');
    try {
      const url = urlWithPassword(db).replace(/\/[^/]+$/, '/no_such_db');
      const r = runCli(['--config-file', writeConfig(url), 'version']);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/Cannot connect to PostgreSQL at .*\(database 'no_such_db'\): the database does not exist/);
      expect(r.stderr).to.not.contain(PASSWORD);
      expect(r.stderr).to.not.contain(ENCODED);
    } finally {
      await db.drop();
    }
  });
});

describe('connection URL forms reach the real servers', () => {
  const socketEnv = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the tests via \`npm test\``);
    return value;
  };

  it('over each scheme and driver name, TCP and Unix socket', async () => {
    const pg = await createTempDatabase('postgresql');
    const my = await createTempDatabase('mysql');
    try {
      const pgUrl = new URL(pg.url);
      const myUrl = new URL(my.url);
      const urls = [
        `postgres://postgres@${pgUrl.host}/${pg.name}`,
        `postgresql+psycopg2://postgres@${pgUrl.host}/${pg.name}?sslmode=disable&connect_timeout=5`,
        `postgresql://postgres@:${pgUrl.port}/${pg.name}?host=${socketEnv('WDM_TEST_PG_SOCKET_DIR')}`,
        `mysql://root@${myUrl.host}/${my.name}`,
        `mysql+mysqldb://root@${myUrl.host}/${my.name}?charset=utf8`,
        `mysql+mysqlconnector://root@${myUrl.host}/${my.name}`,
        `mysql+pymysql://root@localhost/${my.name}?unix_socket=${socketEnv('WDM_TEST_MYSQL_SOCKET')}&charset=utf8mb4`,
      ];
      for (const url of urls) {
        const r = runCli(['--config-file', writeConfig(url), 'version']);
        expect(r.status, `${url}: ${r.stderr}`).to.equal(0);
        expect(r.stdout).to.equal('None\n');
      }
      // Stamped over a socket, read over TCP: the same database.
      expect(runCli(['--config-file', writeConfig(urls[2]), 'stamp', '001']).status).to.equal(0);
      expect(runCli(['--config-file', writeConfig(urls[0]), 'version']).stdout).to.equal('001\n');
      expect(runCli(['--config-file', writeConfig(urls[6]), 'stamp', '001']).status).to.equal(0);
      expect(runCli(['--config-file', writeConfig(urls[3]), 'version']).stdout).to.equal('001\n');
    } finally {
      await pg.drop();
      await my.drop();
    }
  });
});
