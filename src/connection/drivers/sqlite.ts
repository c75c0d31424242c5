import * as fs from 'node:fs';
import * as path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { connectTimeoutMs } from '../connect-parameters';
import type { ConnectionSpec } from '../url';
import type { BackendDriver } from './driver';

const fileOf = (spec: ConnectionSpec) => spec.sqlitePath ?? ':memory:';

/**
 * As SQLAlchemy: a missing database file is created, a missing directory is an error. (TypeORM would
 * create the directories, so a typo in the path would quietly start a new database somewhere.)
 */
function checkDirectory(file: string): void {
  if (file !== ':memory:' && !fs.existsSync(path.dirname(file))) {
    throw Object.assign(new Error('the directory does not exist'), { code: 'ENOENT' });
  }
}

/** A file, through better-sqlite3. */
export const sqliteDriver: BackendDriver = {
  dataSourceOptions: (spec) => ({ type: 'better-sqlite3', database: fileOf(spec), timeout: connectTimeoutMs(spec) }),

  async connect(spec) {
    const file = fileOf(spec);
    checkDirectory(file);
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(file, { timeout: connectTimeoutMs(spec) });
    try {
      // Opening does not read the file; reading its schema is what finds one that is not a database.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      // As TypeORM's driver does: SQLite checks foreign keys only when asked, per connection.
      db.pragma('foreign_keys = ON');
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      execute: async (sql, values) => {
        const statement = db.prepare(sql);
        if (statement.reader) return { rows: statement.all(...values), changed: 0 };
        return { rows: [], changed: statement.run(...values).changes };
      },
      close: async () => {
        db.close();
      },
    };
  },

  describeTarget: (spec) => (spec.sqlitePath === ':memory:' ? 'an in-memory database' : (spec.sqlitePath ?? '')),
  describeDatabase: () => '',
  // Nothing SQLite says about a file changes by waiting.
  connectFailuresMayPass: false,
  missingPathReason: 'the directory does not exist',
  beforeConnect: (spec) => checkDirectory(fileOf(spec)),
  // better-sqlite3 opens any file; reading the schema is what finds one that is not a database.
  afterConnect: async (sql) => {
    await sql.query('SELECT count(*) FROM sqlite_master');
  },
};
