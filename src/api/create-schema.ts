import type { QueryRunner } from 'typeorm';
import { WATCHER_ENTITIES } from '../../entities';
import { Session } from '../connection/session';
import { DatabaseStateError } from '../errors';
import { loadEntityMetadata } from '../schema/entity-metadata';
import { fromEntities } from '../schema/from-entities';
import { SchemaModel } from '../schema/model';
import { RevisionChain } from '../script/chain';
import { inTransaction, withRunner } from '../runtime/transaction';
import { VERSION_TABLE, VersionTable } from '../runtime/version-table';

export interface CreateSchemaResult {
  /** The tables this run created, in the order it created them: the models' and then alembic_version. */
  tables: string[];
  revision: string;
}

/** The schema Watcher's entity classes describe. */
export async function entitySchema(entities: Function[] = WATCHER_ENTITIES): Promise<SchemaModel> {
  return fromEntities(await loadEntityMetadata(entities));
}

/**
 * Builds every table of the models on an empty database and stamps head, as the reference's
 * create_schema does. It refuses a database under version control (use upgrade) and one that
 * already holds any of the tables, rather than building around them. On PostgreSQL and SQLite the
 * whole build is one transaction; on MySQL, whose DDL commits at once, a failure drops the tables
 * this run created, so the database is left as it was found.
 */
export async function createSchema(session: Session, chain: RevisionChain): Promise<CreateSchemaResult> {
  const head = chain.head().id;
  const schema = await entitySchema();
  const { dialect, log } = session;
  return withRunner(session, async (runner) => {
    const versions = new VersionTable(runner, dialect);
    const existing = await versions.readAll();
    if (existing !== null) {
      throw new DatabaseStateError(
        `The database is already under version control (at ${existing.join(', ') || 'base'}); use 'upgrade' instead of 'create_schema'`,
      );
    }
    const clashes: string[] = [];
    for (const table of schema.tables) if (await runner.hasTable(table.name)) clashes.push(table.name);
    if (clashes.length > 0) {
      throw new DatabaseStateError(
        `The database already has Watcher tables (${clashes.join(', ')}) but no alembic_version; create_schema needs an empty database (use 'stamp' to adopt an existing schema)`,
      );
    }

    const created: string[] = [];
    const build = async (): Promise<void> => {
      for (const table of schema.tables) {
        log.verbose(`Creating table ${table.name}`);
        for (const sql of dialect.createTable(table)) await runner.query(sql);
        created.push(table.name);
      }
      await versions.create();
      created.push(VERSION_TABLE.name);
      log.info(`Running stamp_revision  -> ${head}`);
      await versions.write(null, head);
    };

    if (dialect.transactionalDdl) {
      await inTransaction(runner, build);
    } else {
      try {
        await build();
      } catch (error) {
        await dropQuietly(runner, session, created.reverse());
        throw error;
      }
    }
    return { tables: created, revision: head };
  });
}

async function dropQuietly(runner: QueryRunner, session: Session, tables: string[]): Promise<void> {
  for (const name of tables) {
    await runner.query(`DROP TABLE ${session.dialect.quote(name)}`).catch((e: Error) => {
      session.log.warning(`Could not drop ${name} after the failure: ${e.message}`);
    });
  }
}
