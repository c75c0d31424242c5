import type { ColumnType } from '../schema/model';
import { sqlText } from '../schema/server-default';

/**
 * SQLAlchemy's generic types, as revisions name them (`sa.String(36)`): the schema model's own type
 * values, so a revision, autogenerate and create_schema speak one vocabulary, and each dialect's type
 * table says what the type is on its backend (src/dialect/type-table.ts). Watcher's
 * JSONEncodedDict/JSONEncodedList (watcher.db.sqlalchemy.models) are TypeDecorators over Text.
 */
export const sa = {
  Integer: { kind: 'integer' } as ColumnType,
  String: (length: number): ColumnType => ({ kind: 'string', length }),
  Text: { kind: 'text' } as ColumnType,
  JSONEncodedDict: { kind: 'text' } as ColumnType,
  JSONEncodedList: { kind: 'text' } as ColumnType,
  DateTime: { kind: 'datetime' } as ColumnType,
  Boolean: { kind: 'boolean' } as ColumnType,
  Numeric: { kind: 'numeric' } as ColumnType,
  Float: (precision?: number): ColumnType => (precision === undefined ? { kind: 'float' } : { kind: 'float', precision }),
  LargeBinary: { kind: 'binary' } as ColumnType,
  /** `sa.text('CURRENT_TIMESTAMP')`: an SQL expression as a server default, as SQLAlchemy writes one. */
  text: sqlText,
} as const;
