import type { Table } from 'typeorm';
import type { SqlExecutor } from '../connection/sql-executor';
import { alterEffect, Classified, Classifier, ClassifyInput, ParsedType, parseType, transactionStatement, unknownStatement } from './classify';
import { isPunct, isWord, nameAt, skipWords, splitTopLevel, startsWith, tablesRead, Token } from './tokens';
import type { MysqlAlgorithm, MysqlLockLevel, TableLock } from './effects';

/*
 * MariaDB 10.11 (InnoDB) per ALTER clause, as measured on the server: each clause tried with
 * ALGORITHM=INSTANT, then INPLACE with LOCK=NONE, then COPY; "rebuild" = the table's
 * information_schema.INNODB_SYS_TABLES.TABLE_ID changed (../shared/spec/online-ddl.md):
 * - INSTANT: ADD COLUMN (any position, NULL or with a default), DROP COLUMN (not indexed), a rename,
 *   a default, DROP FOREIGN KEY, ADD FOREIGN KEY with foreign_key_checks=0 (existing rows are then
 *   not checked; MariaDB 10.11 runs it INSTANT, test/online-ddl.test.ts), and widening a VARCHAR
 *   that stays on one side of 255 bytes (the length prefix grows to 2 bytes beyond that; utf8mb4
 *   counts 4 bytes a character).
 * - INPLACE, no rebuild, LOCK=NONE: ADD/DROP INDEX (UNIQUE too), DROP COLUMN of an indexed column.
 * - INPLACE with a rebuild, LOCK=NONE: NULL <-> NOT NULL, ADD/DROP PRIMARY KEY, and an instant
 *   clause combined with one that is not instant (ADD COLUMN x, ADD INDEX (x)).
 * - COPY (LOCK=SHARED: reads run, writes wait): any other type change (INT -> VARCHAR, INT -> BIGINT,
 *   TEXT -> MEDIUMTEXT, a VARCHAR narrowed or crossing 255 bytes), ADD CHECK, ADD FOREIGN KEY with
 *   foreign_key_checks=1 (writes to the referenced table wait as well).
 * Every ALTER takes the table's metadata lock exclusively for a moment, at the start and at the
 * end: behind a long transaction that has read the table, it waits, and so does everyone after it.
 */

const RANK: Record<MysqlAlgorithm, number> = { INSTANT: 0, INPLACE: 1, COPY: 2 };
const CHARSET_MAXLEN: Record<string, number> = { utf8mb4: 4, utf8mb3: 3, utf8: 3, latin1: 1, ascii: 1, binary: 1, ucs2: 2, utf16: 4, utf32: 4 };

const TYPE_ALIASES: Record<string, string> = {
  integer: 'int',
  bool: 'tinyint',
  boolean: 'tinyint',
  numeric: 'decimal',
  dec: 'decimal',
  'double precision': 'double',
  real: 'double',
  'character varying': 'varchar',
  character: 'char',
};
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);

/** A column as the server has it (or as a statement of the plan defines it). */
interface LiveColumn {
  type: ParsedType;
  nullable: boolean;
  /** Bytes per character of its character set; null for a column without one (numbers, dates). */
  maxlen: number | null;
}

/** What the live database tells about its columns, bytes per character, row formats and the session. */
export interface MysqlFacts {
  /** Bytes per character of the database's default character set. */
  defaultMaxlen: number;
  tables: Map<string, { rowFormat: string | null; maxlen: number | null; columns: Map<string, LiveColumn>; indexes: Map<string, string[]> }>;
  foreignKeyChecks: boolean;
}

