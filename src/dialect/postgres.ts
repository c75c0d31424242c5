import { ColumnModel, TableModel } from '../schema/model';
import { Dialect } from './dialect';

export class PostgresDialect extends Dialect {
  readonly backend = 'postgres' as const;
  readonly displayName = 'PostgreSQL';

  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  /**
   * With a backslash in it, an E'' literal with the backslash doubled: the same value whether the
   * server reads plain literals with standard_conforming_strings on (the default) or off.
   */
  stringLiteral(value: string): string {
    if (!value.includes('\\')) return super.stringLiteral(value);
    return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  // FLOAT and FLOAT(25..53) both become double precision, as Float() and Float(25) do.
  protected readonly typeNames = {
    integer: 'INTEGER',
    text: 'TEXT',
    datetime: 'TIMESTAMP WITHOUT TIME ZONE',
    boolean: 'BOOLEAN',
    numeric: 'NUMERIC',
    binary: 'BYTEA',
  };

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    // SERIAL creates <table>_<column>_seq owned by the column, as SQLAlchemy's autoincrement does.
    if (column.autoincrement) return `${this.quote(column.name)} SERIAL NOT NULL`;
    return super.renderColumn(table, column);
  }

  placeholder(n: number): string {
    return `$${n}`;
  }

  // The first schema of search_path, where Alembic and SQLAlchemy create and look for tables.
  tableExistsQuery(table: string): { sql: string; parameters: unknown[] } {
    return {
      sql: 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1',
      parameters: [table],
    };
  }
}
