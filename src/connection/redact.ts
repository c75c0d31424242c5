import { PASSWORD_KEYS, parseQsl, splitUrl, unquote, unquotePlus } from './url-syntax';

/** What a hidden secret is replaced with. */
export const REDACTED = '***';

// `scheme://user:password@` with the password running to the LAST '@': if a password holds a
// raw '@', hiding too much beats showing part of it. The user part stops at ':' '/' '@' as in
// SQLAlchemy, so `sqlite:////a@b` and `mysql://u@h:3306/d?x=@` are left alone.
const WITH_SCHEME = /^(\s*[A-Za-z][\w+.-]*:\/\/[^:/@]*:)(.+)@/;
// The same without a scheme (a malformed URL such as `user:pass@host/db`).
const WITHOUT_SCHEME = /^(\s*[^\s:/@]*:)(.+)@/;

function userInfoPattern(url: string): RegExp {
  return url.includes('://') ? WITH_SCHEME : WITHOUT_SCHEME;
}

/** Where the query starts: as SQLAlchemy cuts the URL, else (a malformed URL) after the first '?'. */
function queryStart(url: string): number {
  const query = splitUrl(url)?.query;
  if (query !== undefined) return url.length - query.length;
  const mark = url.indexOf('?');
  return mark < 0 ? -1 : mark + 1;
}

/**
 * `postgresql://watcher:secret@db/watcher` -> `postgresql://watcher:***@db/watcher`, and
 * `...?password=secret` -> `...?password=***` (also `passwd`, and keys written percent-encoded).
 * Everything else is kept; a URL without a password is returned unchanged. Works on strings that
 * are not valid URLs too, since it is used to build the messages that reject them.
 */
export function redactUrl(url: string): string {
  const hidden = url.replace(userInfoPattern(url), (_match, prefix: string) => `${prefix}${REDACTED}@`);
  const start = queryStart(hidden);
  if (start < 0) return hidden;
  let hiding = false;
  const parts = hidden
    .slice(start)
    .split('&')
    .flatMap((part) => {
      const eq = part.indexOf('=');
      // A part without '=' after a password is most likely the rest of one holding a raw '&'.
      if (eq < 0) return hiding ? [] : [part];
      hiding = PASSWORD_KEYS.has(unquotePlus(part.slice(0, eq)));
      return [hiding ? `${part.slice(0, eq + 1)}${REDACTED}` : part];
    });
  return hidden.slice(0, start) + parts.join('&');
}

/**
 * Every password a URL holds, each as written and as decoded: the user-info one (as the URL
 * grammar reads it, and up to the last '@' in case the grammar is wrong about it) and each
 * `password`/`passwd` query value. For registering with redactSecrets before anything can fail.
 */
export function secretsInUrl(url: string): string[] {
  const secrets = new Set<string>();
  const conservative = userInfoPattern(url).exec(url)?.[2];
  const parts = splitUrl(url);
  for (const raw of [conservative, parts?.password]) {
    if (raw) secrets.add(raw).add(unquote(raw));
  }
  const start = queryStart(url);
  if (start >= 0) {
    for (const pair of parseQsl(url.slice(start))) {
      if (PASSWORD_KEYS.has(pair.key)) secrets.add(pair.rawValue).add(pair.value).add(unquote(pair.rawValue));
    }
  }
  return [...secrets].filter((secret) => secret !== '');
}

/** Every way a secret may be spelled in text we print: as it is, URL-encoded, JSON- or SQL-quoted. */
function spellings(secret: string): string[] {
  const hex = (c: string) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const encoded = encodeURIComponent(secret);
  // Python's quote(): everything but letters, digits and _.-~ (encodeURIComponent keeps !'()*).
  const quoted = secret.replace(/[^A-Za-z0-9_.~-]/gu, hex);
  // SQLAlchemy 1.4 writes a URL's password with only ':', '@' and '/' quoted.
  const sqlalchemy = secret.replace(/[:@/]/g, hex);
  const forms = [secret, encoded, quoted, sqlalchemy, JSON.stringify(secret).slice(1, -1), secret.replace(/'/g, "''")];
  for (const form of [encoded, quoted]) {
    // A query string writes a space as '+'.
    forms.push(form.replace(/%20/g, '+'));
  }
  return forms.flatMap((form) => [form, form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]);
}

/**
 * Replaces every occurrence of each non-empty secret in `text` with `***`: the secret as it is
 * and as it may appear percent-encoded in a URL (upper- or lower-case hex, spaces as %20 or '+',
 * or with only the characters SQLAlchemy quotes), JSON-escaped or with SQL's doubled quotes.
 * Used on every line the CLI prints, driver error messages and logged SQL.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret) for (const form of spellings(secret)) forms.add(form);
  }
  // Longest first, so that a secret inside another one's encoded form cannot leave a fragment.
  return [...forms]
    .filter((form) => form !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((result, form) => result.split(form).join(REDACTED), text);
}
