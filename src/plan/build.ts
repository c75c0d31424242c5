import type { Backend } from '../dialect/backend';
import { Classified, Classifier, classifyInput, summarizeLocks } from '../sql/classify';
import type { RowEstimate } from './estimate-rows';
import type { RecordedStep } from '../runtime/record';
import type { PlanStatement, PlanStep } from './types';

/** Each recorded statement classified, in the order the run sends them. */
export interface ClassifiedStep {
  recorded: RecordedStep;
  statements: { sql: string; classified: Classified; newTable: boolean }[];
}

/**
 * Classifies every statement in run order, and notes which tables the plan itself creates before
 * a statement reaches them: those are empty then (0 rows, nothing to read), whatever the database
 * holds now under that name.
 */
export function classifySteps(backend: Backend, classifier: Classifier, steps: RecordedStep[]): ClassifiedStep[] {
  const created = new Set<string>();
  return steps.map((recorded) => ({
    recorded,
    statements: recorded.statements.map((s) => {
      const classified = classifier.classify(classifyInput(backend, s.sql, s.schema, s.version));
      if (s.version && classified.kind !== 'transaction' && classified.kind !== 'session') {
        // One row of Alembic's bookkeeping, found by its key: nothing to read, nothing to say.
        classified.kind = 'version';
        classified.scan = false;
        classified.note = undefined;
      }
      const newTable = classified.table !== null && created.has(classified.table);
      const effect = classified.effect;
      if (effect?.created) created.add(effect.created);
      if (effect?.dropped) created.delete(effect.dropped);
      if (effect?.renamed) {
        const wasNew = created.delete(effect.renamed.from);
        // A renamed live table carries its rows; the plan's estimate is keyed by the old name.
        if (wasNew) created.add(effect.renamed.to);
      }
      return { sql: s.sql, classified, newTable: newTable || Boolean(effect?.created) };
    }),
  }));
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
    statements: statements.map(({ sql, classified: c, newTable }) => {
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
      if (c.note) statement.note = c.note;
      return statement;
    }),
  }));
}
