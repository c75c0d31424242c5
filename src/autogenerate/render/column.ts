import { AddColumn, AlterColumnNullability, AlterColumnType, DropColumn, RenameColumn } from '../../operations';
import { Rendered } from './rendered';
import { columnExpr, saType, str } from './source';

export function renderAddColumn(op: AddColumn): Rendered {
  return { lines: [`await addColumn(queryRunner, ${str(op.table)}, ${columnExpr(op.column)});`], uses: ['addColumn', 'column', 'sa'] };
}

export function renderDropColumn(op: DropColumn): Rendered {
  return { lines: [`await dropColumn(queryRunner, ${str(op.table)}, ${str(op.column.name)});`], uses: ['dropColumn'] };
}

export function renderRenameColumn(op: RenameColumn): Rendered {
  return { lines: [`await renameColumn(queryRunner, ${str(op.table)}, ${str(op.from)}, ${str(op.to)});`], uses: ['renameColumn'] };
}

export function renderAlterColumnType(op: AlterColumnType): Rendered {
  const types = `{ from: ${saType(op.from)}, to: ${saType(op.to)}, nullable: ${op.nullable} }`;
  return { lines: [`await alterColumnType(queryRunner, ${str(op.table)}, ${str(op.column)}, ${types});`], uses: ['alterColumnType', 'sa'] };
}

export function renderAlterColumnNullability(op: AlterColumnNullability): Rendered {
  return {
    lines: [`await alterColumnNullability(queryRunner, ${str(op.table)}, ${str(op.column)}, ${saType(op.type)}, ${op.nullable});`],
    uses: ['alterColumnNullability', 'sa'],
  };
}
