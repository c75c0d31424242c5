// A connection the server ended is reported as a lost connection (one line, no "--debug" hint),
// whatever form the driver's error takes. mysql2 gives a statement sent after the end a fatal error
// with no code ("Can't add new command when connection is in closed state"): faults.test.ts meets it
// only when a kill lands at the wrong moment, so it is produced here on purpose.
import { expect } from 'chai';
import { withDriverSession } from '../src/connection/session';
import { ConnectionError } from '../src/errors';
import { createTempDatabase, sqlQuery, TempDatabase } from './support/backends';

describe('a statement after the server ended the connection, on mysql', function () {
  let db: TempDatabase;
  before(async () => {
    db = await createTempDatabase('mysql');
  });
  after(async () => db?.drop());

  it('is a lost connection, also when the driver gives no error code', async () => {
    const errors: unknown[] = [];
    const failure = await withDriverSession(db.url, {}, async (session) => {
      const [{ id }] = (await session.sql.query('SELECT CONNECTION_ID() AS id')) as Array<{ id: number }>;
      sqlQuery(db.url, `KILL ${Number(id)};`);
      // The first statement learns that the connection is gone; the next is refused by the driver.
      for (let i = 0; i < 2; i++) await session.sql.query('SELECT 1').catch((error: unknown) => errors.push(error));
      await session.sql.query('SELECT 1');
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const last = errors.at(-1) as { code?: string; fatal?: boolean; message?: string };
    expect(last.code, String(last.message)).to.equal(undefined);
    expect(last.fatal).to.equal(true);
    expect(failure).to.be.instanceOf(ConnectionError);
    expect((failure as Error).message).to.match(/^Lost the connection to the database: /);
  });
});
