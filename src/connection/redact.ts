/** What a hidden secret is replaced with. */
export const REDACTED = '***';

// `scheme://user:password@` with the password running to the LAST '@': if a password holds a
// raw '@', hiding too much beats showing part of it. The user part stops at ':' '/' '@' as in
// SQLAlchemy, so `sqlite:////a@b` and `mysql://u@h:3306/d?x=@` are left alone.
const WITH_SCHEME = /^(\s*[A-Za-z][\w+.-]*:\/\/[^:/@]*:)(.+)@/;
// The same without a scheme (a malformed URL such as `user:pass@host/db`).
const WITHOUT_SCHEME = /^(\s*[^\s:/@]*:)(.+)@/;

/**
 * `postgresql://watcher:secret@db/watcher` -> `postgresql://watcher:***@db/watcher`. Everything
 * but the password is kept; a URL without a password is returned unchanged. Works on strings
 * that are not valid URLs too, since it is used to build the messages that reject them.
 */
export function redactUrl(url: string): string {
  const pattern = url.includes('://') ? WITH_SCHEME : WITHOUT_SCHEME;
  return url.replace(pattern, (_match, prefix: string) => `${prefix}${REDACTED}@`);
}

/**
 * Replaces every occurrence of each non-empty secret in `text` with `***`: the secret as it is
 * and as it may appear percent-encoded in a URL (upper- or lower-case hex, or with only the
 * characters SQLAlchemy quotes). Used on driver error messages and logged SQL.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const encoded = encodeURIComponent(secret);
    forms.add(secret);
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    forms.add(secret.replace(/[:@/]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
  }
  // Longest first, so that a secret inside another one's encoded form cannot leave a fragment.
  return [...forms]
    .sort((a, b) => b.length - a.length)
    .reduce((result, form) => result.split(form).join(REDACTED), text);
}
