import type { TableColumn } from 'typeorm';
import { typeorm } from './typeorm-classes';
import type { Dialect } from '../dialect';
import type { ColumnModel, ColumnType } from '../schema/model';
import type { ServerDefault } from '../schema/server-default';

/**
 * A column as upstream declares it (`sa.Column(name, type, nullable=...)`), before a backend is known:
 * the schema model's column, as autogenerate describes one. SQLAlchemy's default is nullable=True,
 * and so is column()'s; there is no server default unless given, as in every Watcher revision.
 */
export type ColumnDef = ColumnModel;

export function column(name: string, type: ColumnType, options: { nullable?: boolean; default?: ServerDefault } = {}): ColumnDef {
  return { name, type, nullable: options.nullable ?? true, ...(options.default === undefined ? {} : { default: options.default }) };
}

/** How the column takes part in its table's primary key, which only the table knows. */
export interface PrimaryKeyRole {
  primaryKeyName?: string;
  /** Integer key that numbers itself: SERIAL on PostgreSQL, AUTO_INCREMENT on MySQL. */
  autoIncrement: boolean;
}

/**
 * The TypeORM column for one backend. Nothing else is set on purpose: no default unless the
 * revision gives one (upstream has no server defaults; `force`'s `default=False` is applied by the
 * Python client, not the database), no charset or collation (the database's default, as with
 * SQLAlchemy).
 */
export function tableColumn(dialect: Dialect, def: ColumnDef, primary?: PrimaryKeyRole): TableColumn {
  const { type, length } = dialect.typeOrmType(def.type);
  const generated = primary?.autoIncrement === true && !dialect.integerPrimaryKeyIsRowid;
  return new (typeorm().TableColumn)({
    name: def.name,
    type,
    length,
    isNullable: primary ? false : def.nullable,
    isPrimary: primary !== undefined,
    primaryKeyConstraintName: primary?.primaryKeyName,
    // TypeORM pastes this after DEFAULT as it is.
    default: def.default === undefined ? undefined : dialect.defaultSql(def.default),
    // On SQLite an INTEGER PRIMARY KEY is the rowid, which numbers itself already; TypeORM's
    // "increment" would add AUTOINCREMENT there, which SQLAlchemy does not write (it changes how ids
    // are reused and adds the sqlite_sequence table).
    isGenerated: generated,
    generationStrategy: generated ? 'increment' : undefined,
  });
}
