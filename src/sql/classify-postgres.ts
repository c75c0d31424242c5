import type { Table } from 'typeorm';
import type { SqlExecutor } from '../connection/sql-executor';
import {
  alterEffect,
  Classified,
  Classifier,
  ClassifyInput,
  columnTypeText,
  ParsedType,
  parseType,
  transactionStatement,
  unknownStatement,
} from './classify';
import { findTopLevelWord, isPunct, isWord, nameAt, skipWords, splitTopLevel, startsWith, tablesRead, textOf, Token } from './tokens';
import type { TableLock } from './effects';

/*
 * PostgreSQL 15's lock levels and rewrites per statement, as measured on the server (pg_locks held
 * open inside BEGIN, pg_relation_filenode before and after; ../shared/spec/online-ddl.md):
 * - ALTER TABLE takes ACCESS EXCLUSIVE for nearly every clause; ADD FOREIGN KEY takes SHARE ROW
 *   EXCLUSIVE on both tables; VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE (reads and writes run).
 * - Dropping a foreign key (the constraint, its column, or its table) takes ACCESS EXCLUSIVE on the
 *   referenced table too: its triggers go.
 * - CREATE TABLE with REFERENCES takes SHARE ROW EXCLUSIVE on each referenced table.
 * - CREATE INDEX takes SHARE (writes wait), CONCURRENTLY SHARE UPDATE EXCLUSIVE; both read the table.
 * - ADD COLUMN rewrites only with a volatile default (clock_timestamp(), serial, identity, stored
 *   generated); a type change rewrites unless the old type coerces to the new one without a check
 *   (varchar widened, varchar to text, numeric given more precision).
 * - SET NOT NULL reads the whole table unless a validated CHECK (col IS NOT NULL) exists; DROP NOT
 *   NULL reads nothing.
 */

const ACCESS_EXCLUSIVE = 'ACCESS EXCLUSIVE';
const SHARE = 'SHARE';
const SHARE_UPDATE_EXCLUSIVE = 'SHARE UPDATE EXCLUSIVE';
const SHARE_ROW_EXCLUSIVE = 'SHARE ROW EXCLUSIVE';
const ROW_EXCLUSIVE = 'ROW EXCLUSIVE';
const ROW_SHARE = 'ROW SHARE';
const ACCESS_SHARE = 'ACCESS SHARE';

/** PostgreSQL's eight table lock modes, weakest first (for the strongest of several clauses). */
const STRENGTH = [ACCESS_SHARE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, 'EXCLUSIVE', ACCESS_EXCLUSIVE];

const TYPE_ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'char',
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  float8: 'double precision',
  float: 'double precision',
  float4: 'real',
  decimal: 'numeric',
  bool: 'boolean',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

/** Words that end a column's type in a column definition. */
const AFTER_TYPE = ['NOT', 'NULL', 'DEFAULT', 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'COLLATE', 'GENERATED', 'USING'];

