import { ConfigError } from '../errors';

/** One `key = value` found in a config file, in file order. */
export interface IniAssignment {
  section: string;
  key: string;
  value: string;
  /** 1-based line number of the line that holds the key. */
  line: number;
}

/**
 * Parses the INI dialect of oslo.config (oslo_config/iniparser.py), which no npm INI package
 * reads correctly: `key = value` and `key: value` (whichever separator comes first), `#`/`;`
 * full-line comments, and continuation lines (indented) that are joined to the value with "\n"
 * until a blank line or the next unindented line. One pair of matching surrounding quotes is
 * removed from the first line of a value, as oslo.config does. Inline comments do not exist:
 * `a = b # c` has the value `b # c`.
 *
 * Errors name the file and line but never echo the line, which may hold a password.
 */
export function parseIni(text: string, file: string): IniAssignment[] {
  const result: IniAssignment[] = [];
  let section: string | undefined;
  let pending: IniAssignment | undefined;
  let valueLines: string[] = [];

  const flush = () => {
    if (pending) result.push({ ...pending, value: valueLines.join('\n') });
    pending = undefined;
    valueLines = [];
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const [index, rawLine] of lines.entries()) {
    const lineNo = index + 1;
    const line = rawLine.trimEnd();
    if (line === '') {
      flush(); // a blank line ends a multi-line value
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!pending) malformed(file, lineNo, 'indented line that does not continue a value');
      valueLines.push(line.trimStart());
      continue;
    }
    flush();
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) malformed(file, lineNo, 'section header must end with ]');
      if (line.length <= 2) malformed(file, lineNo, 'empty section name');
      section = line.slice(1, -1);
    } else if (line.startsWith('#') || line.startsWith(';')) {
      // comment
    } else {
      const { key, value } = splitKeyValue(line) ?? malformed(file, lineNo, "expected 'key = value', '[section]' or a comment");
      if (key === '') malformed(file, lineNo, 'empty key');
      if (section === undefined) malformed(file, lineNo, 'option set before any [section] header');
      pending = { section, key, value: '', line: lineNo };
      valueLines = [value];
    }
  }
  flush();
  return result;
}

function malformed(file: string, lineNo: number, why: string): never {
  throw new ConfigError(`Malformed config file ${file} at line ${lineNo}: ${why}`);
}

function splitKeyValue(line: string): { key: string; value: string } | undefined {
  const colon = line.indexOf(':');
  const equal = line.indexOf('=');
  if (colon < 0 && equal < 0) return undefined;
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  let value = line.slice(at + 1).trim();
  // Exactly oslo.config's test, so a lone `"` becomes '' there and here.
  if ((value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
    value = value.slice(1, -1);
  }
  return { key: line.slice(0, at).trim(), value };
}