export async function loadMysqlFacts(sql: SqlExecutor): Promise<MysqlFacts> {
  const [schema] = (await sql.query(
    `SELECT cs.MAXLEN AS maxlen FROM information_schema.SCHEMATA s
       JOIN information_schema.CHARACTER_SETS cs ON cs.CHARACTER_SET_NAME = s.DEFAULT_CHARACTER_SET_NAME
      WHERE s.SCHEMA_NAME = DATABASE()`,
  )) as { maxlen: number }[];
  const tables: MysqlFacts['tables'] = new Map();
  const tableRows = (await sql.query(
    `SELECT t.TABLE_NAME AS name, t.ROW_FORMAT AS row_format, cs.MAXLEN AS maxlen FROM information_schema.TABLES t
       LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = t.TABLE_COLLATION
       LEFT JOIN information_schema.CHARACTER_SETS cs ON cs.CHARACTER_SET_NAME = co.CHARACTER_SET_NAME
      WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'`,
  )) as { name: string; row_format: string | null; maxlen: number | null }[];
  for (const r of tableRows) tables.set(r.name, { rowFormat: r.row_format, maxlen: r.maxlen === null ? null : Number(r.maxlen), columns: new Map(), indexes: new Map() });
  const indexRows = (await sql.query(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, COLUMN_NAME AS column_name FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  )) as { table_name: string; name: string; column_name: string }[];
  for (const r of indexRows) {
    const indexes = tables.get(r.table_name)?.indexes;
    indexes?.set(r.name, [...(indexes.get(r.name) ?? []), r.column_name]);
  }
  const columnRows = (await sql.query(
    `SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS column_type, c.IS_NULLABLE AS nullable, cs.MAXLEN AS maxlen
       FROM information_schema.COLUMNS c LEFT JOIN information_schema.CHARACTER_SETS cs ON cs.CHARACTER_SET_NAME = c.CHARACTER_SET_NAME
      WHERE c.TABLE_SCHEMA = DATABASE()`,
  )) as { table_name: string; name: string; column_type: string; nullable: string; maxlen: number | null }[];
  for (const r of columnRows) {
    tables.get(r.table_name)?.columns.set(r.name, {
      type: normalize(parseType(String(r.column_type), TYPE_ALIASES)),
      nullable: r.nullable === 'YES',
      maxlen: r.maxlen === null ? null : Number(r.maxlen),
    });
  }
  const [session] = (await sql.query('SELECT @@foreign_key_checks AS fkc')) as { fkc: number | string }[];
  return { defaultMaxlen: Number(schema?.maxlen ?? 4), tables, foreignKeyChecks: Number(session?.fkc ?? 1) === 1 };
}

interface Clause {
  algorithm: MysqlAlgorithm;
  rebuild: boolean;
  scan: boolean;
  /** An instant column change, which becomes a rebuild when combined with a clause that is not instant. */
  instantColumn?: boolean;
  /** The least concurrency the clause allows (FULLTEXT needs SHARED). */
  minLock?: MysqlLockLevel;
  others?: TableLock[];
  note?: string;
  /** An ALGORITHM= / LOCK= clause: how to run the others, no work of its own. */
  option?: boolean;
  requestedAlgorithm?: string;
  requestedLock?: string;
  renamedTo?: string;
  droppedColumn?: string;
}

/** A column definition as written after the column name in ADD / MODIFY / CHANGE. */
interface ColumnDefinition {
  type: ParsedType;
  nullable: boolean;
  charset?: string;
  autoIncrement: boolean;
  primaryKey: boolean;
  unique: boolean;
  stored: boolean;
}

const SHARED_NO_WRITE = 'shared no-write metadata lock';

export class MysqlClassifier implements Classifier {
  private foreignKeyChecks: boolean;
  /**
   * Each table's columns as the server has them, then as the plan's statements change them. The
   * offline runner's tables are not enough here: TypeORM's changeColumn keeps the old type in them.
   */
  private columns = new Map<string, Map<string, LiveColumn>>();
  /** Each table's indexes (name -> columns; the primary key is PRIMARY), tracked the same way. */
  private indexes = new Map<string, Map<string, string[]>>();

  constructor(private readonly facts: MysqlFacts) {
    this.foreignKeyChecks = facts.foreignKeyChecks;
    for (const [table, f] of facts.tables) {
      this.columns.set(table, new Map(f.columns));
      this.indexes.set(table, new Map(f.indexes));
    }
  }

  private tableIndexes(table: string): Map<string, string[]> {
    let indexes = this.indexes.get(table);
    if (!indexes) this.indexes.set(table, (indexes = new Map()));
    return indexes;
  }

  /** A statement the server refuses changes nothing: what its reading changed is put back. */
  classify(input: ClassifyInput): Classified {
    const before = { columns: structuredClone(this.columns), indexes: structuredClone(this.indexes) };
    const classified = this.read(input);
    if (classified.refused !== undefined) Object.assign(this, before);
    return classified;
  }

