import type { Backend } from '../dialect/backend';
import { isPunct, isWord, skipWords, Token, tokenize } from './tokens';

/*
 * Which table a statement waits for, read from its text by the statement reader's tokens, for a
 * lock-wait warning where the server did not say (a MySQL metadata lock without performance_schema).
 * A catalog is never the answer: a catalog read waits for the table whose definition it reads, which
 * its FROM does not name.
 */

const CATALOG_SCHEMAS = new Set(['information_schema', 'pg_catalog', 'performance_schema', 'mysql', 'sys']);

function isCatalog(schema: string | undefined, table: string): boolean {
  return (schema !== undefined && CATALOG_SCHEMAS.has(schema.toLowerCase())) || /^(pg_|sqlite_)/i.test(table);
}

/** A name at `at`, with its schema when qualified (`"public"."audits"`). */
function qualifiedNameAt(tokens: Token[], at: number): { schema?: string; name: string } | undefined {
  const part = (t: Token | undefined) => (t && (t.kind === 'ident' || t.kind === 'word') ? (t.kind === 'word' ? t.value.toLowerCase() : t.value) : undefined);
  const first = part(tokens[at]);
  if (first === undefined) return undefined;
  if (isPunct(tokens[at + 1], '.') && part(tokens[at + 2]) !== undefined) return { schema: first, name: part(tokens[at + 2]) as string };
  return { name: first };
}

/** Where the table's name stands in a statement that names one, or -1. */
function tablePosition(tokens: Token[]): number {
  const after = (at: number, ...optional: string[][]) => skipWords(tokens, at, ...optional);
  if (isWord(tokens[0], 'ALTER') && isWord(tokens[1], 'TABLE')) return after(after(2, ['IF', 'EXISTS']), ['ONLY']);
  if (isWord(tokens[0], 'CREATE', 'DROP') && isWord(tokens[1], 'TABLE')) return after(2, ['IF', 'NOT', 'EXISTS'], ['IF', 'EXISTS']);
  if (isWord(tokens[0], 'LOCK') && isWord(tokens[1], 'TABLE')) return after(2, ['ONLY']);
  if (isWord(tokens[0], 'UPDATE')) return 1;
  if (isWord(tokens[0], 'INSERT') && isWord(tokens[1], 'INTO')) return 2;
  if (isWord(tokens[0], 'DELETE') && isWord(tokens[1], 'FROM')) return 2;
  const index = isWord(tokens[0], 'CREATE') ? after(after(1, ['UNIQUE']), ['INDEX']) : isWord(tokens[0], 'DROP') ? after(1, ['INDEX']) : 0;
  if (index > 1 && isWord(tokens[index - 1], 'INDEX')) {
    // CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON [ONLY] table; MySQL's DROP INDEX name ON table.
    const name = after(after(index, ['CONCURRENTLY']), ['IF', 'NOT', 'EXISTS'], ['IF', 'EXISTS']);
    const on = qualifiedNameAt(tokens, name) ? name + (isPunct(tokens[name + 1], '.') ? 3 : 1) : -1;
    return on > 0 && isWord(tokens[on], 'ON') ? after(on + 1, ['ONLY']) : -1;
  }
  return -1;
}

/** The table a schema or data statement works on (a SELECT: the first it reads), never a catalog. */
export function statementTable(sql: string, backend: Backend = 'postgres'): string | undefined {
  const tokens = tokenize(sql, backend);
  let at = tablePosition(tokens);
  if (at < 0 && isWord(tokens[0], 'SELECT')) {
    // The first table after FROM or JOIN, not a sub-query.
    at = tokens.findIndex((t, k) => isWord(tokens[k - 1], 'FROM', 'JOIN') && (t.kind === 'ident' || (t.kind === 'word' && !['SELECT', 'ONLY', 'LATERAL'].includes(t.value))));
  }
  const named = at < 0 ? undefined : qualifiedNameAt(tokens, at);
  return named && !isCatalog(named.schema, named.name) ? named.name : undefined;
}

/** For a catalog read, the one table it looks up by name (`table_name = 'audits'`, `relname = 'audits'`); else undefined. */
export function catalogReadTable(sql: string, backend: Backend = 'postgres'): string | undefined {
  const tokens = tokenize(sql, backend);
  const names = new Set<string>();
  tokens.forEach((t, k) => {
    const column = t.kind === 'word' || t.kind === 'ident' ? t.value.toLowerCase() : '';
    const value = tokens[k + 2];
    if ((column === 'table_name' || column === 'relname') && isPunct(tokens[k + 1], '=') && value?.kind === 'string') {
      names.add(value.value.slice(1, -1).replace(/''/g, "'"));
    }
  });
  if (names.size !== 1) return undefined;
  const [table] = names;
  return isCatalog(undefined, table) ? undefined : table;
}
