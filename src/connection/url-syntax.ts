// The lexical side of SQLAlchemy's database URLs, shared by the parser (url.ts) and by redaction
// (redact.ts), so that both cut a URL into the same parts and decode them the same way.

// SQLAlchemy's own grammar (sqlalchemy/engine/url.py, _parse_url), anchored at the end. We do
// not use WHATWG `URL`: it ends the authority at the first '/', '?' or '#', so a password with
// one of those unencoded (valid for SQLAlchemy, which ends the password at '@') would silently
// turn into host, port and database.
const SQLALCHEMY_URL = new RegExp(
  '^(?<scheme>[\\w+]+)://' +
    '(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?' +
    '(?:(?:\\[(?<ipv6host>[^/?]+)\\]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?' +
    '(?:/(?<database>[^?]*))?' +
    '(?:\\?(?<query>.*))?$',
);

export interface UrlParts {
  scheme: string;
  username?: string;
  password?: string;
  ipv6host?: string;
  ipv4host?: string;
  port?: string;
  database?: string;
  query?: string;
}

/** The URL cut as SQLAlchemy cuts it, nothing decoded; undefined when it does not fit the grammar. */
export function splitUrl(url: string): UrlParts | undefined {
  return SQLALCHEMY_URL.exec(url)?.groups as UrlParts | undefined;
}

/** Python's urllib.parse.unquote: decodes valid %XX runs, leaves a stray '%' as it is. */
export function unquote(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run; // not UTF-8
    }
  });
}

/** Python's unquote_plus: as unquote, with '+' a space (how a query string is decoded). */
export function unquotePlus(text: string): string {
  return unquote(text.replace(/\+/g, ' '));
}

export interface QueryPair {
  key: string;
  value: string;
  /** The value as written, before decoding. */
  rawValue: string;
}

/**
 * Python's parse_qsl as SQLAlchemy calls it: pairs split at '&', '+' is a space, percent-escapes
 * are decoded, a part without '=' and a pair with an empty value are dropped.
 */
export function parseQsl(query: string | undefined): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const part of (query ?? '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0 || eq === part.length - 1) continue;
    const rawValue = part.slice(eq + 1);
    pairs.push({ key: unquotePlus(part.slice(0, eq)), value: unquotePlus(rawValue), rawValue });
  }
  return pairs;
}

/**
 * Query keys that carry a password: libpq reads `password` (psycopg2 hands it unknown query keys),
 * PyMySQL and MySQLdb read `password` and its older name `passwd` (SQLAlchemy passes the query
 * to them as connect arguments).
 */
export const PASSWORD_KEYS: ReadonlySet<string> = new Set(['password', 'passwd']);