  private read(input: ClassifyInput): Classified {
    const t = input.tokens;
    const tx = transactionStatement(t);
    if (tx) return tx;
    if (isWord(t[0], 'SET')) return this.set(t);
    if (startsWith(t, ['CREATE', 'TABLE'])) {
      const table = nameAt(t, skipWords(t, 2, ['IF', 'NOT', 'EXISTS']))?.name;
      if (!table) return unknownStatement();
      this.columns.set(table, this.columnsOfCreate(t, table));
      this.indexes.set(table, indexesOfCreate(t));
      const mode = 'exclusive metadata lock (new table)';
      return { kind: 'ddl', table, locks: [{ table, mode }], lock: mode, rewrite: false, scan: false, effect: { created: table } };
    }
    if (startsWith(t, ['DROP', 'TABLE'])) {
      const table = nameAt(t, skipWords(t, 2, ['IF', 'EXISTS']))?.name;
      if (!table) return unknownStatement();
      this.columns.delete(table);
      this.indexes.delete(table);
      const mode = 'exclusive metadata lock';
      return { kind: 'ddl', table, locks: [{ table, mode }], lock: mode, rewrite: false, scan: false, effect: { dropped: table } };
    }
    if (startsWith(t, ['RENAME', 'TABLE'])) {
      const from = nameAt(t, 2);
      const to = from && isWord(t[from.next], 'TO') ? nameAt(t, from.next + 1) : undefined;
      if (!from || !to) return unknownStatement();
      this.renameTable(from.name, to.name);
      const mode = 'exclusive metadata lock (brief)';
      return { kind: 'ddl', table: from.name, locks: [{ table: from.name, mode }], lock: mode, rewrite: false, scan: false, effect: { renamed: { from: from.name, to: to.name } } };
    }
    if (isWord(t[0], 'CREATE') && (isWord(t[1], 'INDEX') || isWord(t[2], 'INDEX'))) return this.createIndex(t);
    if (startsWith(t, ['DROP', 'INDEX'])) return this.dropIndex(t);
    if (isWord(t[0], 'ALTER')) return this.alterTable(t, input.schema);
    if (isWord(t[0], 'UPDATE', 'DELETE', 'INSERT', 'REPLACE')) return this.dataChange(t);
    return unknownStatement();
  }

  private set(t: Token[]): Classified {
    // `SET [SESSION] foreign_key_checks = 0`: an ADD FOREIGN KEY after it is INPLACE and checks nothing.
    const at = skipWords(t, 1, ['SESSION'], ['LOCAL']);
    const name = t[at]?.value.toLowerCase().replace(/^@@(session\.)?/, '');
    if (name === 'foreign_key_checks' && isPunct(t[at + 1], '=')) {
      const v = t[at + 2]?.value.toUpperCase();
      this.foreignKeyChecks = !(v === '0' || v === 'OFF' || v === 'FALSE');
    }
    return { kind: 'session', table: null, locks: [], rewrite: false, scan: false };
  }

  private createIndex(t: Token[]): Classified {
    const on = t.findIndex((x) => isWord(x, 'ON'));
    const table = on > 0 ? nameAt(t, on + 1) : undefined;
    if (!table) return unknownStatement();
    const kind = isWord(t[1], 'INDEX') ? 'INDEX' : t[1].value;
    const name = nameAt(t, isWord(t[1], 'INDEX') ? 2 : 3)?.name;
    if (name) this.tableIndexes(table.name).set(name, columnList(t, table.next));
    const clause = this.addIndexClause(kind);
    // CREATE INDEX ... ALGORITHM=x LOCK=y: the options follow the column list.
    const options = optionsIn(t.slice(table.next));
    return this.alterResult(table.name, [clause, optionClause(options)]);
  }

  private dropIndex(t: Token[]): Classified {
    const index = nameAt(t, skipWords(t, 2, ['IF', 'EXISTS']));
    const table = index && isWord(t[index.next], 'ON') ? nameAt(t, index.next + 1) : undefined;
    if (!index || !table) return unknownStatement();
    this.tableIndexes(table.name).delete(index.name);
    const options = optionsIn(t.slice(table.next));
    return this.alterResult(table.name, [{ algorithm: 'INPLACE', rebuild: false, scan: false }, optionClause(options)]);
  }

  private alterTable(t: Token[], schema: ReadonlyMap<string, Table>): Classified {
    const tableAt = t.findIndex((x) => isWord(x, 'TABLE'));
    if (tableAt < 0) return unknownStatement();
    const named = nameAt(t, skipWords(t, tableAt + 1, ['IF', 'EXISTS']));
    if (!named) return unknownStatement();
    const table = named.name;
    const clauses = splitTopLevel(t.slice(named.next)).map((c) => this.alterClause(c, table, schema));
    return this.alterResult(table, clauses);
  }

