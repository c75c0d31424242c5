import { TableModel } from '../schema/model';
import { notReversible, Operation, q } from './operation';

/** A table the entities have and the database lacks; carries the whole definition to create it. */
export class AddTable implements Operation {
  readonly kind = 'add_table';
  readonly table: string;

  constructor(readonly definition: TableModel) {
    this.table = definition.name;
  }

  describe(): string {
    return `Detected added table ${q(this.table)}`;
  }

  reverse(): DropTable {
    return new DropTable(this.table, this.definition);
  }
}

/**
 * A table the database has and the entities lack. Autogenerate gives the table as the database has
 * it, so that the reverse (in `down`) can recreate it exactly; a revision's dropTable names only the
 * table, and its op does not reverse.
 */
export class DropTable implements Operation {
  readonly kind = 'drop_table';

  constructor(
    readonly table: string,
    readonly definition?: TableModel,
  ) {}

  describe(): string {
    return `Detected removed table ${q(this.table)}`;
  }

  reverse(): AddTable {
    if (!this.definition) throw notReversible(this);
    return new AddTable(this.definition);
  }
}
