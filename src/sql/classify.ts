import type { Table } from 'typeorm';
import type { Backend } from '../dialect/backend';
import type { MysqlAlgorithm, MysqlLockLevel, StatementKind, TableLock } from './effects';
import { isWord, Token, tokenize } from './tokens';

/** One recorded statement, as the classifier gets it. */
export interface ClassifyInput {
  sql: string;
  tokens: Token[];
  /**
   * The schema as the offline run held it just before the statement: the same in-memory tables
   * TypeORM rendered the statement from, so an ALTER can be compared with the column it changes.
   */
  schema: ReadonlyMap<string, Table>;
  /** Sent by the version table (alembic_version), not by the revision. */
  version: boolean;
}

/** What a statement does, before rows are estimated. */
export interface Classified {
  kind: StatementKind;
  table: string | null;
  /** The statement's table first. */
  locks: TableLock[];
  /** Overrides the summary made from `locks` (MariaDB words its metadata locks itself). */
  lock?: string;
  rewrite: boolean;
  scan: boolean;
  algorithm?: MysqlAlgorithm;
  lock_level?: MysqlLockLevel;
  note?: string;
  /** MariaDB: why the server refuses the statement's ALGORITHM= or LOCK= (it then changes nothing). */
  refused?: string;
  /** How it changes the set of tables, for the statements after it. */
  effect?: {
    created?: string;
    dropped?: string;
    renamed?: { from: string; to: string };
    /** Columns of `table` the statement drops, with what they held (what a downgrade loses). */
    droppedColumns?: string[];
  };
}

/**
 * A classifier for one backend and one plan. It keeps what earlier statements of the plan changed
 * that the next ones depend on (a CHECK validated before SET NOT NULL, foreign_key_checks turned
 * off before ADD FOREIGN KEY), so statements must be given in the order they run.
 */
export interface Classifier {
  classify(input: ClassifyInput): Classified;
}

export function classifyInput(backend: Backend, sql: string, schema: ReadonlyMap<string, Table>, version: boolean): ClassifyInput {
  return { sql, tokens: tokenize(sql, backend), schema, version };
}

/** BEGIN / COMMIT and friends: not a table statement. */
export function transactionStatement(tokens: Token[]): Classified | undefined {
  const first = tokens[0];
  if (!isWord(first, 'BEGIN', 'COMMIT', 'START', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'END')) return undefined;
  const note =
    first.value === 'COMMIT' || first.value === 'END'
      ? 'ends the transaction: the locks taken so far are released'
      : first.value === 'BEGIN' || first.value === 'START'
        ? 'opens a new transaction for what follows'
        : undefined;
  return { kind: 'transaction', table: null, locks: [], rewrite: false, scan: false, note };
}

/** A statement the classifier does not recognise: shown, with no claim beyond that. */
export function unknownStatement(note = 'not recognised by the planner: no lock or cost is claimed'): Classified {
  return { kind: 'other', table: null, locks: [], rewrite: false, scan: false, note };
}

/** What an ALTER TABLE changes in the set of tables and columns: a new name, columns dropped. */
export function alterEffect(table: string, renamedTo: string | undefined, dropped: (string | undefined)[]): Classified['effect'] {
  const droppedColumns = dropped.filter((c): c is string => Boolean(c));
  if (!renamedTo && droppedColumns.length === 0) return undefined;
  return { ...(renamedTo ? { renamed: { from: table, to: renamedTo } } : {}), ...(droppedColumns.length ? { droppedColumns } : {}) };
}

/** `mode`, or `mode; other on t1, t2` when a statement locks more than its own table. */
export function summarizeLocks(locks: TableLock[]): string | null {
  if (locks.length === 0) return null;
  const [own, ...others] = locks;
  if (others.length === 0) return own.mode;
  const byMode = new Map<string, string[]>();
  for (const l of others) byMode.set(l.mode, [...(byMode.get(l.mode) ?? []), l.table]);
  const parts = [...byMode].map(([mode, tables]) => (mode === own.mode ? `also on ${tables.join(', ')}` : `${mode} on ${tables.join(', ')}`));
  return `${own.mode}; ${parts.join('; ')}`;
}

/** A column type reduced to a comparable form: base name and arguments. */
export interface ParsedType {
  base: string;
  args: number[];
}

/** Reads `varchar(36)`, `double precision`, `numeric(10, 2)`; `aliases` maps a backend's synonyms. */
export function parseType(text: string, aliases: Record<string, string>): ParsedType {
  const m = /^\s*([A-Za-z][A-Za-z0-9_ ]*?)\s*(?:\(([^)]*)\))?\s*$/.exec(text.trim());
  if (!m) return { base: text.trim().toLowerCase(), args: [] };
  const base = m[1].toLowerCase().replace(/\s+/g, ' ');
  const args = m[2] === undefined || m[2].trim() === '' ? [] : m[2].split(',').map((a) => Number(a.trim()));
  return { base: aliases[base] ?? base, args };
}

/** The type of a TypeORM column as DDL spells it (`varchar(36)`). */
export function columnTypeText(column: { type: string; length?: string; precision?: number | null; scale?: number | null }): string {
  if (column.length) return `${column.type}(${column.length})`;
  if (column.precision !== null && column.precision !== undefined) {
    return column.scale !== null && column.scale !== undefined ? `${column.type}(${column.precision},${column.scale})` : `${column.type}(${column.precision})`;
  }
  return column.type;
}