  /** One ALTER's clauses together, with its ALGORITHM= and LOCK= options, as the server will run it. */
  private alterResult(table: string, clauses: Clause[]): Classified {
    const work = clauses.filter((c) => !c.option);
    const requestedAlgorithm = clauses.map((c) => c.requestedAlgorithm).find((v) => v !== undefined && v !== 'DEFAULT');
    const requestedLock = clauses.map((c) => c.requestedLock).find((v) => v !== undefined && v !== 'DEFAULT');
    let algorithm = work.map((c) => c.algorithm).reduce<MysqlAlgorithm>((a, b) => (RANK[a] >= RANK[b] ? a : b), 'INSTANT');
    let rebuild = algorithm === 'COPY' || work.some((c) => c.rebuild) || (algorithm !== 'INSTANT' && work.some((c) => c.instantColumn));
    const notes = work.map((c) => c.note).filter((n): n is string => Boolean(n));
    const refusals: string[] = [];
    if (requestedAlgorithm === 'COPY') {
      algorithm = 'COPY';
      rebuild = true;
    } else if (requestedAlgorithm) {
      // INPLACE allows INSTANT too, NOCOPY allows INPLACE without a rebuild; anything beyond what
      // was asked for makes the server refuse the statement.
      const refused =
        (requestedAlgorithm === 'INSTANT' && algorithm !== 'INSTANT') ||
        (requestedAlgorithm === 'NOCOPY' && (algorithm === 'COPY' || rebuild)) ||
        (requestedAlgorithm === 'INPLACE' && algorithm === 'COPY');
      if (refused) refusals.push(`the server refuses ALGORITHM=${requestedAlgorithm}: this change needs ${algorithm}${rebuild && algorithm !== 'COPY' ? ' with a rebuild' : ''}`);
    }
    const least: MysqlLockLevel = algorithm === 'COPY' || work.some((c) => c.minLock === 'SHARED') ? 'SHARED' : 'NONE';
    let lockLevel: MysqlLockLevel = least;
    if (requestedLock) {
      if (requestedLock === 'NONE' && least !== 'NONE') refusals.push(`the server refuses LOCK=NONE: this change needs LOCK=${least}`);
      else lockLevel = requestedLock as MysqlLockLevel;
    }
    const mode =
      lockLevel === 'EXCLUSIVE'
        ? 'exclusive metadata lock throughout'
        : algorithm === 'INSTANT'
          ? 'exclusive metadata lock (brief)'
          : lockLevel === 'SHARED'
            ? `${SHARED_NO_WRITE} (reads run, writes wait), exclusive at the end`
            : 'shared upgradable metadata lock, exclusive (brief) at start and end';
    const others: TableLock[] = [];
    for (const c of work) for (const o of c.others ?? []) if (o.table !== table && !others.some((x) => x.table === o.table)) others.push(o);
    const lock = [`${mode}, LOCK=${lockLevel}`, ...others.map((o) => `${o.mode} on ${o.table}`)].join('; ');
    const renamedTo = work.find((c) => c.renamedTo)?.renamedTo;
    if (renamedTo) this.renameTable(table, renamedTo);
    return {
      kind: 'ddl',
      table,
      locks: [{ table, mode }, ...others],
      lock,
      rewrite: rebuild,
      scan: rebuild || work.some((c) => c.scan),
      algorithm,
      lock_level: lockLevel,
      note: [...refusals, ...notes].join('; ') || undefined,
      ...(refusals.length ? { refused: refusals.join('; ') } : {}),
      effect: alterEffect(table, renamedTo, work.map((c) => c.droppedColumn)),
    };
  }

  private addIndexClause(kind: string): Clause {
    if (kind === 'FULLTEXT' || kind === 'SPATIAL') return { algorithm: 'INPLACE', rebuild: kind === 'FULLTEXT', scan: true, minLock: 'SHARED' };
    return { algorithm: 'INPLACE', rebuild: false, scan: true, note: 'builds the index: reads the table, writes run' };
  }

