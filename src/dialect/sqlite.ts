import { ColumnType } from '../schema/model';
import { Dialect } from './dialect';

/**
 * SQLite keeps the CREATE TABLE text as written, so ours follows SQLAlchemy's layout. An INTEGER
 * primary key is the rowid and numbers itself; like SQLAlchemy we do not add AUTOINCREMENT.
 */
export class SqliteDialect extends Dialect {
  readonly backend = 'sqlite' as const;
  readonly displayName = 'SQLite';

  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  renderType(type: ColumnType): string {
    switch (type.kind) {
      case 'integer':
        return 'INTEGER';
      case 'string':
        return `VARCHAR(${type.length})`;
      case 'text':
        return 'TEXT';
      case 'datetime':
        return 'DATETIME';
      case 'boolean':
        return 'BOOLEAN';
      case 'numeric':
        return 'NUMERIC';
      case 'float':
        return 'FLOAT';
      case 'binary':
        return 'BLOB';
    }
  }

  placeholder(): string {
    return '?';
  }
}
