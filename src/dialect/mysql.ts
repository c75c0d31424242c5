import { ColumnModel, TableModel } from '../schema/model';
import { Dialect } from './dialect';

export class MysqlDialect extends Dialect {
  readonly backend = 'mysql' as const;
  readonly displayName = 'MySQL';

  quote(identifier: string): string {
    return `\`${identifier.replace(/`/g, '``')}\``;
  }

  /** MySQL reads a backslash in a literal as an escape (unless NO_BACKSLASH_ESCAPES): double it too. */
  stringLiteral(value: string): string {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  // FLOAT(p) with p >= 25 is stored as DOUBLE, which is what Float(25) means; BOOL is tinyint(1).
  protected readonly typeNames = {
    integer: 'INTEGER',
    text: 'TEXT',
    datetime: 'DATETIME',
    boolean: 'BOOL',
    numeric: 'NUMERIC',
    binary: 'BLOB',
  };

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

  tableExistsQuery(table: string): { sql: string; parameters: unknown[] } {
    return {
      sql: 'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      parameters: [table],
    };
  }
}
