import type { QueryRunner } from 'typeorm';
import { AlterColumnType, DropColumn, DropTable, SchemaOperation } from '../operations';
import { q } from '../operations/operation';
import { Backend, backendOf } from '../portable/backend';
import { ColumnType, describeType } from '../schema/model';
import type { Annotation, Annotator } from './annotation';
import { Dialect, dialectFor } from '../dialect';
import { storedType } from './stored-type';

/**
 * Data-loss warnings, as Prisma gives them: a generated revision that drops a table or a column that
 * holds data, or changes a column to a type that cannot hold all of its values, says so, with the
 * number of rows concerned. Nothing is said when no row would lose anything (an empty table, a column
 * that is NULL everywhere, a narrowing no stored value exceeds): a warning that is always there is a
 * warning nobody reads.
 *
 * Each warned-about operation costs one `SELECT COUNT(*)`: a plain read, which takes no lock beyond a
 * read's own (an MVCC snapshot on PostgreSQL and InnoDB, a shared read on SQLite), so generating a
 * revision against a live database never holds up its traffic. Operations that cannot lose data
 * (adds, widenings, key changes) cost no query at all.
 */
export const dataLossAnnotator: Annotator = async (runner, operations) => {
  const backend = backendOf(runner);
  const found: Annotation[] = [];
  for (const op of operations) {
    const text = await warningFor(runner, backend, asLive(operations, op));
    if (text) found.push({ operation: op, text });
  }
  return found;
};

/**
 * The operation with the column under the name the live database has for it: a type change that
 * follows a rename (--rename) names the new column, which the database has only once the revision ran.
 */
function asLive(operations: SchemaOperation[], op: SchemaOperation): SchemaOperation {
  if (op.kind !== 'alter_column_type') return op;
  const renamed = operations.find((o) => o.kind === 'rename_column' && o.table === op.table && o.to === op.column);
  return renamed?.kind === 'rename_column' ? new AlterColumnType(op.table, renamed.from, op.from, op.to, op.nullable) : op;
}

async function warningFor(runner: QueryRunner, backend: Backend, op: SchemaOperation): Promise<string | undefined> {
  switch (op.kind) {
    case 'drop_table':
      return dropTableWarning(runner, op);
    case 'drop_column':
      return dropColumnWarning(runner, op);
    case 'alter_column_type':
      return alterTypeWarning(runner, backend, op);
    default:
      return undefined;
  }
}

async function dropTableWarning(runner: QueryRunner, op: DropTable): Promise<string | undefined> {
  const n = await count(runner, op.table);
  return n > 0 ? `Data loss: dropping table ${q(op.table)} deletes its ${rows(n)}` : undefined;
}

async function dropColumnWarning(runner: QueryRunner, op: DropColumn): Promise<string | undefined> {
  const n = await count(runner, op.table, `${name(runner, op.name)} IS NOT NULL`);
  return n > 0 ? `Data loss: dropping column ${q(`${op.table}.${op.name}`)} deletes the non-NULL values of ${rows(n)}` : undefined;
}

async function alterTypeWarning(runner: QueryRunner, backend: Backend, op: AlterColumnType): Promise<string | undefined> {
  const loss = typeChangeLoss(backend, op.from, op.to);
  if (!loss) return undefined;
  const c = name(runner, op.column);
  const where = loss.counts === 'affected' ? `${c} IS NOT NULL AND (${loss.where(c, dialectFor(backend))})` : `${c} IS NOT NULL`;
  const n = await count(runner, op.table, where);
  if (n === 0) return undefined;
  const change = `changing ${q(`${op.table}.${op.column}`)} from ${describeType(op.from)} to ${describeType(op.to)}`;
  const which =
    loss.counts === 'affected'
      ? `${rows(n)} ${n === 1 ? 'holds a value' : 'hold values'} ${loss.what}`
      : `${rows(n)} ${n === 1 ? 'holds a value' : 'hold values'} that may not convert (all non-NULL values counted: which of them would change is not checked)`;
  return `Data loss: ${change}: ${which}`;
}

/**
 * What a change of stored type from `from` to `to` can lose, on `backend`:
 * - null: nothing (a widening: every value of `from` has an exact value in `to`);
 * - 'affected': exactly the rows matching `where` (the values that do not fit), which `what` words;
 * - 'non-null': some values may fail to convert or come out changed, and which ones cannot be told
 *   portably by one cheap predicate (text that may not parse as a number or a date, bytes that may
 *   not be characters, a double that may not survive as a single), so every non-NULL row counts.
 * The backend matters only where the same generic type stores differently (Float's precision,
 * MySQL's Numeric being decimal(10,0)), as stored-type.ts says.
 */
