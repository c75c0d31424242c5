/** Statements for one operation (without indentation) and the kit functions they call. */
export interface Rendered {
  lines: string[];
  uses: string[];
}
