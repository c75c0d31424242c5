import { AddColumn, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn, RenameColumn } from './column';
import { AddForeignKey, AddIndex, AddUnique, DropForeignKey, DropIndex, DropUnique } from './constraint';
import { AddTable, DropTable } from './table';

export type { Operation } from './operation';
export { AddTable, DropTable } from './table';
export { AddColumn, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn, RenameColumn } from './column';
export { AddForeignKey, AddIndex, AddUnique, DropForeignKey, DropIndex, DropUnique } from './constraint';

/** Every operation autogenerate can produce; renderers switch on `kind`. */
export type SchemaOperation =
  | AddTable
  | DropTable
  | AddColumn
  | DropColumn
  | RenameColumn
  | AlterColumnType
  | AlterColumnNullability
  | AlterColumnDefault
  | AddUnique
  | DropUnique
  | AddIndex
  | DropIndex
  | AddForeignKey
  | DropForeignKey;

/** What undoes `ops`: each one reversed, last first. */
export function reverseAll(ops: SchemaOperation[]): SchemaOperation[] {
  return [...ops].reverse().map((op) => op.reverse() as SchemaOperation);
}
