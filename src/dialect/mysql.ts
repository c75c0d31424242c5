import { ColumnModel, ColumnType, TableModel } from '../schema/model';
import { Dialect } from './dialect';

export class MysqlDialect extends Dialect {
  readonly backend = 'mysql' as const;
  readonly displayName = 'MySQL';

  quote(identifier: string): string {
    return `\`${identifier.replace(/`/g, '``')}\``;
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
        return 'BOOL';
      case 'numeric':
        return 'NUMERIC';
      case 'float':
        // FLOAT(p) with p >= 25 is stored as DOUBLE, which is what Float(25) means.
        return type.precision === undefined ? 'FLOAT' : `FLOAT(${type.precision})`;
      case 'binary':
        return 'BLOB';
    }
  }

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    const base = super.renderColumn(table, column);
    return column.autoincrement ? `${base} AUTO_INCREMENT` : base;
  }

  // Unnamed foreign keys let the server name them <table>_ibfk_<n> with an index named after the
  // column, exactly as for the reference; later revisions drop them by those names.
  protected tableSuffix(): string {
    return 'ENGINE=InnoDB';
  }

  placeholder(): string {
    return '?';
  }
}
