import { AddForeignKey, AddIndex, AddUnique, DropForeignKey, DropIndex, DropUnique } from '../../operations';
import { addForeignKey, addUnique, createIndex, dropForeignKey, dropIndex, dropUnique } from '../../portable';
import { rendered, Rendered } from './rendered';
import { foreignKeyExpr, indexExpr, kitCall, str, uniqueExpr } from './source';

export function renderAddUnique(op: AddUnique): Rendered {
  return rendered(kitCall(addUnique, str(op.table), uniqueExpr(op.unique)));
}

export function renderDropUnique(op: DropUnique): Rendered {
  return rendered(kitCall(dropUnique, str(op.table), uniqueExpr(op.unique)));
}

export function renderAddIndex(op: AddIndex): Rendered {
  return rendered(kitCall(createIndex, str(op.table), indexExpr(op.index.name, op.index.columns, op.index.unique)));
}

export function renderDropIndex(op: DropIndex): Rendered {
  return rendered(kitCall(dropIndex, str(op.table), str(op.name)));
}

export function renderAddForeignKey(op: AddForeignKey): Rendered {
  return rendered(kitCall(addForeignKey, str(op.table), foreignKeyExpr(op.foreignKey)));
}

export function renderDropForeignKey(op: DropForeignKey): Rendered {
  return rendered(kitCall(dropForeignKey, str(op.table), foreignKeyExpr(op.foreignKey)));
}
