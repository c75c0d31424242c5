import { Counts, KINDS, LABELS } from './kinds';

/**
 * Centres as Python's prettytable (and str.center) does: with an odd excess, the extra space goes
 * right of odd-length text and left of even-length text.
 */
function centre(text: string, width: number): string {
  const excess = width - text.length;
  const half = Math.floor(excess / 2);
  if (excess % 2 === 0) return ' '.repeat(half) + text + ' '.repeat(half);
  return text.length % 2 ? ' '.repeat(half) + text + ' '.repeat(half + 1) : ' '.repeat(half + 1) + text + ' '.repeat(half);
}

/**
 * The reference's count table (a prettytable with the kinds and Total as columns and one row of
 * counts), character for character, so that operators' scripts reading it keep working.
 */
export function renderCountTable(counts: Counts): string {
  const headers = [...KINDS.map((k) => LABELS[k]), 'Total'];
  const values = [...KINDS.map((k) => String(counts[k])), String(counts.total)];
  const widths = headers.map((h, i) => Math.max(h.length, values[i].length));
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const row = (cells: string[]) => '|' + cells.map((c, i) => ` ${centre(c, widths[i])} `).join('|') + '|';
  return [rule, row(headers), rule, row(values), rule].join('\n');
}
