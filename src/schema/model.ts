import type { ServerDefault } from './server-default';

/**
 * A backend-neutral description of a database schema: what the entities declare and, later, what a
 * live database holds. Types are SQLAlchemy's generic types, the vocabulary Watcher's schema was
 * written in, so each dialect can map them exactly as the Python reference does.
 */
export type ColumnType =
  | { kind: 'integer' }
  | { kind: 'string'; length: number }
  | { kind: 'text' }
  | { kind: 'datetime' }
  | { kind: 'boolean' }
  | { kind: 'numeric' }
  /** Float() or Float(precision); precision 25 and above means double on MySQL. */
  | { kind: 'float'; precision?: number }
  | { kind: 'binary' };

export interface ColumnModel {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** An integer primary key whose values the database assigns (serial, AUTO_INCREMENT, rowid); absent: no. */
  autoincrement?: boolean;
  /** The server default; none when undefined (a default of NULL is none). */
  default?: ServerDefault;
}

/** Constraint names are undefined where the models leave them unnamed and each backend names them. */
export interface KeyModel {
  name?: string;
  columns: string[];
}

export interface IndexModel {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface ForeignKeyModel {
  name?: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
}

export interface TableModel {
  name: string;
  columns: ColumnModel[];
  primaryKey: KeyModel;
  uniques: KeyModel[];
  indexes: IndexModel[];
  foreignKeys: ForeignKeyModel[];
}

export interface SchemaModel {
  tables: TableModel[];
}

export function describeType(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
      return `String(${type.length})`;
    case 'float':
      return type.precision === undefined ? 'Float()' : `Float(${type.precision})`;
    default:
      return { integer: 'Integer', text: 'Text', datetime: 'DateTime', boolean: 'Boolean', numeric: 'Numeric', binary: 'LargeBinary' }[type.kind];
  }
}
