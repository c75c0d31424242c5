import { ColumnModel, ColumnType, IndexModel, TableModel } from '../schema/model';

import type { Backend } from '../connection/url';
import { defaultSql } from '../portable/server-default';

export type { Backend };

/**
 * What differs between backends when we write DDL ourselves. Statements mirror what SQLAlchemy
 * emits for the same model, so a database we create cannot be told apart from the reference's.
 */
export abstract class Dialect {
  abstract readonly backend: Backend;
  /** The name operators know the backend by, for messages. */
  abstract readonly displayName: string;

  abstract quote(identifier: string): string;

  /**
   * A string as an SQL literal, only for scripts that a client runs (--sql), where no parameter can
   * be bound; online, values are always bound parameters.
   */
  stringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  /** The backend's spelling of each generic type that takes no argument. */
  protected abstract readonly typeNames: Record<Exclude<ColumnType['kind'], 'string' | 'float'>, string>;

  /** FLOAT, or FLOAT(p) where the backend keeps the precision (it decides float or double). */
  protected renderFloat(precision: number | undefined): string {
    return precision === undefined ? 'FLOAT' : `FLOAT(${precision})`;
  }

  renderType(type: ColumnType): string {
    switch (type.kind) {
      case 'string':
        return `VARCHAR(${type.length})`;
      case 'float':
        return this.renderFloat(type.precision);
      default:
        return this.typeNames[type.kind];
    }
  }
  /** Text after the closing parenthesis of CREATE TABLE (table options). */
  protected tableSuffix(): string {
    return '';
  }

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    // The kit's spelling of a default, so create_schema and a revision write the same one.
    const dflt = column.default === undefined ? '' : ` DEFAULT ${defaultSql(this.backend, column.default)}`;
    return `${this.quote(column.name)} ${this.renderType(column.type)}${dflt}${column.nullable ? '' : ' NOT NULL'}`;
  }

  protected quoteList(names: string[]): string {
    return names.map((n) => this.quote(n)).join(', ');
  }

  /** CREATE TABLE with its keys inline, then its non-unique indexes, as SQLAlchemy orders them. */
  createTable(table: TableModel): string[] {
    const lines = table.columns.map((c) => this.renderColumn(table, c));
    const pk = table.primaryKey;
    if (pk.columns.length > 0) {
      const named = pk.name ? `CONSTRAINT ${this.quote(pk.name)} ` : '';
      lines.push(`${named}PRIMARY KEY (${this.quoteList(pk.columns)})`);
    }
    for (const unique of table.uniques) {
      const named = unique.name ? `CONSTRAINT ${this.quote(unique.name)} ` : '';
      lines.push(`${named}UNIQUE (${this.quoteList(unique.columns)})`);
    }
    for (const fk of table.foreignKeys) {
      const named = fk.name ? `CONSTRAINT ${this.quote(fk.name)} ` : '';
      lines.push(
        `${named}FOREIGN KEY(${this.quoteList(fk.columns)}) REFERENCES ${this.quote(fk.referencedTable)} (${this.quoteList(fk.referencedColumns)})`,
      );
    }
    const create = `CREATE TABLE ${this.quote(table.name)} (\n\t${lines.join(', \n\t')}\n)${this.tableSuffix()}`;
    return [create, ...table.indexes.map((i) => this.createIndex(table.name, i))];
  }

  createIndex(tableName: string, index: IndexModel): string {
    const unique = index.unique ? 'UNIQUE ' : '';
    return `CREATE ${unique}INDEX ${this.quote(index.name)} ON ${this.quote(tableName)} (${this.quoteList(index.columns)})`;
  }

  /** A `?`-style or `$1`-style placeholder for the n-th (1-based) bound parameter. */
  abstract placeholder(n: number): string;

  /**
   * A query that returns a row when the connection's own schema has the table. It is plain SQL on
   * the catalog, so it runs on a bare driver connection as well as through TypeORM.
   */
  abstract tableExistsQuery(table: string): { sql: string; parameters: unknown[] };
}
