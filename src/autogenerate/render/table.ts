import { AddTable, DropTable } from '../../operations';
import { TableModel } from '../../schema/model';
import { Rendered } from './rendered';
import { columnExpr, foreignKeyExpr, namedColumns, str, strList } from './source';

/**
 * `queryRunner.createTable(table(backend, {...}))`, laid out as the shipped revisions lay it out. The
 * kit's table() names the keys as each server would; unique indexes, which table() does not take,
 * follow as createIndex calls.
 */
export function renderAddTable(op: AddTable): Rendered {
  const t = op.definition;
  const uses = ['table', 'backendOf', 'column', 'sa'];
  const lines = [
    'await queryRunner.createTable(',
    '  table(backendOf(queryRunner), {',
    `    name: ${str(t.name)},`,
    '    columns: [',
    ...t.columns.map((c) => `      ${columnExpr(c, t.primaryKey.columns.includes(c.name))},`),
    '    ],',
    `    primaryKey: ${strList(t.primaryKey.columns)},`,
  ];
  if (t.uniques.length > 0) {
    lines.push(`    uniques: [${t.uniques.map((u) => namedColumns(u.name ?? uniqueName(t, u.columns), u.columns)).join(', ')}],`);
  }
  if (t.foreignKeys.length > 0) lines.push(`    foreignKeys: [${t.foreignKeys.map(foreignKeyExpr).join(', ')}],`);
  const plain = t.indexes.filter((i) => !i.unique);
  if (plain.length > 0) lines.push(`    indexes: [${plain.map((i) => namedColumns(i.name, i.columns)).join(', ')}],`);
  lines.push('  }),', ');');
  for (const index of t.indexes.filter((i) => i.unique)) {
    lines.push(`await createIndex(queryRunner, ${str(t.name)}, ${namedColumns(index.name, index.columns, ', unique: true')});`);
    uses.push('createIndex');
  }
  return { lines, uses };
}

export function renderDropTable(op: DropTable): Rendered {
  return { lines: [`await queryRunner.dropTable(${str(op.table)});`], uses: [] };
}

/** SQLite keeps no names for some unique constraints; Watcher's convention names them. */
function uniqueName(table: TableModel, columns: string[]): string {
  return `uniq_${table.name}0${columns.join('0')}`;
}
