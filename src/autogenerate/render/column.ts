import { AddColumn, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn, RenameColumn } from '../../operations';
import { describeType } from '../../schema/model';
import { Rendered } from './rendered';
import { columnExpr, defaultExpr, saType, str } from './source';

/**
 * A NOT NULL column without a default needs a value for the rows the table already has, which only
 * the developer knows: the file says so in a TODO and names a placeholder that does not compile until
 * it is replaced, rather than a revision that fails at upgrade on every populated table (PostgreSQL,
 * SQLite) or quietly fills 0 and '' (MySQL).
 */
export function renderAddColumn(op: AddColumn): Rendered {
  const call = (fill: string) => `await addColumn(queryRunner, ${str(op.table)}, ${columnExpr(op.column)}${fill});`;
  if (op.column.nullable || op.column.default !== undefined) return { lines: [call('')], uses: ['addColumn', 'column', 'sa'] };
  const placeholder = fillPlaceholder(op.table, op.column.name);
  return {
    lines: [
      `// TODO: ${op.table}.${op.column.name} is NOT NULL without a default, so the rows ${op.table} already has need a value:`,
      `// put one (${describeType(op.column.type)}) in place of ${placeholder}, which does not compile until then.`,
      call(`, { fill: ${placeholder} }`),
    ],
    uses: ['addColumn', 'column', 'sa'],
  };
}

/** The name a developer must replace: an identifier nothing declares, so tsc stops at it. */
export function fillPlaceholder(table: string, column: string): string {
  return `TODO_FILL_${`${table}_${column}`.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function renderAlterColumnDefault(op: AlterColumnDefault): Rendered {
  const value = op.to === undefined ? 'null' : defaultExpr(op.to);
  return {
    lines: [`await alterColumnDefault(queryRunner, ${str(op.table)}, ${str(op.column)}, ${value});`],
    uses: ['alterColumnDefault', ...(op.to !== undefined && typeof op.to === 'object' ? ['sa'] : [])],
  };
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
