import type { Backend } from '../dialect/backend';
import { dialectFor } from '../dialect';

/**
 * A small SQL tokenizer for the classifiers: enough to tell statements apart by their keywords and
 * to find the names they act on, without matching keywords inside string literals or quoted names.
 * It reads the statements TypeORM and the kit generate, not arbitrary SQL.
 */
export interface Token {
  kind: 'word' | 'ident' | 'string' | 'number' | 'punct';
  /** A word upper-cased, a quoted identifier unquoted, punctuation as written. */
  value: string;
  start: number;
  end: number;
}

/** `limit`: stop after that many tokens (a reader that needs only the first words). */
export function tokenize(sql: string, backend: Backend, limit = Infinity): Token[] {
  const { stringQuotes, backslashEscapes } = dialectFor(backend);
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: Token['kind'], value: string, start: number) => tokens.push({ kind, value, start, end: i });
  while (i < sql.length && tokens.length < limit) {
    const c = sql[i];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (stringQuotes.includes(c)) {
      i++;
      while (i < sql.length) {
        if (backslashEscapes && sql[i] === '\\') i += 2;
        else if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i++;
      }
      i++;
      push('string', sql.slice(start, i), start);
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let value = '';
      i++;
      while (i < sql.length) {
        if (sql[i] === close && sql[i + 1] === close && close !== ']') {
          value += close;
          i += 2;
        } else if (sql[i] === close) {
          i++;
          break;
        } else {
          value += sql[i++];
        }
      }
      push('ident', value, start);
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i])) i++;
      push('word', sql.slice(start, i).toUpperCase(), start);
    } else if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9.]/.test(sql[i])) i++;
      push('number', sql.slice(start, i), start);
    } else if (c === ':' && sql[i + 1] === ':') {
      i += 2;
      push('punct', '::', start);
    } else {
      i++;
      push('punct', c, start);
    }
  }
  return tokens;
}

/** Whether the token is the keyword `word` (any case, unquoted). */
export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value);
}

export function isPunct(token: Token | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.value === value;
}

/** Whether the tokens from `at` are the keywords `words`, in order. */
export function startsWith(tokens: Token[], words: string[], at = 0): boolean {
  return words.every((w, k) => isWord(tokens[at + k], w));
}

/** Skips the optional keywords at `at` (e.g. IF NOT EXISTS), returning the position after them. */
export function skipWords(tokens: Token[], at: number, ...sequences: string[][]): number {
  for (const seq of sequences) if (startsWith(tokens, seq, at)) return at + seq.length;
  return at;
}

/** A possibly schema-qualified name at `at` (`"public"."audits"` gives audits), or undefined. */
export function nameAt(tokens: Token[], at: number): { name: string; next: number } | undefined {
  const first = tokens[at];
  if (!first || (first.kind !== 'ident' && first.kind !== 'word')) return undefined;
  let name = first.kind === 'word' ? first.value.toLowerCase() : first.value;
  let next = at + 1;
  while (isPunct(tokens[next], '.') && tokens[next + 1] && (tokens[next + 1].kind === 'ident' || tokens[next + 1].kind === 'word')) {
    const part = tokens[next + 1];
    name = part.kind === 'word' ? part.value.toLowerCase() : part.value;
    next += 2;
  }
  return { name, next };
}

/** The tokens split at commas that are not inside parentheses (the clauses of an ALTER TABLE). */
export function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) depth--;
    if (depth === 0 && isPunct(t, ',')) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts.filter((p) => p.length > 0);
}

/** The index of the first top-level keyword among `words` at or after `from`, or -1. */
export function findTopLevelWord(tokens: Token[], words: string[], from = 0): number {
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    if (isPunct(tokens[k], '(')) depth++;
    else if (isPunct(tokens[k], ')')) depth--;
    else if (depth === 0 && isWord(tokens[k], ...words)) return k;
  }
  return -1;
}

/** The original text of tokens[from..to) of `sql`. */
export function textOf(sql: string, tokens: Token[], from: number, to = tokens.length): string {
  if (from >= to || from >= tokens.length) return '';
  return sql.slice(tokens[from].start, tokens[Math.min(to, tokens.length) - 1].end);
}

/**
 * Every table a statement reads through FROM or JOIN (sub-queries included), in order of first
 * mention; `except` is left out (the statement's own table).
 */
export function tablesRead(tokens: Token[], except: string): string[] {
  const found: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    if (!isWord(tokens[k], 'FROM', 'JOIN')) continue;
    const named = nameAt(tokens, k + 1);
    if (!named || isPunct(tokens[k + 1], '(')) continue;
    // Keywords that can follow FROM in the statements we read (EXTRACT(x FROM y) has a word too,
    // but no Watcher statement uses it).
    if (tokens[k + 1].kind === 'word' && ['SELECT', 'ONLY', 'LATERAL'].includes(tokens[k + 1].value)) continue;
    if (named.name !== except && !found.includes(named.name)) found.push(named.name);
  }
  return found;
}
