import type { QueryRunner } from 'typeorm';
import { Dialect } from '../dialect';
import type { TransactionControl } from '../portable/outside-transaction';
import { VERSION_TABLE } from './version-table';

/**
 * PostgreSQL rolls a revision back whole, except where one of its steps had to run outside the
 * revision's transaction (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, a batched data change):
 * what came before that step is committed, with alembic_version still at the previous revision. A
 * run killed there leaves part of the revision done, and its rerun, in a new process, would stop at
 * the first step it finds done ("column already exists").
 *
 * So before such a commit the revision leaves a note on alembic_version, as a table comment (which
 * the reference ignores, and which takes no schema change), naming itself; the final transaction of
 * the revision, the one that moves the version, removes it. A rerun that finds the note for the
 * revision it starts resumes it, skipping what is done, as MySQL's reruns do (resumable.ts).
 */
export class PartialRevisionNote {
  constructor(
    private readonly runner: QueryRunner,
    private readonly dialect: Dialect,
    /** False for a script: nobody resumes one. */
    private readonly options: { leavesNotes: boolean } = { leavesNotes: true },
  ) {}

  private get applies(): boolean {
    // Only where DDL is rolled back with the transaction may a revision commit part of itself (a
    // step outside its transaction), and only under a run lock (SQLite's revisions never leave it).
    return this.options.leavesNotes && this.dialect.transactionalDdl && this.dialect.hasRunLock;
  }

  private readonly prefix = 'watcher-db-manage: partly applied revision ';

  /** The revision now running, and whether the note on alembic_version names it. */
  private running: { id: string; noted: boolean } | undefined;

  /** A revision starts; `noted` when an interrupted run's note already names it. */
  starts(revision: string, noted: boolean): void {
    this.running = { id: revision, noted };
  }

  /** Whether the note names `revision` because this run left it (a retry of a revision that committed part of itself). */
  leftByThisRun(revision: string): boolean {
    return this.running?.id === revision && this.running.noted;
  }

  /**
   * The way out of the revision's transaction the runtime lends the kit, through `stepOut`: the note
   * is written first, so that the commit that ends the transaction commits it with what came before.
   */
  transactions(stepOut: <T>(work: () => Promise<T>) => Promise<T>): TransactionControl {
    return {
      outside: async (work) => {
        if (this.running && !this.running.noted) {
          await this.write(this.running.id);
          this.running.noted = true;
        }
        return stepOut(work);
      },
    };
  }

  /** The running revision's work is done: its last transaction removes the note, if it left one. */
  async finished(): Promise<void> {
    if (this.running?.noted) await this.clear();
  }

  /** The revision an interrupted run left partly applied, if any. */
  async read(): Promise<string | undefined> {
    if (!this.applies) return undefined;
    const [row] = (await this.runner.query('SELECT obj_description(to_regclass($1), $2) AS note', [VERSION_TABLE.name, 'pg_class'])) as { note: string | null }[];
    const note = row?.note ?? '';
    return note.startsWith(this.prefix) ? note.slice(this.prefix.length) : undefined;
  }

  async write(revision: string): Promise<void> {
    if (!this.applies) return;
    await this.runner.query(`COMMENT ON TABLE ${this.dialect.quote(VERSION_TABLE.name)} IS ${this.dialect.stringLiteral(this.prefix + revision)}`);
  }

  async clear(): Promise<void> {
    if (!this.applies) return;
    await this.runner.query(`COMMENT ON TABLE ${this.dialect.quote(VERSION_TABLE.name)} IS NULL`);
  }
}