  private alterClause(c: Token[], table: string, schema: ReadonlyMap<string, Table>): Clause {
    if (isWord(c[0], 'ALGORITHM', 'LOCK')) return optionClause(optionsIn(c));
    const current = schema.get(table);
    if (isWord(c[0], 'ADD')) {
      let at = 1;
      let constraintName: string | undefined;
      if (isWord(c[at], 'CONSTRAINT')) {
        const named = isWord(c[at + 1], 'UNIQUE', 'PRIMARY', 'FOREIGN', 'CHECK') ? undefined : nameAt(c, at + 1);
        constraintName = named?.name;
        at = named?.next ?? at + 1;
      }
      if (isWord(c[at], 'PRIMARY', 'UNIQUE', 'INDEX', 'KEY', 'FULLTEXT', 'SPATIAL', 'FOREIGN')) this.trackIndex(table, c, at, constraintName);
      if (isWord(c[at], 'PRIMARY')) return { algorithm: 'INPLACE', rebuild: true, scan: true };
      if (isWord(c[at], 'UNIQUE', 'INDEX', 'KEY')) return this.addIndexClause('INDEX');
      if (isWord(c[at], 'FULLTEXT', 'SPATIAL')) return this.addIndexClause(c[at].value);
      if (isWord(c[at], 'FOREIGN')) return this.addForeignKey(c, at);
      if (isWord(c[at], 'CHECK')) return { algorithm: 'COPY', rebuild: true, scan: true };
      const column = nameAt(c, skipWords(c, skipWords(c, at, ['COLUMN']), ['IF', 'NOT', 'EXISTS']));
      if (!column) return unknownClause();
      const def = columnDefinition(c, column.next);
      this.tableColumns(table).set(column.name, this.liveColumn(table, def));
      if (def.autoIncrement || def.stored) return { algorithm: 'COPY', rebuild: true, scan: true };
      if (def.primaryKey) return { algorithm: 'INPLACE', rebuild: true, scan: true };
      if (def.unique) return { algorithm: 'INPLACE', rebuild: true, scan: true, instantColumn: true };
      return { algorithm: 'INSTANT', rebuild: false, scan: false, instantColumn: true };
    }
    if (isWord(c[0], 'DROP')) {
      if (startsWith(c, ['FOREIGN', 'KEY'], 1) || isWord(c[1], 'CHECK')) return { algorithm: 'INSTANT', rebuild: false, scan: false };
      if (startsWith(c, ['PRIMARY', 'KEY'], 1)) {
        this.tableIndexes(table).delete('PRIMARY');
        return { algorithm: 'COPY', rebuild: true, scan: true };
      }
      if (isWord(c[1], 'INDEX', 'KEY')) {
        const name = nameAt(c, skipWords(c, 2, ['IF', 'EXISTS']))?.name;
        if (name) this.tableIndexes(table).delete(name);
        return { algorithm: 'INPLACE', rebuild: false, scan: false };
      }
      if (isWord(c[1], 'CONSTRAINT')) {
        const name = nameAt(c, skipWords(c, 2, ['IF', 'EXISTS']))?.name;
        const index = name !== undefined && (this.tableIndexes(table).delete(name) || current?.indices.some((i) => i.name === name) || current?.uniques.some((u) => u.name === name));
        return index ? { algorithm: 'INPLACE', rebuild: false, scan: false } : { algorithm: 'INSTANT', rebuild: false, scan: false };
      }
      const column = nameAt(c, skipWords(c, skipWords(c, 1, ['COLUMN']), ['IF', 'EXISTS']))?.name;
      if (!column) return unknownClause();
      this.tableColumns(table).delete(column);
      const indexes = this.tableIndexes(table);
      const primary = indexes.get('PRIMARY')?.includes(column) || current?.primaryColumns.some((p) => p.name === column);
      const indexed =
        [...indexes.values()].some((cols) => cols.includes(column)) ||
        current?.indices.some((i) => i.columnNames.includes(column)) ||
        current?.uniques.some((u) => u.columnNames.includes(column)) ||
        current?.foreignKeys.some((f) => f.columnNames.includes(column));
      // The server takes the column out of its indexes, and drops an index left with no column.
      for (const [name, cols] of [...indexes]) {
        const rest = cols.filter((x) => x !== column);
        if (rest.length === 0) indexes.delete(name);
        else indexes.set(name, rest);
      }
      if (primary) return { algorithm: 'INPLACE', rebuild: true, scan: true, droppedColumn: column };
      // Its indexes must be changed too, which INSTANT cannot do; the rows are left as they are.
      if (indexed) return { algorithm: 'INPLACE', rebuild: false, scan: false, droppedColumn: column };
      return { algorithm: 'INSTANT', rebuild: false, scan: false, instantColumn: true, droppedColumn: column };
    }
    if (isWord(c[0], 'MODIFY', 'CHANGE')) {
      const at = skipWords(c, 1, ['COLUMN']);
      const old = nameAt(c, skipWords(c, at, ['IF', 'EXISTS']));
      if (!old) return unknownClause();
      const renamed = isWord(c[0], 'CHANGE') ? nameAt(c, old.next) : undefined;
      if (isWord(c[0], 'CHANGE') && !renamed) return unknownClause();
      const def = columnDefinition(c, renamed ? renamed.next : old.next);
      const columns = this.tableColumns(table);
      const before = columns.get(old.name);
      columns.delete(old.name);
      columns.set(renamed?.name ?? old.name, this.liveColumn(table, def));
      return this.changeColumn(table, old.name, before, def);
    }
    if (isWord(c[0], 'ALTER')) return { algorithm: 'INSTANT', rebuild: false, scan: false };
    if (isWord(c[0], 'RENAME')) {
      if (isWord(c[1], 'INDEX', 'KEY')) return { algorithm: 'INPLACE', rebuild: false, scan: false };
      if (isWord(c[1], 'COLUMN')) {
        const from = nameAt(c, 2);
        const to = from && isWord(c[from.next], 'TO') ? nameAt(c, from.next + 1) : undefined;
        const columns = this.tableColumns(table);
        const def = from ? columns.get(from.name) : undefined;
        if (from && to && def) {
          columns.delete(from.name);
          columns.set(to.name, def);
        }
        return { algorithm: 'INSTANT', rebuild: false, scan: false };
      }
      return { algorithm: 'INSTANT', rebuild: false, scan: false, renamedTo: nameAt(c, skipWords(c, 1, ['TO'], ['AS']))?.name };
    }
    return unknownClause();
  }

