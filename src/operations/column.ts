import type { ServerDefault } from '../schema/server-default';
import { describeDefault } from '../schema/column-default';
import { ColumnModel, ColumnType, describeType } from '../schema/model';
import { notReversible, Operation, q } from './operation';

export class AddColumn implements Operation {
  readonly kind = 'add_column';

  constructor(
    readonly table: string,
    readonly column: ColumnModel,
  ) {}

  describe(): string {
    return `Detected added column ${q(`${this.table}.${this.column.name}`)}`;
  }

  reverse(): DropColumn {
    return new DropColumn(this.table, this.column.name, this.column);
  }
}

/**
 * `column` is the column as the database has it, so the reverse can add it back: autogenerate knows
 * it; a revision's dropColumn names only the column, and its op does not reverse.
 */
export class DropColumn implements Operation {
  readonly kind = 'drop_column';

  constructor(
    readonly table: string,
    readonly name: string,
    readonly column?: ColumnModel,
  ) {}

  describe(): string {
    return `Detected removed column ${q(`${this.table}.${this.name}`)}`;
  }

  reverse(): AddColumn {
    if (!this.column) throw notReversible(this);
    return new AddColumn(this.table, this.column);
  }
}

/**
 * A column whose stored type differs. `nullable` is the column's nullability while the type changes:
 * MySQL can only restate a whole column, so it has to be said again.
 */
export class AlterColumnType implements Operation {
  readonly kind = 'alter_column_type';

  constructor(
    readonly table: string,
    readonly column: string,
    readonly from: ColumnType,
    readonly to: ColumnType,
    readonly nullable: boolean,
  ) {}

  describe(): string {
    return `Detected type change from ${describeType(this.from)} to ${describeType(this.to)} on ${q(`${this.table}.${this.column}`)}`;
  }

  reverse(): AlterColumnType {
    return new AlterColumnType(this.table, this.column, this.to, this.from, this.nullable);
  }
}

/** NULL / NOT NULL on a column of type `type` (Alembic's `existing_type`). */
export class AlterColumnNullability implements Operation {
  readonly kind = 'alter_column_nullability';

  constructor(
    readonly table: string,
    readonly column: string,
    readonly type: ColumnType,
    readonly nullable: boolean,
  ) {}

  describe(): string {
    return `Detected ${this.nullable ? 'NULL' : 'NOT NULL'} on column ${q(`${this.table}.${this.column}`)}`;
  }

  reverse(): AlterColumnNullability {
    return new AlterColumnNullability(this.table, this.column, this.type, !this.nullable);
  }
}

/**
 * A server default added to, changed on or removed from a column (undefined: none). `existing` is the
 * column's type and default before, which autogenerate knows; a revision's alterColumnDefault gives
 * only the new default, and its op does not reverse.
 */
export class AlterColumnDefault implements Operation {
  readonly kind = 'alter_column_default';

  constructor(
    readonly table: string,
    readonly column: string,
    readonly to: ServerDefault | undefined,
    readonly existing?: { type: ColumnType; default: ServerDefault | undefined },
  ) {}

  describe(): string {
    const from = this.existing ? `from ${describeDefault(this.existing.default)} ` : '';
    return `Detected server default change ${from}to ${describeDefault(this.to)} on ${q(`${this.table}.${this.column}`)}`;
  }

  reverse(): AlterColumnDefault {
    if (!this.existing) throw notReversible(this);
    return new AlterColumnDefault(this.table, this.column, this.existing.default, { type: this.existing.type, default: this.to });
  }
}

/**
 * A column renamed in place, keeping its data (only ever asked for: `revision --autogenerate --rename`;
 * a comparison alone cannot tell a rename from a drop and an add).
 */
export class RenameColumn implements Operation {
  readonly kind = 'rename_column';

  constructor(
    readonly table: string,
    readonly from: string,
    readonly to: string,
  ) {}

  describe(): string {
    return `Detected renamed column ${q(`${this.table}.${this.from}`)} to ${q(`${this.table}.${this.to}`)}`;
  }

  reverse(): RenameColumn {
    return new RenameColumn(this.table, this.to, this.from);
  }
}
