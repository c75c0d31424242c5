import fs from 'node:fs';
import path from 'node:path';
import { reverseAll, SchemaOperation } from '../../operations';
import {
  renderAddColumn, renderAlterColumnDefault, renderAlterColumnNullability, renderAlterColumnType, renderDropColumn, renderRenameColumn,
} from './column';
import {
  renderAddForeignKey, renderAddIndex, renderAddUnique, renderDropForeignKey, renderDropIndex, renderDropUnique,
} from './constraint';
import type { Annotation } from '../annotation';
import { Rendered } from './rendered';
import { renderAddTable, renderDropTable } from './table';

/** The bodies of `up` and `down` and the import line they need, for write-revision.ts. */
export interface RenderedRevision {
  up: string[];
  down: string[];
  imports: string[];
}

/** One renderer per kind of operation. */
function render(op: SchemaOperation): Rendered {
  switch (op.kind) {
    case 'add_table':
      return renderAddTable(op);
    case 'drop_table':
      return renderDropTable(op);
    case 'add_column':
      return renderAddColumn(op);
    case 'drop_column':
      return renderDropColumn(op);
    case 'rename_column':
      return renderRenameColumn(op);
    case 'alter_column_type':
      return renderAlterColumnType(op);
    case 'alter_column_nullability':
      return renderAlterColumnNullability(op);
    case 'alter_column_default':
      return renderAlterColumnDefault(op);
    case 'add_unique':
      return renderAddUnique(op);
    case 'drop_unique':
      return renderDropUnique(op);
    case 'add_index':
      return renderAddIndex(op);
    case 'drop_index':
      return renderDropIndex(op);
    case 'add_foreign_key':
      return renderAddForeignKey(op);
    case 'drop_foreign_key':
      return renderDropForeignKey(op);
  }
}

const INDENT = '    ';

/**
 * `up` runs the operations, `down` their inverses in reverse order; each statement is preceded by a
 * comment saying what was detected (in `down`, what it undoes), under the annotations of that operation
 * (in `up`), with a blank line between operations.
 * The kit is imported by a path relative to `dir`, where the file is written.
 */
export function renderRevisionBody(ops: SchemaOperation[], dir: string, annotations: Annotation[] = []): RenderedRevision {
  const uses = new Set<string>();
  const body = (list: SchemaOperation[], comments: (op: SchemaOperation, i: number) => string[]): string[] =>
    list.flatMap((op, i) => {
      const r = render(op);
      r.uses.forEach((u) => uses.add(u));
      return [...(i > 0 ? [''] : []), ...comments(op, i).map((c) => `// ${c}`), ...r.lines].map((l) => (l === '' ? '' : INDENT + l));
    });
  // The annotations go in `up` only: they are about what the revision does to today's database.
  const up = body(ops, (op) => [...annotations.filter((a) => a.operation === op).map((a) => a.text), op.describe()]);
  const down = body(reverseAll(ops), (_op, i) => [`Undo: ${ops[ops.length - 1 - i].describe().replace(/^Detected /, '')}`]);
  const imports = uses.size > 0 ? [`import { ${[...uses].sort().join(', ')} } from '${kitImport(dir)}';`] : [];
  return { up, down, imports };
}

/** The kit (src/portable) as an import path from `dir`: the source tree when there is one. */
function kitImport(dir: string): string {
  const candidates = [
    path.resolve(__dirname, '..', '..', '..', '..', 'src', 'portable'), // running from dist/ in a checkout
    path.resolve(__dirname, '..', '..', 'portable'), // running from source, or an installed package
  ];
  const target = candidates.find((c) => fs.existsSync(path.join(c, 'index.ts'))) ?? candidates[1];
  let rel = path.relative(dir, target).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}
