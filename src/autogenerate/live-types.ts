import type { Backend } from '../portable/backend';
import { ColumnType } from '../schema/model';
import { typeOfSqliteName } from '../schema/sqlite-type-names';

/**
 * A column type as the database reports it: TypeORM's lower-case type name and length, and on MySQL
 * the full COLUMN_TYPE (`int(11)`, `tinyint(1)`), which TypeORM does not keep.
 */
export interface RawType {
  type: string;
  length?: string;
  columnType?: string;
}

/**
 * The generic type a stored type comes from, or undefined when no generic type stores it (bigint,
 * tinyint(4), decimal(8,2), ...): such a column cannot be written with the portable kit, so it is
 * reported rather than guessed at. Float precisions are chosen so that storedType() gives the stored
 * type back: `real` is Float(24), MySQL's `double` is Float(53).
 */
export function columnTypeOf(backend: Backend, raw: RawType): ColumnType | undefined {
  switch (backend) {
    case 'postgres':
      return postgresType(raw);
    case 'mysql':
      return mysqlType((raw.columnType ?? raw.type).toLowerCase());
    case 'sqlite':
      return sqliteType(raw);
  }
}

function postgresType({ type, length }: RawType): ColumnType | undefined {
  switch (type) {
    case 'integer':
      return { kind: 'integer' };
    case 'character varying':
      return length ? { kind: 'string', length: Number(length) } : undefined;
    case 'text':
      return { kind: 'text' };
    case 'timestamp without time zone':
      return { kind: 'datetime' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'numeric':
      return { kind: 'numeric' };
    case 'double precision':
      return { kind: 'float' };
    case 'real':
      return { kind: 'float', precision: 24 };
    case 'bytea':
      return { kind: 'binary' };
    default:
      return undefined;
  }
}

function mysqlType(columnType: string): ColumnType | undefined {
  const varchar = /^varchar\((\d+)\)$/.exec(columnType);
  if (varchar) return { kind: 'string', length: Number(varchar[1]) };
  // MySQL 8 no longer shows display widths: `int` is int(11) there.
  if (/^int(\(11\))?$/.test(columnType)) return { kind: 'integer' };
  switch (columnType) {
    case 'text':
      return { kind: 'text' };
    case 'datetime':
      return { kind: 'datetime' };
    case 'tinyint(1)':
      return { kind: 'boolean' };
    case 'decimal(10,0)':
      return { kind: 'numeric' };
    case 'float':
      return { kind: 'float' };
    case 'double':
      return { kind: 'float', precision: 53 };
    case 'blob':
      return { kind: 'binary' };
    default:
      return undefined;
  }
}

/** SQLite keeps the declared name; TypeORM reads it back lower-cased, with the length apart. */
function sqliteType({ type, length }: RawType): ColumnType | undefined {
  return typeOfSqliteName(type, length);
}
