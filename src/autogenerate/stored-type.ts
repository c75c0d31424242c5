import type { Backend } from '../dialect/backend';
import { dialectFor } from '../dialect';
import { ColumnType } from '../schema/model';

/** What `backend` really stores for a generic type (Dialect.storedType). */
export function storedType(backend: Backend, type: ColumnType): string {
  return dialectFor(backend).storedType(type);
}

/** Two types are the same when they store the same: a type never shows as changed because it was written differently. */
export function sameStoredType(backend: Backend, a: ColumnType, b: ColumnType): boolean {
  return storedType(backend, a) === storedType(backend, b);
}
