import type { QueryRunner } from 'typeorm';
import { AddColumn, DropColumn, SchemaOperation } from '../operations';
import { backendOf } from '../portable/backend';
import type { Annotation, Annotator } from './annotation';
import { sameStoredType } from './stored-type';

/**
 * A column that goes while another of the same stored type comes, in the same table, is most often a
 * rename: generated as it is, the drop loses the column's data. Both operations get the same text,
 * which says how to generate the rename instead. Every such pair is named: which of several is the
 * rename only the developer knows.
 */
export const renameHints: Annotator = (runner: QueryRunner, operations: SchemaOperation[]): Annotation[] => {
  const backend = backendOf(runner);
  const drops = operations.filter((op): op is DropColumn => op.kind === 'drop_column');
  const adds = operations.filter((op): op is AddColumn => op.kind === 'add_column');
  const found: Annotation[] = [];
  for (const drop of drops) {
    for (const add of adds) {
      if (add.table !== drop.table || !drop.column || !sameStoredType(backend, drop.column.type, add.column.type)) continue;
      const text = renameHint(drop.table, drop.name, add.column.name);
      found.push({ operation: drop, text }, { operation: add, text });
    }
  }
  return found;
};

export function renameHint(table: string, from: string, to: string): string {
  return `'${table}.${from}' and '${table}.${to}' may be a rename: to keep the data, generate again with --rename ${table}.${from}=${to}`;
}