export function typeChangeLoss(backend: Backend, from: ColumnType, to: ColumnType): Loss | null {
  switch (to.kind) {
    case 'text':
      // Text holds the textual form of every type but bytes, which may not be valid characters.
      return from.kind === 'binary' ? NON_NULL : null;
    case 'string':
      return toStringLoss(from, to.length);
    case 'integer':
      if (from.kind === 'boolean') return null;
      if (from.kind === 'float' || from.kind === 'numeric') return NOT_WHOLE(2147483647, 'whole numbers of the Integer range');
      return NON_NULL;
    case 'boolean':
      if (from.kind === 'integer' || from.kind === 'float' || from.kind === 'numeric') {
        return { counts: 'affected', where: (c) => `${c} NOT IN (0, 1)`, what: 'other than 0 and 1' };
      }
      return NON_NULL;
    case 'numeric':
      if (from.kind === 'integer' || from.kind === 'boolean') return null;
      if (from.kind === 'float') {
        // MySQL's Numeric() is decimal(10,0): whole numbers of up to 10 digits. Elsewhere it has no
        // fixed scale and takes a float's value as it is.
        return isDecimal10(backend) ? NOT_WHOLE(9999999999, 'whole numbers of at most 10 digits') : null;
      }
      return NON_NULL;
    case 'float':
      return toFloatLoss(backend, from, storedType(backend, to));
    case 'datetime':
    case 'binary':
      return NON_NULL;
  }
}

function toStringLoss(from: ColumnType, length: number): Loss | null {
  const longer = (text: (c: string, sql: Sql) => string): Loss => ({
    counts: 'affected',
    where: (c, sql) => `${sql.charLength(text(c, sql))} > ${length}`,
    what: `longer than ${length} characters`,
  });
  switch (from.kind) {
    case 'string':
      return from.length <= length ? null : longer((c) => c);
    case 'text':
      return longer((c) => c);
    case 'binary':
      return NON_NULL;
    default: {
      // Numbers, dates and booleans become their textual form, which the same cast measures exactly;
      // no query is needed where the longest form fits: -2147483648, 'false', a timestamp with
      // microseconds ('2024-01-01 00:00:00.000000').
      const longest = LONGEST_TEXT[from.kind];
      if (longest !== undefined && longest <= length) return null;
      return longer((c, sql) => sql.castAsText(c));
    }
  }
}

const LONGEST_TEXT: Partial<Record<ColumnType['kind'], number>> = { integer: 11, boolean: 5, datetime: 26 };

function toFloatLoss(backend: Backend, from: ColumnType, target: string): Loss | null {
  const single = target === 'real' || target === 'float';
  switch (from.kind) {
    case 'boolean':
      return null;
    case 'integer':
      // A single-precision float holds every integer up to 2^24 exactly, a double every 32-bit one.
      return single
        ? { counts: 'affected', where: (c) => `ABS(${c}) > 16777216`, what: 'beyond ±16777216, which a single-precision float does not hold exactly' }
        : null;
    case 'float':
      // Only a change of storage gets here: double to single can round any value, single to double none.
      return single ? NON_NULL : null;
    case 'numeric':
      // MySQL's decimal(10,0) fits a double exactly; an unbounded numeric may not.
      return isDecimal10(backend) && !single ? null : NON_NULL;
    default:
      return NON_NULL;
  }
}

export type Loss = { counts: 'affected'; where: (column: string, sql: Sql) => string; what: string } | { counts: 'non-null' };

const NON_NULL: Loss = { counts: 'non-null' };

/** Values with a fractional part (rounded by the change) or beyond ±max (refused or clipped). */
function NOT_WHOLE(max: number, words: string): Loss {
  return { counts: 'affected', where: (c) => `${c} <> ROUND(${c}) OR ABS(${c}) > ${max}`, what: `outside the ${words}` };
}

/** The SQL spellings a loss query needs from the dialect. */
type Sql = Pick<Dialect, 'charLength' | 'castAsText'>;

/** Whether Numeric() is stored with a fixed scale of 0 and 10 digits (MySQL's decimal(10,0)). */
function isDecimal10(backend: Backend): boolean {
  return storedType(backend, { kind: 'numeric' }) === 'decimal(10,0)';
}

function name(runner: QueryRunner, identifier: string): string {
  return runner.connection.driver.escape(identifier);
}

/** One COUNT(*) of `table`'s rows (matching `where`); drivers give it as a number or a string. */
async function count(runner: QueryRunner, table: string, where?: string): Promise<number> {
  const sql = `SELECT COUNT(*) AS n FROM ${name(runner, table)}${where ? ` WHERE ${where}` : ''}`;
  const result = (await runner.query(sql)) as { n: number | string }[];
  return Number(result[0].n);
}

function rows(n: number): string {
  return n === 1 ? '1 row' : `${n} rows`;
}
