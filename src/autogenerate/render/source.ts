import { isSqlExpression, ServerDefault } from '../../schema/server-default';
import { ColumnModel, ColumnType } from '../../schema/model';

/*
 * TypeScript source fragments for generated revisions, written the way the shipped revisions are
 * (single quotes, `sa` types as upstream names them), so a generated file reads like a hand-written one.
 */

export function str(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

export function strList(items: string[]): string {
  return `[${items.map(str).join(', ')}]`;
}

/** The kit's `sa` expression for a type: `sa.String(36)`, `sa.Float(25)`, `sa.Integer`. */
export function saType(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
      return `sa.String(${type.length})`;
    case 'float':
      return type.precision === undefined ? 'sa.Float()' : `sa.Float(${type.precision})`;
    default:
      return `sa.${{ integer: 'Integer', text: 'Text', datetime: 'DateTime', boolean: 'Boolean', numeric: 'Numeric', binary: 'LargeBinary' }[type.kind]}`;
  }
}

/** A server default as the kit takes it: `0`, `'low'`, `true`, `sa.text('CURRENT_TIMESTAMP')`. */
export function defaultExpr(value: ServerDefault): string {
  if (isSqlExpression(value)) return `sa.text(${str(value.sql)})`;
  return typeof value === 'string' ? str(value) : String(value);
}

/**
 * `column('name', sa.String(63), { nullable: false, default: 0 })`; nullable and no default are the
 * kit's defaults and not written.
 */
export function columnExpr(column: ColumnModel, forceNotNull = false): string {
  const options = [
    ...(forceNotNull || !column.nullable ? ['nullable: false'] : []),
    ...(column.default === undefined ? [] : [`default: ${defaultExpr(column.default)}`]),
  ];
  return `column(${str(column.name)}, ${saType(column.type)}${options.length > 0 ? `, { ${options.join(', ')} }` : ''})`;
}

/** `{ name: 'x', columns: ['a', 'b'] }` */
export function namedColumns(name: string, columns: string[], extra = ''): string {
  return `{ name: ${str(name)}, columns: ${strList(columns)}${extra} }`;
}

/** `{ columns: ['goal_id'], references: ['goals.id'] }`, as the kit's ForeignKeyDef. */
export function foreignKeyExpr(fk: { columns: string[]; referencedTable: string; referencedColumns: string[] }): string {
  return `{ columns: ${strList(fk.columns)}, references: ${strList(fk.referencedColumns.map((c) => `${fk.referencedTable}.${c}`))} }`;
}
