// The structure of a SQLite database, independent of how its CREATE TABLE text is written:
// columns (name, declared type, NOT NULL, primary key), named unique constraints, foreign keys and
// indexes. Used where our revisions and SQLAlchemy write the same tables in different styles.
import { sqlQuery } from './backends';

function rows(url: string, sql: string): string[][] {
  return sqlQuery(url, sql)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('|'));
}

export function sqliteStructure(url: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const tables = rows(url, "SELECT name, replace(replace(sql, char(10), ' '), '|', ' ') FROM sqlite_master WHERE type = 'table' ORDER BY name;");
  for (const [table, sql] of tables) {
    const entry: string[] = rows(url, `SELECT name, upper(type), "notnull", pk FROM pragma_table_info('${table}') ORDER BY cid;`).map(
      ([name, type, notnull, pk]) => `column ${name} ${type}${notnull === '1' ? ' NOT NULL' : ''}${pk !== '0' ? ' PRIMARY KEY' : ''}`,
    );
    for (const m of sql.matchAll(/CONSTRAINT\s+"?(\w+)"?\s+UNIQUE\s*\(([^)]*)\)/gi)) {
      entry.push(`unique ${m[1]}(${m[2].split(',').map((c) => c.trim().replace(/"/g, '')).join(', ')})`);
    }
    const fks = rows(url, `SELECT "from", "table", "to" FROM pragma_foreign_key_list('${table}');`).map(([f, t, to]) => `fk ${f} -> ${t}.${to}`);
    const indexes = rows(url, `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = '${table}';`).map(
      ([name]) => `index ${name}(${rows(url, `SELECT name FROM pragma_index_info('${name}') ORDER BY seqno;`).map(([c]) => c).join(', ')})`,
    );
    out[table] = [...entry, ...fks.sort(), ...indexes.sort()];
  }
  return out;
}
