import type { SqlExecutor } from '../connection/sql-executor';
import { Dialect } from '../dialect';
import { DatabaseStateError } from '../errors';
import { TableModel } from '../schema/model';
import type { Heads, VersionChange } from '../script/heads';

/** Alembic's bookkeeping table, byte for byte as Alembic creates it, so both tools share it. */
export const VERSION_TABLE: TableModel = {
  name: 'alembic_version',
  columns: [{ name: 'version_num', type: { kind: 'string', length: 32 }, nullable: false, autoincrement: false }],
  primaryKey: { name: 'alembic_version_pkc', columns: ['version_num'] },
  uniques: [],
  indexes: [],
  foreignKeys: [],
};

/**
 * Reads and writes the current revision(s). A database without the table is not under version
 * control; an empty table means `base`; one row per branch the database is on, as Alembic keeps it
 * (several between two branches and their merge). Commands that need one revision (autogenerate,
 * stamp without --purge) refuse several with a hint; upgrade and downgrade walk from all of them.
 */
export class VersionTable {
  constructor(
    /** A QueryRunner while migrating; a bare driver connection for commands that only read. */
    private readonly runner: SqlExecutor,
    private readonly dialect: Dialect,
  ) {}

  private get table(): string {
    return this.dialect.quote(VERSION_TABLE.name);
  }

  async exists(): Promise<boolean> {
    const { sql, parameters } = this.dialect.tableExistsQuery(VERSION_TABLE.name);
    const rows: unknown[] = await this.runner.query(sql, parameters);
    return rows.length > 0;
  }

  /** All rows; null when the table does not exist. */
  async readAll(): Promise<string[] | null> {
    if (!(await this.exists())) return null;
    const rows: { version_num: string }[] = await this.runner.query(`SELECT version_num FROM ${this.table}`);
    return rows.map((r) => r.version_num);
  }

  /**
   * Whether the table exists and the revision it holds (null at base or without the table), from
   * one look at the table.
   */
  async read(): Promise<{ exists: boolean; revision: string | null }> {
    const rows = await this.readAll();
    if (rows === null || rows.length === 0) return { exists: rows !== null, revision: null };
    if (rows.length > 1) {
      throw new DatabaseStateError(
        `alembic_version holds ${rows.length} revisions (${[...rows].sort().join(', ')}), not one: 'current' shows them, ` +
          `'upgrade' through the merge of their branches joins them, 'stamp --purge REVISION' replaces them`,
      );
    }
    return { exists: true, revision: rows[0] };
  }

  /** Whether the table exists and every revision it holds, sorted (several while on separate branches). */
  async readHeads(): Promise<{ exists: boolean; heads: Heads }> {
    const rows = await this.readAll();
    return { exists: rows !== null, heads: [...(rows ?? [])].sort() };
  }

  /** Makes a step's row changes (heads.ts: Alembic's HeadMaintainer). */
  async apply(changes: VersionChange[]): Promise<void> {
    for (const change of changes) {
      if ('insert' in change) await this.write(null, change.insert);
      else if ('delete' in change) await this.write(change.delete, null);
      else await this.write(change.update.from, change.update.to);
    }
  }

  /** The current revision id, or null at base or when not under version control. */
  async current(): Promise<string | null> {
    return (await this.read()).revision;
  }

  /** Deletes every row; returns the revision it held when it held exactly one (for the log). */
  async erase(): Promise<string | null> {
    const rows = await this.readAll();
    if (rows === null) return null;
    await this.runner.query(`DELETE FROM ${this.table}`);
    return rows.length === 1 ? rows[0] : null;
  }

  async create(): Promise<void> {
    for (const sql of this.dialect.createTable(VERSION_TABLE)) await this.runner.query(sql);
  }

  /** Moves the database from `from` to `to` (either may be null for base), as Alembic does. */
  async write(from: string | null, to: string | null): Promise<void> {
    if (!(await this.exists())) await this.create();
    const d = this.dialect;
    if (from === null && to !== null) {
      await this.runner.query(`INSERT INTO ${this.table} (version_num) VALUES (${d.placeholder(1)})`, [to]);
    } else if (from !== null && to === null) {
      await this.runner.query(`DELETE FROM ${this.table} WHERE version_num = ${d.placeholder(1)}`, [from]);
    } else if (from !== null && to !== null && from !== to) {
      await this.runner.query(
        `UPDATE ${this.table} SET version_num = ${d.placeholder(1)} WHERE version_num = ${d.placeholder(2)}`,
        [to, from],
      );
    }
  }
}