  private addForeignKey(c: Token[], at: number): Clause {
    const ref = c.findIndex((x, k) => k > at && isWord(x, 'REFERENCES'));
    const target = ref > 0 ? nameAt(c, ref + 1)?.name : undefined;
    if (!this.foreignKeyChecks) return { algorithm: 'INSTANT', rebuild: false, scan: false, note: 'foreign_key_checks=0: existing rows are not checked' };
    return { algorithm: 'COPY', rebuild: true, scan: true, others: target ? [{ table: target, mode: `${SHARED_NO_WRITE} (writes wait)` }] : [] };
  }

  /** MODIFY / CHANGE: compared with the column as it is, since the statement restates the whole column. */
  private changeColumn(table: string, name: string, old: LiveColumn | undefined, def: ColumnDefinition): Clause {
    if (!old) return { algorithm: 'COPY', rebuild: true, scan: true, note: `the current definition of ${name} is not known: assumed COPY` };
    const from = old.type;
    const to = normalize(def.type);
    const facts = this.facts.tables.get(table);
    const maxlen = old.maxlen ?? facts?.maxlen ?? this.facts.defaultMaxlen;
    const charsetChanged = def.charset !== undefined && (CHARSET_MAXLEN[def.charset.toLowerCase()] ?? 0) !== maxlen;
    let algorithm: MysqlAlgorithm = 'COPY';
    let note: string | undefined;
    if (charsetChanged) {
      note = 'a new character set: every value is converted';
    } else if (from.base === to.base && from.args.join(',') === to.args.join(',')) {
      algorithm = 'INSTANT';
    } else if (from.base === to.base && (from.base === 'varchar' || from.base === 'varbinary') && to.args[0] >= from.args[0]) {
      const bytes = from.base === 'varbinary' ? 1 : maxlen;
      const crosses = from.args[0] * bytes <= 255 !== to.args[0] * bytes <= 255;
      if (crosses && !/redundant/i.test(facts?.rowFormat ?? '')) note = `the length crosses 255 bytes (${bytes} a character): the length prefix grows`;
      else algorithm = 'INSTANT';
    } else {
      note = `${typeText(from)} becomes ${typeText(to)}: every value is converted`;
    }
    const nullability = old.nullable !== def.nullable;
    if (algorithm === 'INSTANT' && nullability) return { algorithm: 'INPLACE', rebuild: true, scan: true, note: `${def.nullable ? 'NOT NULL -> NULL' : 'NULL -> NOT NULL'}: the table is rebuilt, reads and writes run` };
    return { algorithm, rebuild: algorithm === 'COPY', scan: algorithm === 'COPY', note };
  }

  /**
   * An index added by ADD [CONSTRAINT n] PRIMARY KEY / UNIQUE / INDEX / KEY / FOREIGN KEY; a foreign
   * key gets an index of its own (named after the key) when no index starts with its columns.
   */
  private trackIndex(table: string, c: Token[], at: number, constraintName: string | undefined): void {
    const indexes = this.tableIndexes(table);
    const columns = columnList(c, at);
    if (isWord(c[at], 'PRIMARY')) {
      indexes.set('PRIMARY', columns);
      return;
    }
    if (isWord(c[at], 'FOREIGN')) {
      const covered = [...indexes.values()].some((cols) => columns.every((col, i) => cols[i] === col));
      if (!covered) indexes.set(constraintName ?? columns[0], columns);
      return;
    }
    const k = skipWords(c, at + 1, ['INDEX'], ['KEY']);
    const name = isPunct(c[k], '(') ? undefined : nameAt(c, k)?.name;
    indexes.set(name ?? constraintName ?? columns[0], columns);
  }