/** Functions whose value differs per row: a default calling one fills every row, a rewrite. */
const VOLATILE_DEFAULTS = /\b(clock_timestamp|random|gen_random_uuid|uuid_generate_v[14]|nextval|timeofday|statement_timestamp)\s*\(/i;

interface Constraint {
  table: string;
  type: 'check' | 'foreign' | 'other';
  validated: boolean;
  /** For CHECK (col IS NOT NULL): the column. */
  notNullColumn?: string;
  references?: string;
}

/**
 * What the live database holds that the offline runner's tables do not (or not reliably): column
 * types (TypeORM's changeColumn keeps the old type in its tables), constraints' validity, index owners.
 */
export interface PostgresFacts {
  columns: Map<string, Map<string, ParsedType>>;
  constraints: Map<string, Constraint>;
  indexes: Map<string, string>;
}

const key = (table: string, name: string) => `${table}\u0000${name}`;

export async function loadPostgresFacts(sql: SqlExecutor): Promise<PostgresFacts> {
  const constraints = new Map<string, Constraint>();
  const rows = (await sql.query(
    `SELECT cl.relname AS table_name, co.conname AS name, co.contype AS type, co.convalidated AS validated,
            pg_get_constraintdef(co.oid) AS definition, fr.relname AS referenced
       FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid LEFT JOIN pg_class fr ON fr.oid = co.confrelid
      WHERE cl.relnamespace = current_schema()::regnamespace`,
  )) as { table_name: string; name: string; type: string; validated: boolean; definition: string; referenced: string | null }[];
  for (const r of rows) {
    const type = r.type === 'c' ? 'check' : r.type === 'f' ? 'foreign' : 'other';
    const definition = r.definition.replace(/^CHECK\s*/i, '').replace(/\s+NOT VALID\s*$/i, '');
    constraints.set(key(r.table_name, r.name), {
      table: r.table_name,
      type,
      validated: r.validated,
      notNullColumn: type === 'check' ? notNullColumn(definition) : undefined,
      references: r.referenced ?? undefined,
    });
  }
  const indexRows = (await sql.query(
    `SELECT i.relname AS index_name, t.relname AS table_name
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = current_schema()::regnamespace`,
  )) as { index_name: string; table_name: string }[];
  const columnRows = (await sql.query(
    `SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  )) as { table_name: string; name: string; type: string }[];
  const columns = new Map<string, Map<string, ParsedType>>();
  for (const r of columnRows) {
    if (!columns.has(r.table_name)) columns.set(r.table_name, new Map());
    columns.get(r.table_name)?.set(r.name, parseType(r.type, TYPE_ALIASES));
  }
  return { columns, constraints, indexes: new Map(indexRows.map((r) => [r.index_name, r.table_name])) };
}

/** `col IS NOT NULL` in any number of parentheses: the column (unquoted names fold to lower case), else undefined. */
function notNullColumn(expression: string): string | undefined {
  const m = /^[\s(]*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s+IS\s+NOT\s+NULL[\s)]*$/i.exec(expression);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toLowerCase();
}

interface Clause {
  mode: string;
  others: TableLock[];
  rewrite: boolean;
  scan: boolean;
  note?: string;
  renamedTo?: string;
  droppedColumn?: string;
}

export class PostgresClassifier implements Classifier {
  private readonly constraints: Map<string, Constraint>;
  private readonly indexes: Map<string, string>;
  /** Column types as the server has them, then as the plan's statements change them. */
  private readonly columns = new Map<string, Map<string, ParsedType>>();

  constructor(facts: PostgresFacts) {
    this.constraints = new Map(facts.constraints);
    this.indexes = new Map(facts.indexes);
    for (const [table, columns] of facts.columns) this.columns.set(table, new Map(columns));
  }

  private tableColumns(table: string): Map<string, ParsedType> {
    let columns = this.columns.get(table);
    if (!columns) this.columns.set(table, (columns = new Map()));
    return columns;
  }

  classify(input: ClassifyInput): Classified {
    const t = input.tokens;
    const tx = transactionStatement(t);
    if (tx) return tx;
    if (isWord(t[0], 'SET', 'RESET', 'SHOW')) return { kind: 'session', table: null, locks: [], rewrite: false, scan: false };
    if (startsWith(t, ['LOCK', 'TABLE'])) return this.lockTable(t);
    if (startsWith(t, ['CREATE', 'TABLE'])) return this.createTable(input.sql, t);
    if (startsWith(t, ['DROP', 'TABLE'])) return this.dropTable(t, input.schema);
    if (startsWith(t, ['CREATE', 'INDEX']) || startsWith(t, ['CREATE', 'UNIQUE', 'INDEX'])) return this.createIndex(t);
    if (startsWith(t, ['DROP', 'INDEX'])) return this.dropIndex(t, input.schema);
    if (startsWith(t, ['ALTER', 'TABLE'])) return this.alterTable(input);
    if (isWord(t[0], 'UPDATE', 'DELETE', 'INSERT')) return this.dataChange(t);
    return unknownStatement();
  }

  /** `LOCK TABLE t IN <mode> MODE NOWAIT`, which the run sends before a statement that needs the lock. */
  private lockTable(t: Token[]): Classified {
    const table = nameAt(t, 2);
    const inAt = table ? table.next : -1;
    const modeAt = t.findIndex((x, k) => k > inAt && isWord(x, 'MODE'));
    if (!table || !isWord(t[inAt], 'IN') || modeAt < 0) return unknownStatement();
    const mode = t.slice(inAt + 1, modeAt).map((x) => x.value.toUpperCase()).join(' ');
    const nowait = isWord(t[modeAt + 1], 'NOWAIT');
    // What a retry sends differs, and the plan says how (lock-waits.ts lockWhatTheRevisionNeeds).
    const note = nowait
      ? 'taken without queueing: fails at once if held; the revision is then rolled back and tried again after a pause, opening with the locks it had needed so far, taken the same way'
      : undefined;
    return { kind: 'lock', table: table.name, locks: [{ table: table.name, mode }], rewrite: false, scan: false, ...(note ? { note } : {}) };
  }

  private createTable(sql: string, t: Token[]): Classified {
    const at = skipWords(t, 2, ['IF', 'NOT', 'EXISTS']);
    const table = nameAt(t, at)?.name;
    if (!table) return unknownStatement();
    const others: TableLock[] = [];
    for (let k = at; k < t.length; k++) {
      if (!isWord(t[k], 'REFERENCES')) continue;
      const target = nameAt(t, k + 1)?.name;
      if (target && target !== table && !others.some((o) => o.table === target)) others.push({ table: target, mode: SHARE_ROW_EXCLUSIVE });
    }
    this.trackConstraintsOfCreate(sql, t, table);
    this.columns.set(table, columnsOfCreate(t));
    return { kind: 'ddl', table, locks: [{ table, mode: ACCESS_EXCLUSIVE }, ...others], rewrite: false, scan: false, effect: { created: table } };
  }

  /** Named constraints and indexes of a new table, for a later DROP CONSTRAINT or VALIDATE in the plan. */
  private trackConstraintsOfCreate(sql: string, t: Token[], table: string): void {
    for (let k = 0; k < t.length; k++) {
      if (!isWord(t[k], 'CONSTRAINT')) continue;
      const name = nameAt(t, k + 1);
      if (!name) continue;
      const kindToken = t[name.next];
      if (isWord(kindToken, 'FOREIGN')) {
        const ref = t.findIndex((x, j) => j > name.next && isWord(x, 'REFERENCES'));
        this.constraints.set(key(table, name.name), { table, type: 'foreign', validated: true, references: ref > 0 ? nameAt(t, ref + 1)?.name : undefined });
      } else if (isWord(kindToken, 'UNIQUE', 'PRIMARY')) {
        this.indexes.set(name.name, table);
        this.constraints.set(key(table, name.name), { table, type: 'other', validated: true });
      } else if (isWord(kindToken, 'CHECK')) {
        this.constraints.set(key(table, name.name), { table, type: 'check', validated: true, notNullColumn: notNullColumn(textOfParens(sql, t, name.next + 1)) });
      }
    }
  }

  private dropTable(t: Token[], schema: ReadonlyMap<string, Table>): Classified {
    const at = skipWords(t, 2, ['IF', 'EXISTS']);
    const table = nameAt(t, at)?.name;
    if (!table) return unknownStatement();
    const others = this.foreignKeysOf(table, schema).map((target) => ({ table: target, mode: ACCESS_EXCLUSIVE }));
    for (const k of [...this.constraints.keys()]) if (this.constraints.get(k)?.table === table) this.constraints.delete(k);
    for (const [index, owner] of [...this.indexes]) if (owner === table) this.indexes.delete(index);
    this.columns.delete(table);
    return { kind: 'ddl', table, locks: [{ table, mode: ACCESS_EXCLUSIVE }, ...others], rewrite: false, scan: false, effect: { dropped: table } };
  }

  /** The tables `table`'s foreign keys reference (other than itself). */
  private foreignKeysOf(table: string, schema: ReadonlyMap<string, Table>, columns?: string[]): string[] {
    const found = new Set<string>();
    for (const fk of schema.get(table)?.foreignKeys ?? []) {
      if (columns && !fk.columnNames.some((c) => columns.includes(c))) continue;
      found.add(fk.referencedTableName.split('.').pop() as string);
    }
    if (!columns) for (const c of this.constraints.values()) if (c.table === table && c.type === 'foreign' && c.references) found.add(c.references);
    found.delete(table);
    return [...found];
  }

  private createIndex(t: Token[]): Classified {
    let at = isWord(t[1], 'UNIQUE') ? 3 : 2;
    const concurrently = isWord(t[at], 'CONCURRENTLY');
    if (concurrently) at++;
    at = skipWords(t, at, ['IF', 'NOT', 'EXISTS']);
    let indexName: string | undefined;
    if (!isWord(t[at], 'ON')) {
      const named = nameAt(t, at);
      indexName = named?.name;
      at = named?.next ?? at;
    }
    if (!isWord(t[at], 'ON')) return unknownStatement();
    const table = nameAt(t, skipWords(t, at + 1, ['ONLY']))?.name;
    if (!table) return unknownStatement();
    if (indexName) this.indexes.set(indexName, table);
    return {
      kind: 'ddl',
      table,
      locks: [{ table, mode: concurrently ? SHARE_UPDATE_EXCLUSIVE : SHARE }],
      rewrite: false,
      scan: true,
      note: concurrently ? 'reads the table twice; writes run; cannot run inside a transaction block' : 'writes to the table wait until the end of the transaction',
    };
  }

  private dropIndex(t: Token[], schema: ReadonlyMap<string, Table>): Classified {
    let at = 2;
    const concurrently = isWord(t[at], 'CONCURRENTLY');
    if (concurrently) at++;
    at = skipWords(t, at, ['IF', 'EXISTS']);
    const index = nameAt(t, at)?.name;
    if (!index) return unknownStatement();
    let table = this.indexes.get(index);
    for (const [name, def] of schema) if (!table && def.indices.some((i) => i.name === index)) table = name;
    this.indexes.delete(index);
    if (!table) return { ...unknownStatement(`the table of index ${index} is not known`), kind: 'ddl' };
    return { kind: 'ddl', table, locks: [{ table, mode: concurrently ? SHARE_UPDATE_EXCLUSIVE : ACCESS_EXCLUSIVE }], rewrite: false, scan: false };
  }

  private alterTable(input: ClassifyInput): Classified {
    const t = input.tokens;
    const named = nameAt(t, skipWords(t, skipWords(t, 2, ['IF', 'EXISTS']), ['ONLY']));
    if (!named) return unknownStatement();
    const table = named.name;
    const clauses = splitTopLevel(t.slice(named.next)).map((c) => this.alterClause(input.sql, c, table, input.schema));
    const mode = clauses.map((c) => c.mode).reduce((a, b) => (STRENGTH.indexOf(a) >= STRENGTH.indexOf(b) ? a : b), ACCESS_SHARE);
    const others: TableLock[] = [];
    for (const c of clauses) for (const o of c.others) if (!others.some((x) => x.table === o.table)) others.push(o);
    const renamedTo = clauses.find((c) => c.renamedTo)?.renamedTo;
    if (renamedTo) {
      const columns = this.columns.get(table);
      this.columns.delete(table);
      if (columns) this.columns.set(renamedTo, columns);
    }
    const notes = clauses.map((c) => c.note).filter((n): n is string => Boolean(n));
    return {
      kind: 'ddl',
      table,
      locks: [{ table, mode }, ...others],
      rewrite: clauses.some((c) => c.rewrite),
      scan: clauses.some((c) => c.scan),
      note: notes.length ? notes.join('; ') : undefined,
      effect: alterEffect(table, renamedTo, clauses.map((c) => c.droppedColumn)),
    };
  }

  private alterClause(sql: string, c: Token[], table: string, schema: ReadonlyMap<string, Table>): Clause {
    const plain = (note?: string): Clause => ({ mode: ACCESS_EXCLUSIVE, others: [], rewrite: false, scan: false, note });
    if (isWord(c[0], 'ADD')) {
      let at = 1;
      let constraintName: string | undefined;
      if (isWord(c[at], 'CONSTRAINT')) {
        const n = nameAt(c, at + 1);
        constraintName = n?.name;
        at = n?.next ?? at + 1;
      }
      if (isWord(c[at], 'FOREIGN')) return this.addForeignKey(c, at, table, constraintName);
      if (isWord(c[at], 'CHECK')) {
        const validated = !notValid(c);
        if (constraintName) this.constraints.set(key(table, constraintName), { table, type: 'check', validated, notNullColumn: notNullColumn(textOfParens(sql, c, at + 1)) });
        return { ...plain(), scan: validated };
      }
      if (isWord(c[at], 'UNIQUE', 'PRIMARY', 'EXCLUDE')) {
        if (constraintName) this.constraints.set(key(table, constraintName), { table, type: 'other', validated: true });
        // USING INDEX adopts an index already built (CONCURRENTLY, before): nothing to read.
        const usingIndex = c.some((x, k) => isWord(x, 'USING') && isWord(c[k + 1], 'INDEX'));
        return { ...plain(), scan: !usingIndex };
      }
      return this.addColumn(sql, c, skipWords(c, at, ['COLUMN']), table);
    }
    if (isWord(c[0], 'DROP')) {
      if (isWord(c[1], 'CONSTRAINT')) {
        const name = nameAt(c, skipWords(c, 2, ['IF', 'EXISTS']))?.name;
        const found = name ? this.constraints.get(key(table, name)) : undefined;
        const fromSchema = name ? schema.get(table)?.foreignKeys.find((fk) => fk.name === name) : undefined;
        if (name) this.constraints.delete(key(table, name));
        const target = found?.type === 'foreign' ? found.references : fromSchema?.referencedTableName.split('.').pop();
        return { ...plain(), others: target && target !== table ? [{ table: target, mode: ACCESS_EXCLUSIVE }] : [] };
      }
      const column = nameAt(c, skipWords(c, skipWords(c, 1, ['COLUMN']), ['IF', 'EXISTS']))?.name;
      if (column) this.tableColumns(table).delete(column);
      const targets = column ? this.foreignKeysOf(table, schema, [column]) : [];
      return { ...plain(), others: targets.map((target) => ({ table: target, mode: ACCESS_EXCLUSIVE })), droppedColumn: column };
    }
    if (isWord(c[0], 'ALTER')) {
      const at = skipWords(c, 1, ['COLUMN']);
      const column = nameAt(c, at);
      if (!column) return unknownClause();
      const rest = column.next;
      if (startsWith(c, ['SET', 'NOT', 'NULL'], rest)) {
        const proven = [...this.constraints.values()].some((x) => x.table === table && x.type === 'check' && x.validated && x.notNullColumn === column.name);
        return { ...plain(proven ? 'a validated CHECK proves no NULL: the table is not read' : undefined), scan: !proven };
      }
      if (startsWith(c, ['DROP', 'NOT', 'NULL'], rest) || startsWith(c, ['SET', 'DEFAULT'], rest) || startsWith(c, ['DROP', 'DEFAULT'], rest)) return plain();
      if (isWord(c[rest], 'TYPE') || startsWith(c, ['SET', 'DATA', 'TYPE'], rest)) {
        const typeAt = isWord(c[rest], 'TYPE') ? rest + 1 : rest + 3;
        const end = findTopLevelWord(c, ['USING', 'COLLATE'], typeAt);
        const newType = parseType(textOf(sql, c, typeAt, end < 0 ? c.length : end), TYPE_ALIASES);
        const fromSchema = schema.get(table)?.columns.find((x) => x.name === column.name);
        const old = this.columns.get(table)?.get(column.name) ?? (fromSchema ? parseType(columnTypeText(fromSchema), TYPE_ALIASES) : undefined);
        this.tableColumns(table).set(column.name, newType);
        if (!old) return { ...plain(`the current type of ${column.name} is not known: assumed to rewrite`), rewrite: true, scan: true };
        const rewrite = !coercesWithoutRewrite(old, newType);
        return { ...plain(), rewrite, scan: rewrite };
      }
      if (startsWith(c, ['SET', 'STATISTICS'], rest)) return { ...plain(), mode: SHARE_UPDATE_EXCLUSIVE };
      return unknownClause();
    }
    if (isWord(c[0], 'VALIDATE') && isWord(c[1], 'CONSTRAINT')) {
      const name = nameAt(c, 2)?.name;
      const found = name ? this.constraints.get(key(table, name)) : undefined;
      if (found) found.validated = true;
      const others = found?.type === 'foreign' && found.references && found.references !== table ? [{ table: found.references, mode: ROW_SHARE }] : [];
      return { mode: SHARE_UPDATE_EXCLUSIVE, others, rewrite: false, scan: true, note: 'reads the table; reads and writes run' };
    }
    if (isWord(c[0], 'RENAME')) {
      if (isWord(c[1], 'TO')) return { ...plain(), renamedTo: nameAt(c, 2)?.name };
      if (!isWord(c[1], 'CONSTRAINT')) {
        const from = nameAt(c, skipWords(c, 1, ['COLUMN']));
        const to = from && isWord(c[from.next], 'TO') ? nameAt(c, from.next + 1) : undefined;
        const columns = this.tableColumns(table);
        const type = from ? columns.get(from.name) : undefined;
        if (from && to && type) {
          columns.delete(from.name);
          columns.set(to.name, type);
        }
      }
      return plain();
    }
    return unknownClause();
  }

  private addForeignKey(c: Token[], at: number, table: string, name: string | undefined): Clause {
    const ref = c.findIndex((x, k) => k > at && isWord(x, 'REFERENCES'));
    const target = ref > 0 ? nameAt(c, ref + 1)?.name : undefined;
    const validated = !notValid(c);
    if (name) this.constraints.set(key(table, name), { table, type: 'foreign', validated, references: target });
    return {
      mode: SHARE_ROW_EXCLUSIVE,
      others: target && target !== table ? [{ table: target, mode: SHARE_ROW_EXCLUSIVE }] : [],
      rewrite: false,
      // Validating reads every row of the table (and looks each key up in the referenced one).
      scan: validated,
      note: validated ? undefined : 'NOT VALID: existing rows are not checked',
    };
  }

  private addColumn(sql: string, c: Token[], at: number, table: string): Clause {
    const column = nameAt(c, skipWords(c, at, ['IF', 'NOT', 'EXISTS']));
    if (column) this.tableColumns(table).set(column.name, typeOfDefinition(sql, c, column.next));
    const definition = column ? textOf(sql, c, column.next) : '';
    const upper = definition.toUpperCase();
    const others: TableLock[] = [];
    for (let k = 0; k < c.length; k++) {
      const target = isWord(c[k], 'REFERENCES') ? nameAt(c, k + 1)?.name : undefined;
      if (target && target !== table) others.push({ table: target, mode: SHARE_ROW_EXCLUSIVE });
    }
    const typeWord = column ? c[column.next] : undefined;
    const rewrite =
      isWord(typeWord, 'SERIAL', 'BIGSERIAL', 'SMALLSERIAL', 'SERIAL4', 'SERIAL8', 'SERIAL2') ||
      VOLATILE_DEFAULTS.test(definition) ||
      /\bGENERATED\b.*\b(AS\s+IDENTITY|STORED)\b/.test(upper);
    const hasDefault = /\bDEFAULT\b/.test(upper);
    // A new NOT NULL column without a default must be checked against every existing row (and
    // fails if there is one); CHECK, UNIQUE and PRIMARY KEY read the table too.
    const scan = rewrite || (/\bNOT\s+NULL\b/.test(upper) && !hasDefault) || /\b(CHECK|UNIQUE|PRIMARY\s+KEY)\b/.test(upper) || others.length > 0;
    return { mode: ACCESS_EXCLUSIVE, others, rewrite, scan, note: rewrite ? 'the default differs per row: every row is written' : undefined };
  }

  private dataChange(t: Token[]): Classified {
    const verb = t[0].value;
    const at = verb === 'UPDATE' ? skipWords(t, 1, ['ONLY']) : skipWords(t, 1, ['INTO'], ['FROM']);
    const table = nameAt(t, at)?.name;
    if (!table) return unknownStatement();
    const read = tablesRead(t, table);
    const fromSelect = verb === 'INSERT' && t.some((x) => isWord(x, 'SELECT'));
    return {
      kind: 'dml',
      table,
      locks: [{ table, mode: ROW_EXCLUSIVE }, ...read.map((r) => ({ table: r, mode: ACCESS_SHARE }))],
      rewrite: false,
      // UPDATE and DELETE read the rows they filter; INSERT ... VALUES reads nothing.
      scan: verb !== 'INSERT',
      note: verb === 'INSERT' ? (fromSelect ? `reads ${read.join(', ')}` : undefined) : 'row locks on the rows it changes',
    };
  }
}

/** The type at the start of a column definition (tokens from `at`). */
function typeOfDefinition(sql: string, c: Token[], at: number): ParsedType {
  const end = findTopLevelWord(c, AFTER_TYPE, at);
  return parseType(textOf(sql, c, at, end < 0 ? c.length : end), TYPE_ALIASES);
}

/** Each column's type in a CREATE TABLE. */
function columnsOfCreate(t: Token[]): Map<string, ParsedType> {
  const columns = new Map<string, ParsedType>();
  const open = t.findIndex((x) => isPunct(x, '('));
  if (open < 0) return columns;
  let depth = 0;
  let close = open;
  for (; close < t.length; close++) {
    if (isPunct(t[close], '(')) depth++;
    if (isPunct(t[close], ')') && --depth === 0) break;
  }
  const sqlOf = (part: Token[], from: number, to: number) => part.slice(from, to).map((x) => (x.kind === 'ident' ? x.value : x.value)).join(' ').replace(/ \( /g, '(').replace(/ \)/g, ')').replace(/ , /g, ',');
  for (const part of splitTopLevel(t.slice(open + 1, close))) {
    if (isWord(part[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'EXCLUDE', 'LIKE')) continue;
    const named = nameAt(part, 0);
    if (!named) continue;
    const end = findTopLevelWord(part, AFTER_TYPE, named.next);
    columns.set(named.name, parseType(sqlOf(part, named.next, end < 0 ? part.length : end), TYPE_ALIASES));
  }
  return columns;
}

function unknownClause(): Clause {
  return { mode: ACCESS_EXCLUSIVE, others: [], rewrite: true, scan: true, note: 'a clause the planner does not know: assumed to rewrite' };
}

function notValid(c: Token[]): boolean {
  return c.some((x, k) => isWord(x, 'NOT') && isWord(c[k + 1], 'VALID'));
}

/** The text inside the parentheses that open at tokens[at], as written. */
function textOfParens(sql: string, t: Token[], at: number): string {
  if (!isPunct(t[at], '(')) return '';
  let depth = 0;
  for (let k = at; k < t.length; k++) {
    if (isPunct(t[k], '(')) depth++;
    if (isPunct(t[k], ')') && --depth === 0) return textOf(sql, t, at + 1, k);
  }
  return '';
}

/**
 * Whether PostgreSQL changes `from` into `to` without writing the table: the new type accepts every
 * old value as it is stored (binary coercible, no narrower length or precision).
 */
function coercesWithoutRewrite(from: ParsedType, to: ParsedType): boolean {
  const wider = (a: number[], b: number[]) => b.length === 0 || (a.length > 0 && b[0] >= a[0] && (b[1] ?? 0) === (a[1] ?? 0));
  if (from.base === to.base) {
    if (from.args.join(',') === to.args.join(',')) return true;
    if (['varchar', 'char', 'bit varying', 'varbit'].includes(from.base) && from.base !== 'char') return wider(from.args, to.args);
    if (from.base === 'numeric') return wider(from.args, to.args);
    if (['timestamp', 'timestamptz', 'time', 'interval'].includes(from.base)) return to.args.length === 0 || (from.args.length > 0 && to.args[0] >= from.args[0]);
    return false;
  }
  // varchar and text are the same on disk; text to an unbounded varchar too.
  if (from.base === 'varchar' && to.base === 'text') return true;
  if (from.base === 'text' && to.base === 'varchar') return to.args.length === 0;
  return false;
}
