import type { EntityMetadata } from 'typeorm';
import { loadTypeorm } from '../connection/typeorm-load';

/**
 * Builds TypeORM's metadata for entity classes without touching the target database.
 *
 * TypeORM checks each column type against the driver it builds metadata for, and no single
 * driver-specific type name is valid on all three backends for every column (binary is `blob` on
 * MySQL and SQLite, `bytea` on PostgreSQL). The entities therefore use SQLite's names, which cover
 * every generic type, and the metadata is built on an in-memory SQLite; `fromEntities` then maps
 * the types to our neutral model and each dialect renders them for its backend.
 */
export async function loadEntityMetadata(entities: Function[]): Promise<EntityMetadata[]> {
  const { DataSource } = loadTypeorm();
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities });
  await dataSource.initialize();
  try {
    return dataSource.entityMetadatas;
  } finally {
    await dataSource.destroy();
  }
}
