import type { Table } from 'typeorm';
import { Classified, Classifier, ClassifyInput, transactionStatement, unknownStatement } from './classify';
import { isWord, nameAt, skipWords, startsWith, tablesRead, Token } from './tokens';

/*
 * SQLite has one lock for the whole database: a run holds its write lock (an IMMEDIATE transaction)
 * from start to end, so every statement "takes" it; readers run until the commit.
 * - ADD COLUMN and RENAME only edit the schema text; DROP COLUMN rewrites every row in place (its
 *   payload shrinks; the table keeps its root page).
 * - A column change or a new constraint rebuilds the table, as TypeORM does it: CREATE TABLE
 *   "temporary_<t>", INSERT INTO it SELECT ... FROM <t> (the copy of every row), DROP TABLE <t>,
 *   ALTER TABLE "temporary_<t>" RENAME TO <t>, then <t>'s indexes again.
 */
const WRITE_LOCK = 'database write lock';
const REBUILD_PREFIX = 'temporary_';

export class SqliteClassifier implements Classifier {
  /** Tables whose rebuild has begun (their temporary_ copy exists) and not yet ended. */
  private readonly rebuilding = new Set<string>();

  classify(input: ClassifyInput): Classified {
    const t = input.tokens;
    const tx = transactionStatement(t);
    if (tx) return tx;
    if (isWord(t[0], 'PRAGMA')) return { kind: 'session', table: null, locks: [], rewrite: false, scan: false };
    if (startsWith(t, ['CREATE', 'TABLE'])) return this.createTable(t);
    if (startsWith(t, ['DROP', 'TABLE'])) return this.dropTable(t);
    if (startsWith(t, ['ALTER', 'TABLE'])) return this.alterTable(t);
    if (startsWith(t, ['CREATE', 'INDEX']) || startsWith(t, ['CREATE', 'UNIQUE', 'INDEX'])) {
      const on = t.findIndex((x) => isWord(x, 'ON'));
      const table = on > 0 ? nameAt(t, on + 1)?.name : undefined;
      return table ? this.statement('ddl', table, { scan: true }) : unknownStatement();
    }
    if (startsWith(t, ['DROP', 'INDEX'])) {
      const index = nameAt(t, skipWords(t, 2, ['IF', 'EXISTS']))?.name;
      const table = index ? ownerOfIndex(input.schema, index) : undefined;
      return table ? this.statement('ddl', table, {}) : { ...unknownStatement(`the table of index ${index ?? '?'} is not known`), kind: 'ddl', locks: [], lock: WRITE_LOCK };
    }
    if (isWord(t[0], 'UPDATE', 'DELETE', 'INSERT', 'REPLACE')) return this.dataChange(t);
    return unknownStatement();
  }

  private statement(kind: Classified['kind'], table: string, extra: Partial<Classified>): Classified {
    return { kind, table, locks: [{ table, mode: WRITE_LOCK }], rewrite: false, scan: false, ...extra };
  }

  private createTable(t: Token[]): Classified {
    const table = nameAt(t, skipWords(t, 2, ['IF', 'NOT', 'EXISTS']))?.name;
    if (!table) return unknownStatement();
    const original = rebuildOf(table);
    if (original) {
      this.rebuilding.add(original);
      return this.statement('ddl', original, { note: `table rebuild 1/4: creates the new table ${table}` });
    }
    return this.statement('ddl', table, { effect: { created: table } });
  }

  private dropTable(t: Token[]): Classified {
    const table = nameAt(t, skipWords(t, 2, ['IF', 'EXISTS']))?.name;
    if (!table) return unknownStatement();
    if (this.rebuilding.has(table)) return this.statement('ddl', table, { note: 'table rebuild 3/4: drops the old table' });
    return this.statement('ddl', table, { effect: { dropped: table } });
  }

  private alterTable(t: Token[]): Classified {
    const named = nameAt(t, 2);
    if (!named) return unknownStatement();
    const table = named.name;
    const at = named.next;
    if (startsWith(t, ['RENAME', 'TO'], at)) {
      const to = nameAt(t, at + 2)?.name;
      if (to && rebuildOf(table) === to && this.rebuilding.has(to)) {
        this.rebuilding.delete(to);
        return this.statement('ddl', to, { note: `table rebuild 4/4: renames ${table} to ${to}` });
      }
      return this.statement('ddl', table, { effect: to ? { renamed: { from: table, to } } : undefined });
    }
    if (startsWith(t, ['DROP', 'COLUMN'], at) || (isWord(t[at], 'DROP') && !isWord(t[at + 1], 'CONSTRAINT'))) {
      const column = nameAt(t, skipWords(t, at + 1, ['COLUMN']))?.name;
      const effect = column ? { droppedColumns: [column] } : undefined;
      return this.statement('ddl', table, { rewrite: true, scan: true, note: 'every row is rewritten in place without the column', effect });
    }
    if (isWord(t[at], 'ADD')) {
      // SQLite checks a new column's CHECK constraint against every row; nothing else reads them.
      const check = t.slice(at).some((x) => isWord(x, 'CHECK'));
      return this.statement('ddl', table, { scan: check });
    }
    if (isWord(t[at], 'RENAME')) return this.statement('ddl', table, {});
    return unknownStatement();
  }

  private dataChange(t: Token[]): Classified {
    const verb = t[0].value;
    const target = nameAt(t, skipWords(t, 1, ['INTO'], ['FROM']))?.name;
    if (!target) return unknownStatement();
    const read = tablesRead(t, target);
    const original = rebuildOf(target);
    if (verb === 'INSERT' && original && this.rebuilding.has(original) && read.includes(original)) {
      return this.statement('dml', original, { rewrite: true, scan: true, note: `table rebuild 2/4: copies every row into ${target}` });
    }
    return {
      kind: 'dml',
      table: target,
      locks: [{ table: target, mode: WRITE_LOCK }],
      rewrite: false,
      scan: verb === 'UPDATE' || verb === 'DELETE' || read.length > 0,
      note: read.length > 0 ? `reads ${read.join(', ')}` : undefined,
    };
  }
}

function rebuildOf(table: string): string | undefined {
  return table.startsWith(REBUILD_PREFIX) && table.length > REBUILD_PREFIX.length ? table.slice(REBUILD_PREFIX.length) : undefined;
}

function ownerOfIndex(schema: ReadonlyMap<string, Table>, index: string): string | undefined {
  for (const [name, table] of schema) if (table.indices.some((i) => i.name === index)) return name;
  return undefined;
}
