import { Classified, summarizeLocks } from '../sql/classify';
import type { StatementReader } from '../sql/reader';
import type { RowEstimate } from './estimate-rows';
import type { RecordedStatement, RecordedStep } from '../runtime/record';
import type { PlanStatement, PlanStep } from './types';

/** Each recorded statement classified, in the order the run sends them. */
export interface ClassifiedStep {
  recorded: RecordedStep;
  statements: { sql: string; classified: Classified; newTable: boolean; eachRange?: true }[];
}

/**
 * Every statement with what its reading (made as it was recorded, in run order) says, and which
 * tables the plan itself creates before a statement reaches them: those are empty then (0 rows,
 * nothing to read), whatever the database holds now under that name.
 */
export function classifySteps(read: ReadonlyMap<RecordedStatement, Classified>, steps: RecordedStep[]): ClassifiedStep[] {
  const created = new Set<string>();
  return steps.map((recorded) => ({
    recorded,
    statements: recorded.statements.map((s) => {
      const classified = { ...read.get(s)! };
      if (s.version && classified.kind !== 'transaction' && classified.kind !== 'session') {
        // One row of Alembic's bookkeeping, found by its key: nothing to read, nothing to say.
        classified.kind = 'version';
        classified.scan = false;
        classified.note = undefined;
      }
      const newTable = classified.table !== null && created.has(classified.table);
      if (s.runLock) {
        classified.kind = 'run_lock';
        classified.note = s.runLock.note;
      }
      if (s.refused) {
        // Refused before it touches the table: the next form follows.
        classified.kind = 'refused';
        classified.rewrite = classified.scan = false;
        classified.locks = [];
        classified.lock = 'none (refused)';
        classified.algorithm = classified.lock_level = undefined;
        classified.note = `${classified.refused}: nothing is changed, the next form follows`;
        return { sql: s.sql, classified, newTable };
      }
      const effect = classified.effect;
      if (effect?.created) created.add(effect.created);
      if (effect?.dropped) created.delete(effect.dropped);
      if (effect?.renamed) {
        const wasNew = created.delete(effect.renamed.from);
        // A renamed live table carries its rows; the plan's estimate is keyed by the old name.
        if (wasNew) created.add(effect.renamed.to);
      }
      return { sql: s.sql, classified, newTable: newTable || Boolean(effect?.created), ...(s.eachRange ? { eachRange: s.eachRange } : {}) };
    }),
  }));
}

/** The recorded statements read in run order, once each (for a recording made without its answers). */
export function readInOrder(reader: StatementReader, steps: RecordedStep[]): Map<RecordedStatement, Classified> {
  const read = new Map<RecordedStatement, Classified>();
  for (const step of steps) for (const s of step.statements) read.set(s, reader.read(s));
  return read;
}

/** The tables whose rows are worth estimating: those statements work on that the plan did not create. */
export function tablesToEstimate(steps: ClassifiedStep[]): string[] {
  const names = new Set<string>();
  for (const step of steps) for (const s of step.statements) if (s.classified.table && !s.newTable) names.add(s.classified.table);
  return [...names];
}

export function planSteps(steps: ClassifiedStep[], rows: Map<string, RowEstimate>): PlanStep[] {
  return steps.map(({ recorded, statements }) => ({
    revision: recorded.step.revision.id,
    message: recorded.step.revision.message,
    statements: statements.map(({ sql, classified: c, newTable, eachRange }) => {
      const estimate: RowEstimate = c.table === null ? { rows: null, source: null } : newTable ? { rows: 0, source: 'new' } : (rows.get(c.table) ?? { rows: null, source: null });
      const statement: PlanStatement = {
        sql,
        table: c.table,
        lock: c.lock ?? summarizeLocks(c.locks),
        rewrite: c.rewrite,
        // A table the plan has just created is empty: there is nothing to read.
        scan: newTable ? false : c.scan,
        rows: estimate.rows,
        kind: c.kind,
        locks: c.locks,
        rows_source: estimate.source,
      };
      if (c.algorithm) statement.algorithm = c.algorithm;
      if (c.lock_level) statement.lock_level = c.lock_level;
      if (eachRange) {
        statement.each_range = true;
        statement.note = [EACH_RANGE_NOTE, c.note].filter(Boolean).join('; ');
      } else if (c.note) statement.note = c.note;
      return statement;
    }),
  }));
}

const EACH_RANGE_NOTE =
  'sent once per range of keys (10,000, fewer on a Galera cluster), each committed on its own, the placeholders standing for the range\'s first and last key; none where no row needs it';
