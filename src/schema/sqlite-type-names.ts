import { ColumnType } from './model';

/**
 * The generic type behind a SQLite type name, as TypeORM spells it (lower case, length apart): the
 * entities declare their columns in these names (see entity-metadata.ts), and a live SQLite database
 * reports them back the same way. Undefined for a name no generic type is written as.
 */
export function typeOfSqliteName(name: string, length?: string | number, precision?: number | null): ColumnType | undefined {
  switch (name) {
    case 'integer':
    case 'int':
      return { kind: 'integer' };
    case 'varchar':
    case 'character varying':
      return length ? { kind: 'string', length: Number(length) } : undefined;
    case 'text':
      return { kind: 'text' };
    case 'datetime':
    case 'timestamp':
      return { kind: 'datetime' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'numeric':
    case 'decimal':
      return { kind: 'numeric' };
    case 'float':
    case 'real':
    case 'double':
    case 'double precision':
      return precision == null ? { kind: 'float' } : { kind: 'float', precision };
    case 'blob':
      return { kind: 'binary' };
    default:
      return undefined;
  }
}
