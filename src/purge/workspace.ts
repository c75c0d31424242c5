import type { QueryRunner } from 'typeorm';
import { Dialect } from '../dialect';
import { Counts, KINDS, Kind, emptyCounts, withTotal } from './kinds';

/**
 * Temporary tables of ids on the purge's own connection: the selection never leaves the database,
 * so memory does not grow with the number of rows. Each table is `(id INTEGER PRIMARY KEY)`.
 *
 * MySQL cannot open one TEMPORARY table twice in a statement, so every statement built here names
 * each temporary table at most once (the target of an INSERT counts).
 */
export class Workspace {
  private readonly created: string[] = [];

  constructor(
    readonly runner: QueryRunner,
    readonly dialect: Dialect,
    private readonly prefix = 'wdm_purge_',
  ) {}

  get backend(): Dialect['backend'] {
    return this.dialect.backend;
  }

  q(identifier: string): string {
    return this.dialect.quote(identifier);
  }

  /** Runs one statement; `params` use the dialect's placeholders, numbered from 1. */
  async run<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
    return (await this.runner.query(sql, params)) as T;
  }

  /** A new, empty temporary id table. */
  async create(name: string): Promise<string> {
    // A fresh connection has no temporary tables, and dispose() drops ours: no DROP IF EXISTS round trip.
    const table = this.q(this.prefix + name);
    const column = this.backend === 'mysql' ? 'id INT NOT NULL PRIMARY KEY' : 'id INTEGER PRIMARY KEY';
    await this.run(`CREATE TEMPORARY TABLE ${table} (${column})`);
    this.created.push(table);
    return table;
  }

  /** One temporary table per kind, named `<name>_<kind>`. */
  async createSet(name: string): Promise<Record<Kind, string>> {
    const set = {} as Record<Kind, string>;
    for (const kind of KINDS) set[kind] = await this.create(`${name}_${kind}`);
    return set;
  }

  /** Adds the ids `select` returns to `table`, ignoring those already there. */
  async insertIgnore(table: string, select: string, params: unknown[] = []): Promise<void> {
    switch (this.backend) {
      case 'postgres':
        await this.run(`INSERT INTO ${table} (id) ${select} ON CONFLICT DO NOTHING`, params);
        return;
      case 'mysql':
        await this.run(`INSERT IGNORE INTO ${table} (id) ${select}`, params);
        return;
      case 'sqlite':
        await this.run(`INSERT OR IGNORE INTO ${table} (id) ${select}`, params);
        return;
    }
  }

  async count(table: string): Promise<number> {
    const rows = await this.run<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  }

  async counts(set: Record<Kind, string>): Promise<Counts> {
    const out = emptyCounts();
    for (const kind of KINDS) out[kind] = await this.count(set[kind]);
    return withTotal(out);
  }

  /** Drops every table this workspace made; errors are ignored (the connection may be gone). */
  async dispose(): Promise<void> {
    for (const table of this.created.splice(0)) {
      await this.run(`DROP ${this.backend === 'mysql' ? 'TEMPORARY ' : ''}TABLE IF EXISTS ${table}`).catch(() => undefined);
    }
  }
}
