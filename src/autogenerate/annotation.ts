import type { QueryRunner } from 'typeorm';
import type { SchemaOperation } from '../operations';

/**
 * Something the developer must read about one generated operation before trusting it: a drop that
 * loses data, a drop and an add that may be a rename. The command prints each as a warning line and
 * the revision file carries the same text as a comment above that operation's statements in `up`.
 */
export interface Annotation {
  operation: SchemaOperation;
  text: string;
}

/**
 * One source of annotations. It may read the live database (row counts), through the same runner
 * the comparison used, while the database is still the one the operations were computed against.
 */
export type Annotator = (runner: QueryRunner, operations: SchemaOperation[]) => Promise<Annotation[]> | Annotation[];

/** Every annotator's findings, in the order of the operations they are about. */
export async function annotate(runner: QueryRunner, operations: SchemaOperation[], annotators: Annotator[]): Promise<Annotation[]> {
  const found: Annotation[] = [];
  for (const annotator of annotators) found.push(...(await annotator(runner, operations)));
  return found.sort((a, b) => operations.indexOf(a.operation) - operations.indexOf(b.operation));
}
