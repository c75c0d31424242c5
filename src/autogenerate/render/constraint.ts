import { AddForeignKey, AddIndex, AddUnique, DropForeignKey, DropIndex, DropUnique } from '../../operations';
import { KeyModel } from '../../schema/model';
import { Rendered } from './rendered';
import { foreignKeyExpr, namedColumns, str, strList } from './source';

function uniqueExpr(unique: KeyModel): string {
  return unique.name ? namedColumns(unique.name, unique.columns) : `{ columns: ${strList(unique.columns)} }`;
}

export function renderAddUnique(op: AddUnique): Rendered {
  return { lines: [`await addUnique(queryRunner, ${str(op.table)}, ${uniqueExpr(op.unique)});`], uses: ['addUnique'] };
}

export function renderDropUnique(op: DropUnique): Rendered {
  return { lines: [`await dropUnique(queryRunner, ${str(op.table)}, ${uniqueExpr(op.unique)});`], uses: ['dropUnique'] };
}

export function renderAddIndex(op: AddIndex): Rendered {
  const def = namedColumns(op.index.name, op.index.columns, op.index.unique ? ', unique: true' : '');
  return { lines: [`await createIndex(queryRunner, ${str(op.table)}, ${def});`], uses: ['createIndex'] };
}

export function renderDropIndex(op: DropIndex): Rendered {
  return { lines: [`await dropIndex(queryRunner, ${str(op.table)}, ${str(op.index.name)});`], uses: ['dropIndex'] };
}

export function renderAddForeignKey(op: AddForeignKey): Rendered {
  return { lines: [`await addForeignKey(queryRunner, ${str(op.table)}, ${foreignKeyExpr(op.foreignKey)});`], uses: ['addForeignKey'] };
}

export function renderDropForeignKey(op: DropForeignKey): Rendered {
  return { lines: [`await dropForeignKey(queryRunner, ${str(op.table)}, ${foreignKeyExpr(op.foreignKey)});`], uses: ['dropForeignKey'] };
}
