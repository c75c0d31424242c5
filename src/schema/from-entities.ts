import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { ColumnType, SchemaModel, TableModel } from './model';
import { sortByDependency } from './sort-tables';

/** Translates TypeORM entity metadata into the neutral schema model. */
export function fromEntities(metadatas: EntityMetadata[]): SchemaModel {
  return { tables: sortByDependency(metadatas.map(tableOf)) };
}

function tableOf(entity: EntityMetadata): TableModel {
  const columns = entity.columns.filter((c) => !c.isVirtual);
  return {
    name: entity.tableName,
    columns: columns.map((c) => ({
      name: c.databaseName,
      type: columnTypeOf(entity, c),
      nullable: c.isNullable && !c.isPrimary,
      autoincrement: c.isGenerated && c.generationStrategy === 'increment',
    })),
    // Primary and foreign keys stay unnamed, as in Watcher's models: each backend names them itself
    // and later revisions rely on those names.
    primaryKey: { columns: entity.primaryColumns.map((c) => c.databaseName) },
    // Class decorators run bottom-up, so TypeORM records @Unique lines last-first; reversing gives
    // the order they are written in, which is the models' order and the order MySQL and SQLite show.
    uniques: [...entity.uniques].reverse().map((u) => ({
      name: u.givenName ?? u.name,
      columns: u.columns.map((c) => c.databaseName),
    })),
    indexes: entity.indices.map((i) => ({
      name: i.givenName ?? i.name,
      columns: i.columns.map((c) => c.databaseName),
      unique: i.isUnique,
    })),
    foreignKeys: entity.foreignKeys.map((fk) => ({
      name: fk.givenName,
      columns: fk.columns.map((c) => c.databaseName),
      referencedTable: fk.referencedEntityMetadata.tableName,
      referencedColumns: fk.referencedColumns.map((c) => c.databaseName),
    })),
  };
}

function columnTypeOf(entity: EntityMetadata, column: ColumnMetadata): ColumnType {
  const type = typeof column.type === 'string' ? column.type : column.type.name.toLowerCase();
  switch (type) {
    case 'integer':
    case 'int':
    case 'number':
      return { kind: 'integer' };
    case 'varchar':
    case 'string':
      if (!column.length) throw new Error(`${entity.tableName}.${column.databaseName}: varchar needs a length`);
      return { kind: 'string', length: Number(column.length) };
    case 'text':
      return { kind: 'text' };
    case 'datetime':
    case 'date':
      return { kind: 'datetime' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'numeric':
    case 'decimal':
      return { kind: 'numeric' };
    case 'float':
    case 'double':
    case 'double precision':
      return column.precision == null ? { kind: 'float' } : { kind: 'float', precision: column.precision };
    case 'blob':
      return { kind: 'binary' };
    default:
      throw new Error(`${entity.tableName}.${column.databaseName}: column type '${type}' has no portable mapping`);
  }
}
