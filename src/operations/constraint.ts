import { ForeignKeyModel, IndexModel, KeyModel } from '../schema/model';
import { columnList, notReversible, Operation, q } from './operation';

function uniqueText(table: string, unique: KeyModel): string {
  return `${unique.name ? `${q(unique.name)} ` : ''}on ${table}${columnList(unique.columns)}`;
}

export class AddUnique implements Operation {
  readonly kind = 'add_unique';

  constructor(
    readonly table: string,
    readonly unique: KeyModel,
  ) {}

  describe(): string {
    return `Detected added unique constraint ${uniqueText(this.table, this.unique)}`;
  }

  reverse(): DropUnique {
    return new DropUnique(this.table, this.unique);
  }
}

export class DropUnique implements Operation {
  readonly kind = 'drop_unique';

  constructor(
    readonly table: string,
    readonly unique: KeyModel,
  ) {}

  describe(): string {
    return `Detected removed unique constraint ${uniqueText(this.table, this.unique)}`;
  }

  reverse(): AddUnique {
    return new AddUnique(this.table, this.unique);
  }
}

function indexText(table: string, index: IndexModel): string {
  return `${index.unique ? 'unique index' : 'index'} ${q(index.name)} on ${table}${columnList(index.columns)}`;
}

export class AddIndex implements Operation {
  readonly kind = 'add_index';

  constructor(
    readonly table: string,
    readonly index: IndexModel,
  ) {}

  describe(): string {
    return `Detected added ${indexText(this.table, this.index)}`;
  }

  reverse(): DropIndex {
    return new DropIndex(this.table, this.index.name, this.index);
  }
}

/** `index` as the database has it, which autogenerate knows; a revision's dropIndex names only the index, and its op does not reverse. */
export class DropIndex implements Operation {
  readonly kind = 'drop_index';

  constructor(
    readonly table: string,
    readonly name: string,
    readonly index?: IndexModel,
  ) {}

  describe(): string {
    return `Detected removed ${this.index ? indexText(this.table, this.index) : `index ${q(this.name)} on ${this.table}`}`;
  }

  reverse(): AddIndex {
    if (!this.index) throw notReversible(this);
    return new AddIndex(this.table, this.index);
  }
}

/**
 * Foreign keys are known by their columns and target, never by name: each backend names an unnamed
 * key itself (audits_goal_id_fkey, audits_ibfk_1, none on SQLite), so a name cannot travel.
 */
function foreignKeyText(table: string, fk: ForeignKeyModel): string {
  return `${table}${columnList(fk.columns)} -> ${fk.referencedTable}${columnList(fk.referencedColumns)}`;
}

export class AddForeignKey implements Operation {
  readonly kind = 'add_foreign_key';

  constructor(
    readonly table: string,
    readonly foreignKey: ForeignKeyModel,
  ) {}

  describe(): string {
    return `Detected added foreign key ${foreignKeyText(this.table, this.foreignKey)}`;
  }

  reverse(): DropForeignKey {
    return new DropForeignKey(this.table, this.foreignKey);
  }
}

export class DropForeignKey implements Operation {
  readonly kind = 'drop_foreign_key';

  constructor(
    readonly table: string,
    readonly foreignKey: ForeignKeyModel,
  ) {}

  describe(): string {
    return `Detected removed foreign key ${foreignKeyText(this.table, this.foreignKey)}`;
  }

  reverse(): AddForeignKey {
    return new AddForeignKey(this.table, this.foreignKey);
  }
}
