import { ColumnModel, ColumnType, TableModel } from '../schema/model';
import { Dialect } from './dialect';

export class PostgresDialect extends Dialect {
  readonly backend = 'postgres' as const;
  readonly displayName = 'PostgreSQL';

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
        return 'TIMESTAMP WITHOUT TIME ZONE';
      case 'boolean':
        return 'BOOLEAN';
      case 'numeric':
        return 'NUMERIC';
      case 'float':
        // FLOAT without precision and FLOAT(25..53) are both double precision on PostgreSQL.
        return type.precision === undefined ? 'FLOAT' : `FLOAT(${type.precision})`;
      case 'binary':
        return 'BYTEA';
    }
  }

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    // SERIAL creates <table>_<column>_seq owned by the column, as SQLAlchemy's autoincrement does.
    if (column.autoincrement) return `${this.quote(column.name)} SERIAL NOT NULL`;
    return super.renderColumn(table, column);
  }

  placeholder(n: number): string {
    return `$${n}`;
  }
}
