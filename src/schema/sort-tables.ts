import { TableModel } from './model';

/**
 * Orders tables so that every table comes after the tables its foreign keys reference, keeping the
 * given order otherwise (as SQLAlchemy's sort_tables does), so CREATE statements can run in turn.
 */
export function sortByDependency(tables: TableModel[]): TableModel[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: TableModel[] = [];
  const visit = (table: TableModel): void => {
    if (done.has(table.name) || visiting.has(table.name)) return;
    visiting.add(table.name);
    for (const fk of table.foreignKeys) {
      const target = byName.get(fk.referencedTable);
      if (target && target !== table) visit(target);
    }
    visiting.delete(table.name);
    done.add(table.name);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}
