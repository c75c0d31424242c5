/**
 * Free text (a revision message, an id from a hand-written revision file) written where a reader
 * takes it for a comment: an SQL script run by a DBA (`upgrade --sql`) and a TypeScript revision
 * file. Whatever the text holds, it stays comment: a line break of any kind cannot start a
 * statement, and a comment terminator cannot end the comment early.
 */

/**
 * Every sequence an editor, psql, the mysql client or the sqlite3 shell may take for the end of a
 * line: CR LF, LF, CR, vertical tab, form feed, NEL, LINE and PARAGRAPH SEPARATOR.
 */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** Other control characters (tab excepted): a NUL may cut the line short in a C client. */
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;

/** The text's lines, split at every kind of line break, without control characters. */
export function textLines(text: string): string[] {
  return text.split(LINE_BREAK).map((line) => line.replace(CONTROL, ' '));
}

/**
 * The text as SQL comment lines, each one `-- ...`, joined by `\n`. Line comments only: they end at
 * the line break and nothing else, where a block comment would end at the first `*` `/`.
 */
export function sqlComment(text: string): string {
  return textLines(text)
    .map((line) => (line ? `-- ${line}` : '--'))
    .join('\n');
}

/** The text as the lines of a `/** ... *\/` doc comment (` * ...`), with any `*` `/` inside broken apart. */
export function docCommentLines(text: string): string[] {
  return textLines(text).map((line) => ` * ${line.replace(/\*\//g, '* /')}`.trimEnd());
}

/**
 * A TypeScript single-quoted string literal that evaluates to `value`: backslashes, quotes, line
 * breaks and control characters escaped (JSON's escapes, which are TypeScript's too).
 */
export function tsStringLiteral(value: string): string {
  const json = JSON.stringify(value)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return `'${json}'`;
}
