import type { ColumnType } from '../schema/model';

/**
 * One generic type on one backend: how SQLAlchemy's DDL compiler writes it (create_schema), the
 * name TypeORM is given so that a revision builds the same column, and what the server reports
 * back (pg_dump, mysqldump, the catalog), which is how two types are compared.
 */
export interface TypeSpelling {
  ddl: string;
  typeorm: string;
  stored: string;
}

/** A backend's type table: the one place it says how it writes, builds and stores each generic type. */
export interface TypeTable {
  integer: TypeSpelling;
  text: TypeSpelling;
  datetime: TypeSpelling;
  boolean: TypeSpelling;
  numeric: TypeSpelling;
  binary: TypeSpelling;
  /** TypeORM's name for String(n); the length is passed apart. */
  varchar: string;
  /** Float() or Float(precision). */
  float(precision: number | undefined): TypeSpelling;
}

/**
 * A column type as the database reports it: TypeORM's lower-case type name and length, and on MySQL
 * the full COLUMN_TYPE (`int(11)`, `tinyint(1)`), which TypeORM does not keep.
 */
export interface RawType {
  type: string;
  length?: string;
  columnType?: string;
}

/** The same name for all three uses. */
export function spelled(ddl: string, typeorm = ddl, stored = typeorm): TypeSpelling {
  return { ddl, typeorm, stored };
}

export type { ColumnType };
