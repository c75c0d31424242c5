import type { MigrationContext } from '../portable/context';
import type { Step } from '../script/plan';
import type { PartialRevisionNote } from './partial-revision';
import type { VersionTable } from './version-table';

/**
 * One revision applied in the open transaction, the same way for a run and for the recording that
 * `--sql` and `--plan` make of it: the revision's statements, then the note it left if a step outside
 * its transaction committed part of it, then its version row. `noted`: an interrupted run's note
 * already names it, so that it resumes (what is done is skipped).
 */
export async function applyRevision(db: MigrationContext, step: Step, note: PartialRevisionNote, versions: Pick<VersionTable, 'apply'>, noted = false): Promise<void> {
  note.starts(step.revision.id, noted);
  db.committedPart = noted;
  await (step.direction === 'up' ? step.revision.up(db) : step.revision.down(db));
  await note.finished();
  await versions.apply(step.changes);
}
