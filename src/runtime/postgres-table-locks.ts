import { statementTable } from '../connection/statement-table';

/** A table lock a PostgreSQL statement takes, in the server's own words (LOCK TABLE's modes). */
export interface TableLock {
  table: string;
  mode: 'ACCESS EXCLUSIVE' | 'SHARE ROW EXCLUSIVE' | 'SHARE' | 'SHARE UPDATE EXCLUSIVE';
}

const NAME = String.raw`(?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?`;
const unquote = (name: string) => name.split('.').pop()!.replace(/^"|"$/g, '');

/**
 * The table locks a schema statement will ask for that can stall the services: the ones that
 * conflict with their reads or writes. Data statements (their ROW EXCLUSIVE conflicts with none of
 * the services' statements) and CONCURRENTLY builds (they take SHARE UPDATE EXCLUSIVE, outside a
 * transaction) give none.
 */
export function tableLocks(sql: string): TableLock[] {
  const text = sql.trim();
  // A table that may not be there: the statement must find out, not a LOCK that would fail first.
  if (/^(ALTER|DROP)\s+TABLE\s+IF\s+EXISTS\b/i.test(text)) return [];
  if (/^ALTER\s+TABLE\b/i.test(text)) {
    const table = statementTable(text);
    if (!table) return [];
    if (/\bVALIDATE\s+CONSTRAINT\b/i.test(text)) return [{ table, mode: 'SHARE UPDATE EXCLUSIVE' }];
    const referenced = new RegExp(String.raw`\bFOREIGN\s+KEY\b[\s\S]*?\bREFERENCES\s+(${NAME})`, 'i').exec(text);
    if (referenced && /^ALTER\s+TABLE\s+\S+\s+ADD\s+(CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b/i.test(text)) {
      return [
        { table, mode: 'SHARE ROW EXCLUSIVE' },
        { table: unquote(referenced[1]), mode: 'SHARE ROW EXCLUSIVE' },
      ];
    }
    return [{ table, mode: 'ACCESS EXCLUSIVE' }];
  }
  if (/^CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)/i.test(text) || /^DROP\s+TABLE\b/i.test(text)) {
    const table = statementTable(text);
    if (!table) return [];
    return [{ table, mode: /^DROP/i.test(text) ? 'ACCESS EXCLUSIVE' : 'SHARE' }];
  }
  return [];
}
