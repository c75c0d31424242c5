import type { MigrationContext } from '../../portable/context';
import { column, sa } from '../../portable';
import type { ColumnDef, ForeignKeyDef, IndexDef, NamedColumns, UniqueDef } from '../../portable';
import { isSqlExpression, ServerDefault } from '../../schema/server-default';
import { ColumnModel, ColumnType, KeyModel } from '../../schema/model';

/*
 * TypeScript source fragments for generated revisions, written the way the shipped revisions are
 * (single quotes, `sa` types as upstream names them), so a generated file reads like a hand-written one.
 *
 * A fragment is typed by the value it stands for (`Source<ColumnDef>` is the text of a ColumnDef),
 * and a call of the kit is rendered from the kit function itself (kitCall), so the compiler checks
 * each rendered call against the function's real parameters, and the import line names the
 * functions by their own names: a renamed kit function or a changed parameter breaks the build of
 * the renderer, not a developer's generated revision.
 */

/** The source text of a value of type T, with the kit names it uses. */
export interface Source<T> {
  readonly text: string;
  readonly uses: readonly string[];
  /** Never set: it only gives each Source<T> its T. */
  readonly valueType?: T;
}

function source<T>(text: string, uses: readonly string[] = []): Source<T> {
  return { text, uses };
}

/** The name under which the kit exports `value` (`nameOf({ sa })` is 'sa'), checked by the compiler. */
function nameOf(named: Record<string, unknown>): string {
  return Object.keys(named)[0];
}

const SA = nameOf({ sa });
const COLUMN = column.name;

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
type Sources<T extends unknown[]> = { [K in keyof T]: Source<T[K]> };

/** `await fn(db, ...args);`, a call of a kit function, with the names it needs imported. */
export function kitCall<F extends (db: MigrationContext, ...rest: never[]) => Promise<unknown>>(
  fn: F,
  ...args: Sources<Tail<Parameters<F>>>
): { line: string; uses: string[] } {
  const parts = args as unknown as Source<unknown>[];
  return {
    line: `await ${fn.name}(db, ${parts.map((a) => a.text).join(', ')});`,
    uses: [fn.name, ...parts.flatMap((a) => a.uses)],
  };
}

export function str(text: string): Source<string> {
  return source(`'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`);
}

export function strList(items: string[]): Source<string[]> {
  return source(`[${items.map((i) => str(i).text).join(', ')}]`);
}

export function bool(value: boolean): Source<boolean> {
  return source(String(value));
}

export const NULL: Source<null> = source('null');

/** `{ a: A, b: B }`, the fields in the order given. */
export function object<T>(fields: { [K in keyof T]-?: Source<T[K]> }): Source<T> {
  const entries = Object.entries(fields) as [string, Source<unknown>][];
  return source(`{ ${entries.map(([k, v]) => `${k}: ${v.text}`).join(', ')} }`, entries.flatMap(([, v]) => v.uses));
}

/** An identifier nothing declares, standing for a value the developer must write (it does not compile until then). */
export function placeholder<T>(name: string): Source<T> {
  return source(name);
}

/** The kit's `sa` expression for a type: `sa.String(36)`, `sa.Float(25)`, `sa.Integer`. */
export function saType(type: ColumnType): Source<ColumnType> {
  switch (type.kind) {
    case 'string':
      return source(`${SA}.String(${type.length})`, [SA]);
    case 'float':
      return source(type.precision === undefined ? `${SA}.Float()` : `${SA}.Float(${type.precision})`, [SA]);
    default:
      return source(`${SA}.${{ integer: 'Integer', text: 'Text', datetime: 'DateTime', boolean: 'Boolean', numeric: 'Numeric', binary: 'LargeBinary' }[type.kind]}`, [SA]);
  }
}

/** A server default as the kit takes it: `0`, `'low'`, `true`, `sa.text('CURRENT_TIMESTAMP')`. */
export function defaultExpr(value: ServerDefault): Source<ServerDefault> {
  if (isSqlExpression(value)) return source(`${SA}.text(${str(value.sql).text})`, [SA]);
  return typeof value === 'string' ? str(value) : source(String(value));
}

/**
 * `column('name', sa.String(63), { nullable: false, default: 0 })`; nullable and no default are the
 * kit's defaults and not written.
 */
export function columnExpr(model: ColumnModel, forceNotNull = false): Source<ColumnDef> {
  const value = model.default === undefined ? undefined : defaultExpr(model.default);
  const options = [...(forceNotNull || !model.nullable ? ['nullable: false'] : []), ...(value ? [`default: ${value.text}`] : [])];
  const type = saType(model.type);
  return source(`${COLUMN}(${str(model.name).text}, ${type.text}${options.length > 0 ? `, { ${options.join(', ')} }` : ''})`, [COLUMN, ...type.uses, ...(value?.uses ?? [])]);
}

/** `{ name: 'x', columns: ['a', 'b'] }` */
export function namedColumns(name: string, columns: string[]): Source<NamedColumns> {
  return source(`{ name: ${str(name).text}, columns: ${strList(columns).text} }`);
}

/** `{ name: 'ix', columns: ['a'] }`, with `unique: true` for a unique index. */
export function indexExpr(name: string, columns: string[], unique: boolean): Source<IndexDef> {
  return source(`{ name: ${str(name).text}, columns: ${strList(columns).text}${unique ? ', unique: true' : ''} }`);
}

/** A unique constraint, named or (as SQLite may keep it) not. */
export function uniqueExpr(unique: KeyModel): Source<UniqueDef> {
  return unique.name ? namedColumns(unique.name, unique.columns) : source(`{ columns: ${strList(unique.columns).text} }`);
}

/** `{ columns: ['goal_id'], references: ['goals.id'] }`, as the kit's ForeignKeyDef. */
export function foreignKeyExpr(fk: { columns: string[]; referencedTable: string; referencedColumns: string[] }): Source<ForeignKeyDef> {
  return source(`{ columns: ${strList(fk.columns).text}, references: ${strList(fk.referencedColumns.map((c) => `${fk.referencedTable}.${c}`)).text} }`);
}

export { SA };
