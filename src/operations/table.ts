import { TableModel } from '../schema/model';
import { Operation, q } from './operation';

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
    return new DropTable(this.definition);
  }
}

/**
 * A table the database has and the entities lack. It carries the table as the database has it, so
 * that the reverse (in `down`) can recreate it exactly.
 */
export class DropTable implements Operation {
  readonly kind = 'drop_table';
  readonly table: string;

  constructor(readonly definition: TableModel) {
    this.table = definition.name;
  }

  describe(): string {
    return `Detected removed table ${q(this.table)}`;
  }

  reverse(): AddTable {
    return new AddTable(this.definition);
  }
}
