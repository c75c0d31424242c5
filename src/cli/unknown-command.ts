import { HELP_COMMAND } from './argv';

/** The commands the tool takes, as the unknown-command message names them. */
export interface CommandNames {
  /** The tool's own commands, listed in the message. */
  own: readonly string[];
  /** Commands of plugins (autocomplete): suggested when nearest, not listed. */
  others: readonly string[];
}

/** The parts of oclif's Config the names come from. */
interface CommandSource {
  pjson: { name: string };
  commands: ReadonlyArray<{ id: string; pluginName?: string; hidden?: boolean }>;
}

export function commandNames(config: CommandSource): CommandNames {
  const visible = config.commands.filter((c) => !c.hidden);
  const ids = (own: boolean) => visible.filter((c) => (c.pluginName === config.pjson.name) === own).map((c) => c.id).sort();
  return { own: ids(true), others: ids(false) };
}

/**
 * One line for a word in the command's place that is no command, as argparse's "invalid choice"
 * lists the choices: the nearest command when the word looks like a misspelling of one, then the list.
 */
export function unknownCommandMessage(name: string, commands: CommandNames): string {
  const suggestion = nearestCommand(name, [...commands.own, HELP_COMMAND, ...commands.others]);
  return (
    `unknown command '${name}'` +
    (suggestion ? `; did you mean '${suggestion}'?` : '.') +
    ` Commands: ${commands.own.join(', ')}; ${HELP_COMMAND} [COMMAND] describes them`
  );
}

/**
 * The candidate nearest to `name` in edits (case aside), if it is near enough to be a misspelling:
 * at most two edits, or a third of the word for long ones. None for a word like no command at all.
 */
export function nearestCommand(name: string, candidates: readonly string[]): string | undefined {
  const word = name.toLowerCase();
  let best: { id: string; distance: number } | undefined;
  for (const id of candidates) {
    const distance = editDistance(word, id.toLowerCase());
    if (!best || distance < best.distance) best = { id, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.id : undefined;
}

/**
 * Levenshtein distance, one row at a time. Written here rather than taken from a package: oclif's
 * plugin-not-found (fast-levenshtein) asks "did you mean" interactively and exits 127, and a new
 * runtime dependency in the .deb is not worth a dozen lines over a dozen short names.
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
