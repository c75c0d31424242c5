import type { ColumnRename } from '../autogenerate/renames';
import { UsageError } from '../errors';
import { Flags } from './oclif';

/** `--rename TABLE.OLD=NEW`, repeatable, for `revision --autogenerate`; read with parseRename. */
export const renameFlag = Flags.string({
  description: 'Column OLD of TABLE is NEW in the entities: rename it, keeping its data, instead of dropping OLD and adding NEW. Repeatable.',
  helpValue: 'TABLE.OLD=NEW',
  multiple: true,
  dependsOn: ['autogenerate'],
});

/** Names without dots, equal signs or blanks; NEW may repeat the table (`TABLE.OLD=TABLE.NEW`). */
const RENAME = /^([^.=\s]+)\.([^.=\s]+)=(?:\1\.)?([^.=\s]+)$/;

/**
 * One --rename value. Checked here rather than in the flag's own parse, whose errors oclif words as
 * "Parsing --rename ..." around ours; a usage error all the same (exit 2), before anything connects.
 */
export function parseRename(input: string): ColumnRename {
  const m = RENAME.exec(input);
  if (!m) throw new UsageError(`--rename takes TABLE.OLD=NEW, e.g. --rename goals.title=name (got ${JSON.stringify(input)})`);
  return { table: m[1], from: m[2], to: m[3] };
}
