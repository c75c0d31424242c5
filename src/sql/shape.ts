import type { Backend } from '../dialect/backend';
import { isPunct, isWord, tokenize } from './tokens';

/**
 * What the runtime must know of a statement before it is sent, whoever wrote it (the kit, TypeORM, a
 * revision's raw SQL): read here, with the tokenizer the plan's reader uses, rather than by a pattern
 * in each stage that cares, so that a keyword inside a string or a quoted name is never taken for one.
 */
export interface StatementShape {
  /** Changes nothing: SELECT, SHOW, a PRAGMA that asks (`PRAGMA x`, `PRAGMA x(...)`). */
  reads: boolean;
  /** Opens a transaction (BEGIN, START TRANSACTION) or ends one (COMMIT, ROLLBACK but not ROLLBACK TO a savepoint). */
  transaction?: 'begins' | 'ends';
  /** ALTER TABLE. */
  altersTable: boolean;
  /** The ALGORITHM= it names (MySQL), upper-cased. */
  algorithm?: string;
}

export function shapeOf(sql: string, backend: Backend): StatementShape {
  // The first words say most; the whole statement is read only where it may name an algorithm.
  const t = tokenize(sql, backend, /\bALGORITHM\b/i.test(sql) ? Infinity : 3);
  const [first, second, third] = t;
  const pragmaAsks = isWord(first, 'PRAGMA') && second !== undefined && (third === undefined || isPunct(third, '(') || isPunct(third, ';'));
  const at = t.findIndex((token, i) => isWord(token, 'ALGORITHM') && isPunct(t[i + 1], '='));
  return {
    reads: isWord(first, 'SELECT', 'SHOW') || pragmaAsks,
    transaction:
      isWord(first, 'BEGIN') || (isWord(first, 'START') && isWord(second, 'TRANSACTION'))
        ? 'begins'
        : isWord(first, 'COMMIT', 'END') || (isWord(first, 'ROLLBACK') && !isWord(second, 'TO'))
          ? 'ends'
          : undefined,
    altersTable: isWord(first, 'ALTER') && isWord(second, 'TABLE'),
    ...(at >= 0 && t[at + 2] ? { algorithm: t[at + 2].value.toUpperCase() } : {}),
  };
}
