import type { SchemaOperation } from '../operations';
import type { MigrationContext } from './context';
import { kitImplOf } from './impl/kit-impl';

/**
 * Runs one operation with the implementation of the backend `db` talks to (Alembic's
 * `Operations.invoke`): every kit function that changes the schema builds its operation value and
 * comes through here.
 */
export async function apply(db: MigrationContext, op: SchemaOperation): Promise<void> {
  const impl = kitImplOf(db);
  switch (op.kind) {
    case 'add_table':
      return impl.addTable(db, op);
    case 'drop_table':
      return impl.dropTable(db, op);
    case 'add_column':
      return impl.addColumn(db, op);
    case 'drop_column':
      return impl.dropColumn(db, op);
    case 'rename_column':
      return impl.renameColumn(db, op);
    case 'alter_column_type':
      return impl.alterColumnType(db, op);
    case 'alter_column_nullability':
      return impl.alterColumnNullability(db, op);
    case 'alter_column_default':
      return impl.alterColumnDefault(db, op);
    case 'add_unique':
      return impl.addUnique(db, op);
    case 'drop_unique':
      return impl.dropUnique(db, op);
    case 'add_index':
      return impl.createIndex(db, op);
    case 'drop_index':
      return impl.dropIndex(db, op);
    case 'add_foreign_key':
      return impl.addForeignKey(db, op);
    case 'drop_foreign_key':
      return impl.dropForeignKey(db, op);
  }
}