  private tableColumns(table: string): Map<string, LiveColumn> {
    let columns = this.columns.get(table);
    if (!columns) this.columns.set(table, (columns = new Map()));
    return columns;
  }

  private liveColumn(table: string, def: ColumnDefinition): LiveColumn {
    const textual = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set'].includes(def.type.base);
    const maxlen = def.charset ? (CHARSET_MAXLEN[def.charset.toLowerCase()] ?? null) : textual ? (this.facts.tables.get(table)?.maxlen ?? this.facts.defaultMaxlen) : null;
    return { type: normalize(def.type), nullable: def.nullable, maxlen };
  }

  private renameTable(from: string, to: string): void {
    for (const map of [this.columns, this.indexes] as Map<string, unknown>[]) {
      const value = map.get(from);
      map.delete(from);
      if (value) map.set(to, value);
    }
  }

  /** The columns of a CREATE TABLE, as the new table will have them. */
  private columnsOfCreate(t: Token[], table: string): Map<string, LiveColumn> {
    const columns = new Map<string, LiveColumn>();
    for (const part of definitionsOfCreate(t)) {
      if (isWord(part[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'INDEX', 'KEY', 'FOREIGN', 'CHECK', 'FULLTEXT', 'SPATIAL')) continue;
      const named = nameAt(part, 0);
      if (named) columns.set(named.name, this.liveColumn(table, columnDefinition(part, named.next)));
    }
    return columns;
  }

  private dataChange(t: Token[]): Classified {
    const verb = t[0].value;
    const at = verb === 'UPDATE' ? skipWords(t, 1, ['LOW_PRIORITY'], ['IGNORE']) : skipWords(t, 1, ['INTO'], ['FROM']);
    const table = nameAt(t, at)?.name;
    if (!table) return unknownStatement();
    const read = tablesRead(t, table);
    const mode = 'shared write metadata lock, row locks';
    return {
      kind: 'dml',
      table,
      locks: [{ table, mode }, ...read.map((r) => ({ table: r, mode: 'shared read metadata lock' }))],
      lock: [mode, ...read.map((r) => `shared read metadata lock on ${r}`)].join('; '),
      rewrite: false,
      scan: verb === 'UPDATE' || verb === 'DELETE',
    };
  }
}

function unknownClause(): Clause {
  return { algorithm: 'COPY', rebuild: true, scan: true, note: 'a clause the planner does not know: assumed COPY' };
}

/** ALGORITHM= / LOCK= as a clause of their own, which alterResult reads apart from the work. */
function optionClause(options: { requestedAlgorithm?: string; requestedLock?: string }): Clause {
  return { algorithm: 'INSTANT', rebuild: false, scan: false, option: true, ...options };
}

/** ALGORITHM [=] x and LOCK [=] y among the tokens. */
function optionsIn(t: Token[]): { requestedAlgorithm?: string; requestedLock?: string } {
  const found: { requestedAlgorithm?: string; requestedLock?: string } = {};
  for (let k = 0; k < t.length; k++) {
    if (!isWord(t[k], 'ALGORITHM', 'LOCK')) continue;
    const value = isPunct(t[k + 1], '=') ? t[k + 2] : t[k + 1];
    if (!value || value.kind !== 'word') continue;
    if (t[k].value === 'ALGORITHM') found.requestedAlgorithm = value.value;
    else found.requestedLock = value.value;
  }
  return found;
}

/** The column names of the first parenthesised list at or after `from` (prefix lengths left out). */
function columnList(t: Token[], from: number): string[] {
  const open = t.findIndex((x, k) => k >= from && isPunct(x, '('));
  const names: string[] = [];
  if (open < 0) return names;
  let depth = 0;
  for (let k = open; k < t.length; k++) {
    if (isPunct(t[k], '(')) depth++;
    else if (isPunct(t[k], ')') && --depth === 0) break;
    else if (depth === 1 && (t[k].kind === 'ident' || t[k].kind === 'word') && (k === open + 1 || isPunct(t[k - 1], ','))) names.push(nameAt(t, k)?.name ?? t[k].value);
  }
  return names;
}

/** The comma-separated definitions (columns, keys, constraints) inside a CREATE TABLE's parentheses. */
function definitionsOfCreate(t: Token[]): Token[][] {
  const open = t.findIndex((x) => isPunct(x, '('));
  if (open < 0) return [];
  let depth = 0;
  let close = open;
  for (; close < t.length; close++) {
    if (isPunct(t[close], '(')) depth++;
    if (isPunct(t[close], ')') && --depth === 0) break;
  }
  return splitTopLevel(t.slice(open + 1, close));
}

/** The indexes a CREATE TABLE declares (the primary key as PRIMARY). */
function indexesOfCreate(t: Token[]): Map<string, string[]> {
  const indexes = new Map<string, string[]>();
  for (const part of definitionsOfCreate(t)) {
    let at = 0;
    let constraintName: string | undefined;
    if (isWord(part[0], 'CONSTRAINT')) {
      const named = isWord(part[1], 'UNIQUE', 'PRIMARY', 'FOREIGN', 'CHECK') ? undefined : nameAt(part, 1);
      constraintName = named?.name;
      at = named?.next ?? 1;
    }
    if (!isWord(part[at], 'PRIMARY', 'UNIQUE', 'INDEX', 'KEY', 'FOREIGN', 'FULLTEXT', 'SPATIAL')) {
      // A column declared PRIMARY KEY or UNIQUE inline.
      const named = nameAt(part, 0);
      if (named && part.some((x, k) => isWord(x, 'PRIMARY') && isWord(part[k + 1], 'KEY'))) indexes.set('PRIMARY', [named.name]);
      else if (named && part.some((x) => isWord(x, 'UNIQUE'))) indexes.set(named.name, [named.name]);
      continue;
    }
    const columns = columnList(part, at);
    if (isWord(part[at], 'PRIMARY')) indexes.set('PRIMARY', columns);
    else if (isWord(part[at], 'FOREIGN')) {
      if (![...indexes.values()].some((cols) => columns.every((col, i) => cols[i] === col))) indexes.set(constraintName ?? columns[0], columns);
    } else {
      const k = skipWords(part, at + 1, ['INDEX'], ['KEY']);
      const name = isPunct(part[k], '(') ? undefined : nameAt(part, k)?.name;
      indexes.set(name ?? constraintName ?? columns[0], columns);
    }
  }
  return indexes;
}

function typeText(type: ParsedType): string {
  return type.args.length ? `${type.base}(${type.args.join(',')})` : type.base;
}

/** Integer display widths and BOOLEAN's tinyint(1) mean nothing to storage; DECIMAL is DECIMAL(10,0). */
function normalize(type: ParsedType): ParsedType {
  if (INTEGER_TYPES.has(type.base)) return { base: type.base, args: [] };
  if (type.base === 'decimal' && type.args.length === 0) return { base: 'decimal', args: [10, 0] };
  if (type.base === 'float' && (type.args[0] ?? 0) > 24) return { base: 'double', args: [] };
  return type;
}

function columnDefinition(c: Token[], at: number): ColumnDefinition {
  let k = at;
  let base = c[k]?.value.toLowerCase() ?? '';
  k++;
  if (isWord(c[k], 'PRECISION', 'VARYING')) base += ` ${c[k++].value.toLowerCase()}`;
  const args: number[] = [];
  if (isPunct(c[k], '(')) {
    k++;
    while (k < c.length && !isPunct(c[k], ')')) {
      if (c[k].kind === 'number') args.push(Number(c[k].value));
      k++;
    }
    k++;
  }
  const rest = c.slice(k);
  const has = (...words: string[]) => rest.some((x, j) => words.every((w, i) => isWord(rest[j + i], w)) && x !== undefined);
  const charsetAt = rest.findIndex((x, j) => (isWord(x, 'CHARACTER') && isWord(rest[j + 1], 'SET')) || isWord(x, 'CHARSET'));
  const charsetToken = charsetAt < 0 ? undefined : isWord(rest[charsetAt], 'CHARSET') ? rest[charsetAt + 1] : rest[charsetAt + 2];
  const type = parseType(args.length ? `${base}(${args.join(',')})` : base, TYPE_ALIASES);
  return {
    type,
    nullable: !has('NOT', 'NULL') && !has('PRIMARY', 'KEY'),
    charset: charsetToken?.value,
    autoIncrement: has('AUTO_INCREMENT'),
    primaryKey: has('PRIMARY', 'KEY'),
    unique: has('UNIQUE'),
    stored: has('STORED') || has('PERSISTENT'),
  };
}
