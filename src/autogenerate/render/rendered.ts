/** Statements for one operation (without indentation) and the kit names they use. */
export interface Rendered {
  lines: string[];
  uses: string[];
}

/** One rendered kit call (source.ts kitCall), preceded by comment lines if any. */
export function rendered(call: { line: string; uses: string[] }, before: string[] = []): Rendered {
  return { lines: [...before, call.line], uses: call.uses };
}
