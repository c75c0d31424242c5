import { AddTable, DropTable } from '../../operations';
import { createIndex, createTable, dropTable } from '../../portable';
import { TableModel } from '../../schema/model';
import { rendered, Rendered } from './rendered';
import { columnExpr, foreignKeyExpr, indexExpr, kitCall, namedColumns, str, strList } from './source';

/**
 * `await createTable(db, {...})`, laid out as the shipped revisions lay it out. The kit names the
 * keys as each server would; unique indexes, which createTable does not take, follow as createIndex
 * calls.
 */
export function renderAddTable(op: AddTable): Rendered {
  const t = op.definition;
  const columns = t.columns.map((c) => columnExpr(c, t.primaryKey.columns.includes(c.name)));
  const uses = [createTable.name, ...columns.flatMap((c) => c.uses)];
  const lines = [
    `await ${createTable.name}(db, {`,
    `  name: ${str(t.name).text},`,
    '  columns: [',
    ...columns.map((c) => `    ${c.text},`),
    '  ],',
    `  primaryKey: ${strList(t.primaryKey.columns).text},`,
  ];
  if (t.uniques.length > 0) {
    lines.push(`  uniques: [${t.uniques.map((u) => namedColumns(u.name ?? uniqueName(t, u.columns), u.columns).text).join(', ')}],`);
  }
  if (t.foreignKeys.length > 0) lines.push(`  foreignKeys: [${t.foreignKeys.map((fk) => foreignKeyExpr(fk).text).join(', ')}],`);
  const plain = t.indexes.filter((i) => !i.unique);
  if (plain.length > 0) lines.push(`  indexes: [${plain.map((i) => namedColumns(i.name, i.columns).text).join(', ')}],`);
  lines.push('});');
  for (const index of t.indexes.filter((i) => i.unique)) {
    const call = kitCall(createIndex, str(t.name), indexExpr(index.name, index.columns, true));
    lines.push(call.line);
    uses.push(...call.uses);
  }
  return { lines, uses };
}

export function renderDropTable(op: DropTable): Rendered {
  return rendered(kitCall(dropTable, str(op.table)));
}

/** SQLite keeps no names for some unique constraints; Watcher's convention names them. */
function uniqueName(table: TableModel, columns: string[]): string {
  return `uniq_${table.name}0${columns.join('0')}`;
}
