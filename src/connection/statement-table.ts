/**
 * The table a schema or data statement works on, read from its text: what a lock-wait warning
 * names, and where the lock holders are looked for. Quoting differs per backend ("t", `t`, t).
 */
export function statementTable(sql: string): string | undefined {
  const name = String.raw`(?:["\x60]?[\w$]+["\x60]?\.)?["\x60]?([\w$]+)["\x60]?`;
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
    if (match) return match[1];
  }
  return undefined;
}
