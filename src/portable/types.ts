import type { Backend } from './backend';
import { sqlText } from './server-default';

/** What TypeORM needs to render one column type: the type name it pastes into DDL, and a length. */
export interface TypeOrmType {
  type: string;
  length?: string;
}

/**
 * A SQLAlchemy generic type, with what SQLAlchemy's DDL compiler turns it into on each backend.
 * Revisions name types the way upstream does (`sa.String(36)`), and the schema they build is the one
 * the Python reference builds; see the type table in the spec.
 */
export interface SqlType {
  /** How upstream writes it, for messages and comments. */
  readonly name: string;
  readonly postgres: TypeOrmType;
  readonly mysql: TypeOrmType;
  readonly sqlite: TypeOrmType;
}

export function typeFor(backend: Backend, type: SqlType): TypeOrmType {
  return type[backend];
}

function same(name: string, postgres: string, mysql: string, sqlite: string): SqlType {
  return { name, postgres: { type: postgres }, mysql: { type: mysql }, sqlite: { type: sqlite } };
}

/**
 * The generic types the Watcher chain uses. On SQLite we write the upper-case names SQLAlchemy writes
 * (the declared type is kept verbatim in sqlite_master); on the servers we give TypeORM the type that
 * the server reports back, so that `pg_dump`/`mysqldump` of our database reads like the reference's:
 * - Integer: MySQL shows `int` as int(11).
 * - DateTime: TypeORM renders PostgreSQL's `timestamp without time zone` as TIMESTAMP, which is the same.
 * - Boolean: MySQL stores BOOLEAN as tinyint(1).
 * - Numeric(): MySQL's DECIMAL without precision is decimal(10,0).
 * - Float(): SQLAlchemy emits FLOAT: PostgreSQL's FLOAT is double precision, MySQL's is float.
 * - Float(25): SQLAlchemy emits FLOAT(25): PostgreSQL and MySQL both make a double of any precision
 *   above 24; SQLite's compiler drops the precision.
 * - JSONEncodedDict/JSONEncodedList (watcher.db.sqlalchemy.models) are TypeDecorators over Text.
 */
export const sa = {
  Integer: same('Integer', 'integer', 'int', 'INTEGER'),
  String(length: number): SqlType {
    const l = String(length);
    return {
      name: `String(${length})`,
      postgres: { type: 'varchar', length: l },
      mysql: { type: 'varchar', length: l },
      sqlite: { type: 'VARCHAR', length: l },
    };
  },
  Text: same('Text', 'text', 'text', 'TEXT'),
  JSONEncodedDict: same('JSONEncodedDict', 'text', 'text', 'TEXT'),
  JSONEncodedList: same('JSONEncodedList', 'text', 'text', 'TEXT'),
  DateTime: same('DateTime', 'timestamp without time zone', 'datetime', 'DATETIME'),
  Boolean: same('Boolean', 'boolean', 'boolean', 'BOOLEAN'),
  Numeric: same('Numeric', 'numeric', 'decimal', 'NUMERIC'),
  Float(precision?: number): SqlType {
    if (precision === undefined) return same('Float()', 'double precision', 'float', 'FLOAT');
    // FLOAT(p): p <= 24 is single precision on both servers, above is double.
    return precision <= 24
      ? same(`Float(${precision})`, 'real', 'float', 'FLOAT')
      : same(`Float(${precision})`, 'double precision', 'double', 'FLOAT');
  },
  LargeBinary: same('LargeBinary', 'bytea', 'blob', 'BLOB'),
  /** `sa.text('CURRENT_TIMESTAMP')`: an SQL expression as a server default, as SQLAlchemy writes one. */
  text: sqlText,
} as const;
