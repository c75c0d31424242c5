/**
 * The table a schema or data statement works on, read from its text: what a lock-wait warning
 * names when the server did not say which table a wait was for (MySQL without performance_schema
 * tells that a statement waits for a metadata lock, not for which table). Quoting differs per
 * backend ("t", `t`, t). A catalog read (TypeORM's information_schema.columns, pg_catalog) gives
 * none: what it waits for is a user table its text does not name.
 */
export function statementTable(sql: string): string | undefined {
  const name = String.raw`(?:["\x60]?([\w$]+)["\x60]?\.)?["\x60]?([\w$]+)["\x60]?`;
  const patterns = [
    new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${name}`, 'i'),
    new RegExp(String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+ON\s+(?:ONLY\s+)?${name}`, 'i'),
    new RegExp(String.raw`^\s*(?:CREATE|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${name}`, 'i'),
    new RegExp(String.raw`^\s*DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?\S+\s+ON\s+${name}`, 'i'),
    new RegExp(String.raw`^\s*LOCK\s+TABLE\s+(?:ONLY\s+)?${name}`, 'i'),
    new RegExp(String.raw`^\s*UPDATE\s+${name}`, 'i'),
    new RegExp(String.raw`^\s*INSERT\s+INTO\s+${name}`, 'i'),
    new RegExp(String.raw`^\s*DELETE\s+FROM\s+${name}`, 'i'),
    new RegExp(String.raw`^\s*SELECT\b[\s\S]*?\bFROM\s+${name}`, 'i'),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(sql);
    if (!match) continue;
    const [, schema, table] = match;
    return isCatalog(schema, table) ? undefined : table;
  }
  return undefined;
}

const CATALOG_SCHEMAS = /^(information_schema|pg_catalog|performance_schema|mysql|sys)$/i;

function isCatalog(schema: string | undefined, table: string): boolean {
  return (schema !== undefined && CATALOG_SCHEMAS.test(schema)) || /^(pg_|sqlite_)/i.test(table);
}

/**
 * The one table a catalog read looks up by name (TypeORM's reads before an ALTER write it inline:
 * `"table_name" = 'audits'`, `"t"."relname" = 'audits'`): on PostgreSQL such a read waits for that
 * table's lock. The fallback for when the server's own account of the wait came too late (a
 * loaded machine may not ask within the lock timeout). None when it names no table or several.
 */
export function catalogReadTable(sql: string): string | undefined {
  const names = new Set<string>();
  for (const m of sql.matchAll(/["\x60]?(?:table_name|relname)["\x60]?\s*=\s*'([\w$]+)'/gi)) names.add(m[1]);
  if (names.size !== 1) return undefined;
  const [table] = names;
  return isCatalog(undefined, table) ? undefined : table;
}
