import type { Backend } from '../portable/backend';
import { ColumnType } from '../schema/model';

/**
 * What a backend really stores for a generic type, as the server reports it back. Two types are the
 * same when they store the same, so a type never shows as changed because it was written differently:
 * - PostgreSQL: Float() and Float(25) are both double precision (FLOAT(p) is real only up to 24);
 * - MySQL: Integer is int(11), Boolean is tinyint(1), Numeric() is decimal(10,0), Float(25) is double
 *   but Float() is float;
 * - SQLite keeps the declared name, and SQLAlchemy writes FLOAT whatever the precision.
 * String lengths count everywhere.
 */
export function storedType(backend: Backend, type: ColumnType): string {
  switch (type.kind) {
    case 'string':
      return `varchar(${type.length})`;
    case 'float':
      return floatStorage(backend, type.precision);
    default:
      return STORED[backend][type.kind];
  }
}

export function sameStoredType(backend: Backend, a: ColumnType, b: ColumnType): boolean {
  return storedType(backend, a) === storedType(backend, b);
}

const STORED: Record<Backend, Record<Exclude<ColumnType['kind'], 'string' | 'float'>, string>> = {
  postgres: { integer: 'integer', text: 'text', datetime: 'timestamp without time zone', boolean: 'boolean', numeric: 'numeric', binary: 'bytea' },
  mysql: { integer: 'int(11)', text: 'text', datetime: 'datetime', boolean: 'tinyint(1)', numeric: 'decimal(10,0)', binary: 'blob' },
  sqlite: { integer: 'INTEGER', text: 'TEXT', datetime: 'DATETIME', boolean: 'BOOLEAN', numeric: 'NUMERIC', binary: 'BLOB' },
};

function floatStorage(backend: Backend, precision: number | undefined): string {
  switch (backend) {
    case 'postgres':
      return precision !== undefined && precision <= 24 ? 'real' : 'double precision';
    case 'mysql':
      return precision !== undefined && precision > 24 ? 'double' : 'float';
    case 'sqlite':
      return 'FLOAT';
  }
}
