import type { QueryRunner } from 'typeorm';

/**
 * One revision file in `migrations/`: its place in the chain and the schema change it makes.
 * `up` and `down` get a TypeORM QueryRunner, so one file serves SQLite, PostgreSQL and MySQL.
 */
export interface Revision {
  /** Alembic revision id, the value stored in alembic_version. */
  id: string;
  /** The revision this one applies on top of; null for the first. */
  parent: string | null;
  message: string;
  /** When the revision was written, as Alembic's "Create Date" (ISO 8601). */
  created: string;
  up(queryRunner: QueryRunner): Promise<void>;
  down(queryRunner: QueryRunner): Promise<void>;
}

/** Identity function that gives revision files a checked type without a class to extend. */
export function defineRevision(revision: Revision): Revision {
  return revision;
}
