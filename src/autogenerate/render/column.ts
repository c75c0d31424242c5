import { AddColumn, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn, RenameColumn } from '../../operations';
import { addColumn, alterColumnDefault, alterColumnNullability, alterColumnType, dropColumn, renameColumn } from '../../portable';
import type { AddColumnOptions } from '../../portable/add-column';
import { describeType } from '../../schema/model';
import type { ServerDefault } from '../../schema/server-default';
import { rendered, Rendered } from './rendered';
import { bool, columnExpr, defaultExpr, kitCall, NULL, object, placeholder, saType, str } from './source';

/**
 * A NOT NULL column without a default needs a value for the rows the table already has, which only
 * the developer knows: the file says so in a TODO and names a placeholder that does not compile until
 * it is replaced, rather than a revision that fails at upgrade on every populated table (PostgreSQL,
 * SQLite) or quietly fills 0 and '' (MySQL).
 */
export function renderAddColumn(op: AddColumn): Rendered {
  const args = [str(op.table), columnExpr(op.column)] as const;
  if (op.column.nullable || op.column.default !== undefined) return rendered(kitCall(addColumn, ...args));
  const fill = fillPlaceholder(op.table, op.column.name);
  return rendered(kitCall(addColumn, ...args, object<AddColumnOptions>({ fill: placeholder<ServerDefault>(fill) })), [
    `// TODO: ${op.table}.${op.column.name} is NOT NULL without a default, so the rows ${op.table} already has need a value:`,
    `// put one (${describeType(op.column.type)}) in place of ${fill}, which does not compile until then.`,
  ]);
}

/** The name a developer must replace: an identifier nothing declares, so tsc stops at it. */
export function fillPlaceholder(table: string, column: string): string {
  return `TODO_FILL_${`${table}_${column}`.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function renderAlterColumnDefault(op: AlterColumnDefault): Rendered {
  return rendered(kitCall(alterColumnDefault, str(op.table), str(op.column), op.to === undefined ? NULL : defaultExpr(op.to)));
}

export function renderDropColumn(op: DropColumn): Rendered {
  return rendered(kitCall(dropColumn, str(op.table), str(op.name)));
}

export function renderRenameColumn(op: RenameColumn): Rendered {
  return rendered(kitCall(renameColumn, str(op.table), str(op.from), str(op.to)));
}

export function renderAlterColumnType(op: AlterColumnType): Rendered {
  const types = object({ from: saType(op.from), to: saType(op.to), nullable: bool(op.nullable) });
  return rendered(kitCall(alterColumnType, str(op.table), str(op.column), types));
}

export function renderAlterColumnNullability(op: AlterColumnNullability): Rendered {
  return rendered(kitCall(alterColumnNullability, str(op.table), str(op.column), saType(op.type), bool(op.nullable)));
}
