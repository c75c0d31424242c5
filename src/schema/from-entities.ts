import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { ColumnType, SchemaModel, TableModel } from './model';
import { typeOfSqliteName } from './sqlite-type-names';
import { sortByDependency } from './sort-tables';
import { defaultOfEntity, defaultOfType } from './column-default';
import type { ServerDefault } from './server-default';

/** Translates TypeORM entity metadata into the neutral schema model. */
export function fromEntities(metadatas: EntityMetadata[]): SchemaModel {
  return { tables: sortByDependency(metadatas.map(tableOf)) };
}

function tableOf(entity: EntityMetadata): TableModel {
  const columns = entity.columns.filter((c) => !c.isVirtual);
  return {
    name: entity.tableName,
    columns: columns.map((c) => {
      const type = columnTypeOf(entity, c);
      const value = defaultOf(entity, c, type);
      return {
        name: c.databaseName,
        type,
        nullable: c.isNullable && !c.isPrimary,
        autoincrement: c.isGenerated && c.generationStrategy === 'increment',
        ...(value === undefined ? {} : { default: value }),
      };
    }),
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
  // Entities may also use TypeORM's JS types (Number, String, Date), which it names in lower case.
  const given = typeof column.type === 'string' ? column.type : column.type.name.toLowerCase();
  const name = ({ number: 'integer', string: 'varchar', date: 'datetime' } as Record<string, string>)[given] ?? given;
  const type = typeOfSqliteName(name, column.length, column.precision);
  if (type) return type;
  const why = name === 'varchar' ? 'varchar needs a length' : `column type '${given}' has no portable mapping`;
  throw new Error(`${entity.tableName}.${column.databaseName}: ${why}`);
}

/** The column's `default`, as the server default autogenerate compares and create_schema writes. */
function defaultOf(entity: EntityMetadata, column: ColumnMetadata, type: ColumnType): ServerDefault | undefined {
  try {
    return defaultOfType(type, defaultOfEntity(column.default));
  } catch (error) {
    throw new Error(`${entity.tableName}.${column.databaseName}: ${(error as Error).message}`);
  }
}
