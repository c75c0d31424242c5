import { CONFIG_OPTIONS } from '../config/defaults';
import { envVarName } from '../config/options';
import { DEFAULT_COMMAND, HELP_COMMAND, referenceSpellings } from './argv';
import { EXIT_CODES } from './exit-codes';
import { globalFlagNames } from './global-flags';

/**
 * watcher-db-manage(1), in roff, written from the same command metadata `--help` prints (oclif's
 * cached commands: summary, description, args, flags, examples) and from the tables the tool itself
 * uses (EXIT_CODES, CONFIG_OPTIONS), so the page describes the build it ships with. Written at pack
 * time (scripts/man-page.js); it lives here, with the CLI, because it renders the CLI's own help.
 */

/** The parts of an oclif flag the page shows (oclif's cached flag, as in oclif.manifest.json). */
export interface ManFlag {
  name: string;
  type: 'boolean' | 'option';
  char?: string;
  summary?: string;
  description?: string;
  helpValue?: string | string[];
  helpGroup?: string;
  options?: readonly string[];
  default?: unknown;
  multiple?: boolean;
  hidden?: boolean;
  allowNo?: boolean;
}

export interface ManArg {
  name: string;
  description?: string;
  required?: boolean;
  options?: readonly string[];
}

/** The parts of an oclif command the page shows (oclif's Command.Cached). */
export interface ManCommand {
  id: string;
  pluginName?: string;
  summary?: string;
  description?: string;
  hidden?: boolean;
  args: Record<string, ManArg>;
  flags: Record<string, ManFlag>;
  examples?: ReadonlyArray<string | { command: string; description: string }>;
}

export interface ManPageInput {
  bin: string;
  /** The plugin whose commands share the global options (the tool's own, not autocomplete's). */
  pluginName: string;
  version: string;
  /** One line: what the tool is (package.json's description). */
  description: string;
  commands: readonly ManCommand[];
  /** The help flags oclif accepts besides --help (package.json oclif.additionalHelpFlags). */
  helpFlags: readonly string[];
  /** The page's date, YYYY-MM-DD. */
  date: string;
}

/** Workflows across commands; checked against the commands' flags like every other example. */
const WORKFLOWS: ReadonlyArray<{ text: string; command: string; env?: string }> = [
  { text: 'Bring a database up to date with the configuration Watcher uses:', command: '--config-file /etc/watcher/watcher.conf upgrade' },
  {
    text: 'A database named in the environment instead, to its latest revision:',
    command: 'upgrade --revision head',
    env: `${envVarName('database', 'connection')}=postgresql://watcher:secret@db.example.org/watcher`,
  },
  { text: 'Which revision the database is at, for a script:', command: '--config-file /etc/watcher/watcher.conf version --json' },
  { text: 'The SQL an upgrade would run, for a DBA to review, without connecting:', command: 'upgrade --sql 609bec748f2a:head > upgrade.sql' },
  { text: 'What the next upgrade would lock on a live database, changing nothing:', command: 'upgrade --plan' },
  { text: 'Purge objects soft deleted more than 90 days ago, without questions:', command: 'purge --age-in-days 90 --yes' },
];

export function renderManPage(input: ManPageInput): string {
  const commands = [...input.commands].filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
  const own = commands.filter((c) => c.pluginName === input.pluginName);
  if (own.length === 0) throw new Error(`man page: no commands of ${input.pluginName}`);
  // Global: what every command of the tool takes (BaseCommand's flags); --json is not GLOBAL, so it is listed per command.
  const globalNames = globalFlagNames(own);
  const isGlobal = (c: ManCommand, name: string) => globalNames.includes(name) && c.pluginName === input.pluginName;
  const out: string[] = [];
  const bin = input.bin;
  const B = (s: string) => `\\fB${esc(s)}\\fR`;
  const I = (s: string) => `\\fI${esc(s)}\\fR`;

  out.push(`.TH ${esc(bin.toUpperCase())} 1 "${input.date}" "${esc(bin)} ${esc(input.version)}" "User Commands"`);
  // Left-aligned and unhyphenated: long options and URLs would otherwise stretch the lines they sit
  // in, and an option split across lines could not be searched for or copied.
  out.push('.ad l', '.nh');
  out.push('.SH NAME', `${esc(bin)} \\- ${esc(input.description)}`);
  out.push('.SH SYNOPSIS', `${B(bin)} [${I('global options')}] ${I('command')} [${I('options')}] [${I('arguments')}]`, '.br');
  out.push(`${B(bin)} ${I('command')} ${B('--help')}`, '.br', `${B(bin)} ${B(HELP_COMMAND)} [${I('command')}]`, '.br', `${B(bin)} ${B('--version')}`);

  out.push('.SH DESCRIPTION');
  out.push(
    para(
      `${bin} manages the database of OpenStack Watcher: it creates the schema, upgrades and downgrades it through ` +
        'the revisions, stamps a database with a revision, writes new revisions, checks the database against the ' +
        'models and purges soft-deleted objects. It reads the same watcher.conf, speaks the same connection URLs and ' +
        'shares the same alembic_version table and revision ids as the Python watcher-db-manage, so a database made ' +
        'by either tool is usable by the other.',
    ),
  );
  out.push('.PP', para(`With no command at all, ${bin} runs ${DEFAULT_COMMAND}, as the Python tool does.`));
  out.push(
    '.PP',
    para('Errors are one line on standard error and a non-zero exit status (see EXIT STATUS); --debug adds the stack trace of an unexpected error.'),
  );

  out.push('.SH GLOBAL OPTIONS');
  out.push(para('These options may stand before or after the command.'));
  for (const name of globalNames) {
    const forms = own.map((c) => c.flags[name]);
    const flag = forms[0];
    out.push('.TP', flagLabel({ ...flag, char: forms.find((f) => f.char)?.char }));
    let text = flagText(flag);
    const char = forms.find((f) => f.char)?.char;
    const without = char ? own.filter((c) => c.flags[name].char !== char).map((c) => c.id) : [];
    if (without.length) text += ` After ${without.join(', ')}, -${char} is not this option: use --${name}.`;
    out.push(para(text));
  }
  out.push('.TP', `${B('--version')}`, para('Print the version of the tool, its platform and its Node.js, and exit.'));
  const help = ['--help', ...input.helpFlags.filter((f) => f !== '--help')].sort((a, b) => a.length - b.length);
  out.push(
    '.TP',
    help.map(B).join(', '),
    para(`List the commands and these options; ${bin} COMMAND --help, or ${bin} ${HELP_COMMAND} COMMAND, shows a command's options and examples.`),
  );
  out.push('.PP', para(`The Python tool's spellings of these options are taken too: ${referenceSpellings().join(', ')}.`));

  out.push('.SH COMMANDS');
  for (const command of commands) {
    out.push(`.SS "${esc(usage(bin, command))}"`);
    const summary = command.summary ?? firstLine(command.description);
    if (summary) out.push(para(summary));
    const description = command.summary ? command.description : restLines(command.description);
    for (const p of paragraphs(description)) out.push('.PP', para(p));
    const args = Object.values(command.args);
    if (args.length) {
      out.push('.PP', B('Arguments:'));
      for (const a of args) {
        out.push('.TP', I(a.name.toUpperCase()));
        out.push(para(sentence(a.description ?? '') + (a.options?.length ? ` One of: ${a.options.join(', ')}.` : '')));
      }
    }
    const flags = Object.values(command.flags).filter((f) => !f.hidden && !isGlobal(command, f.name));
    if (flags.length) {
      out.push('.PP', B('Options:'));
      for (const f of flags.sort((a, b) => a.name.localeCompare(b.name))) out.push('.TP', flagLabel(f), para(flagText(f)));
    }
    const examples = (command.examples ?? []).map((e) => (typeof e === 'string' ? { command: e, description: '' } : e));
    if (examples.length) {
      out.push('.PP', B('Examples:'));
      // Consecutive examples without a description share one block, as in --help.
      let open = false;
      for (const e of examples) {
        const line = renderExample(e.command, bin, command.id);
        checkExample(line, bin, commands, globalNames);
        if (e.description || !open) {
          if (open) out.push('.fi', '.RE');
          if (e.description) out.push('.PP', para(renderExample(e.description, bin, command.id)));
          out.push('.PP', '.RS 4', '.nf');
          open = true;
        }
        out.push(esc(line));
      }
      out.push('.fi', '.RE');
    }
  }

  out.push('.SH CONFIGURATION');
  out.push(
    para(
      'The configuration is read as oslo.config reads it: the --config-file files in order (a later file wins), then ' +
        'every *.conf file of each --config-dir, sorted by name. The files are INI files with the sections [DEFAULT] ' +
        'and [database]; lines are "key = value" or "key: value"; "#" and ";" start comments; a value continues on ' +
        'lines that start with white space; $name and ${name} are replaced by the option of that name from the same ' +
        'section or [DEFAULT] ($$ is a literal $). Unknown sections and keys are ignored. The options read:',
    ),
  );
  for (const o of CONFIG_OPTIONS) {
    out.push('.TP', `[${esc(o.section)}] ${B(o.key)}`, para(`${capitalize(o.meaning)}. Default: ${o.defaultText}.`));
  }
  out.push('.PP', para('A database URL is one of:'));
  for (const url of [
    'sqlite:////absolute/path.db, sqlite:///relative/path.db, sqlite:// (in memory)',
    'mysql+pymysql://user:password@host:port/database (also mysql://, mysql+mysqldb://, mysql+mysqlconnector://)',
    'postgresql://user:password@host:port/database (also postgresql+psycopg2://, postgres://)',
  ]) {
    out.push('.IP \\(bu 2', esc(url));
  }
  out.push(
    '.PP',
    para(
      'User and password may be percent-encoded. The password may also be the query option password= (MySQL also passwd=), as SQLAlchemy hands it to the driver. Passwords never appear in any output. A minimal file:',
    ),
  );
  out.push('.PP', '.RS 4', '.nf');
  for (const line of ['[DEFAULT]', 'state_path = /var/lib/watcher', '', '[database]', 'connection = mysql+pymysql://watcher:secret@db.example.org/watcher?charset=utf8', 'max_retries = 30']) {
    out.push(line === '' ? '' : esc(line));
  }
  out.push('.fi', '.RE');

  out.push('.SH ENVIRONMENT');
  out.push('.TP', B(envVarName('database', 'connection')), para('The database URL; it overrides [database] connection of every file.'));
  out.push('.TP', `${B('OS_')}${I('SECTION')}${B('__')}${I('KEY')}`, para('Any option of the files, as in oslo.config: OS_ the section and two underscores and the key, upper-cased, e.g. OS_DATABASE__MAX_RETRIES. It overrides the files.'));

  out.push('.SH FILES');
  const statePath = CONFIG_OPTIONS.find((o) => o.section === 'DEFAULT' && o.key === 'state_path');
  const files: ReadonlyArray<[string, string]> = [
    [
      '/etc/watcher/watcher.conf',
      "OpenStack Watcher's configuration, the file its services read. Without --config-file, watcher.conf and then " +
        `${bin}.conf are read from the first of ~/.watcher/, ~/, /etc/watcher/ and /etc/ that has each, as oslo.config finds them.`,
    ],
    [
      '/etc/watcher/watcher.conf.d/',
      `Without --config-dir, the *.conf files of watcher.conf.d/ and ${bin}.conf.d/, found in the same directories, are read after those files.`,
    ],
    [
      '$state_path/watcher.sqlite',
      `The SQLite database used when no connection is configured ([DEFAULT] state_path: ${statePath?.defaultText ?? 'see CONFIGURATION'} unless set).`,
    ],
    [`/usr/bin/${bin}`, `The command, from the Debian package: it runs /usr/lib/${bin}/bin/run.js with /usr/lib/${bin}/bin/node.`],
    [
      `/usr/lib/${bin}/`,
      'The tool, its dependencies and the Node.js it runs on (the Debian package). The standalone tarball holds the same tree; ' +
        `its bin/${bin} runs the bin/node and bin/run.js next to it, and nothing outside the tree.`,
    ],
    [`/usr/bin/${bin}.python`, `The Python ${bin} of python3-watcher, moved aside (dpkg-divert) while the Debian package of this one is installed.`],
    [`/usr/share/doc/${bin}/copyright`, 'The licences of the tool and of every component the Debian package bundles.'],
    [`$XDG_CACHE_HOME/${bin}/autocomplete/`, 'The shell completion scripts the autocomplete command writes (XDG_CACHE_HOME defaults to ~/.cache).'],
  ];
  for (const [file, text] of files) out.push('.TP', I(file), para(text));

  out.push('.SH EXIT STATUS');
  for (const e of EXIT_CODES) out.push('.TP', B(String(e.code)), para(sentence(e.meaning)));

  out.push('.SH EXAMPLES');
  for (const w of WORKFLOWS) {
    const line = `${bin} ${w.command}`;
    checkExample(line, bin, commands, globalNames);
    out.push('.PP', para(w.text), '.PP', '.RS 4', '.nf');
    // The environment assignment on a line of its own keeps the lines within 80 columns.
    if (w.env) out.push(`${esc(w.env)} \\e`, esc(`    ${line}`));
    else out.push(esc(line));
    out.push('.fi', '.RE');
  }

  out.push('.SH SEE ALSO');
  // Pages Debian has: the clients of the three databases, the Python tool's own alembic, dpkg-divert.
  const seeAlso: ReadonlyArray<[string, number]> = [['alembic', 1], ['mariadb', 1], ['psql', 1], ['sqlite3', 1], ['dpkg-divert', 1]];
  out.push(seeAlso.map(([page, section]) => `${B(page)}(${section})`).join(', '));
  return out.join('\n') + '\n';
}

/** `watcher-db-manage upgrade [REVISION]`, as oclif's help writes it. */
function usage(bin: string, command: ManCommand): string {
  const args = Object.values(command.args).map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`));
  return [bin, command.id, ...args].join(' ');
}

function flagLabel(f: ManFlag): string {
  // Both spellings in full (a man page is searched for "--no-debug", not read as a pattern).
  const longs = f.allowNo ? [`--${f.name}`, `--no-${f.name}`] : [`--${f.name}`];
  const names = [...(f.char ? [`-${f.char}`] : []), ...longs].map((name) => `\\fB${esc(name)}\\fR`).join(', ');
  if (f.type !== 'option') return names;
  const value = Array.isArray(f.helpValue) ? f.helpValue.join('|') : f.helpValue ?? (f.options?.length ? f.options.join('|') : 'VALUE');
  return `${names} \\fI${esc(value)}\\fR`;
}

function flagText(f: ManFlag): string {
  let text = sentence(f.summary ?? f.description ?? '');
  if (f.summary && f.description) text += ' ' + sentence(f.description);
  if (f.options?.length) text += ` One of: ${f.options.join(', ')}.`;
  if (f.type === 'option' && f.default !== undefined && typeof f.default !== 'function') text += ` Default: ${String(f.default)}.`;
  if (f.multiple && !/repeatable/i.test(text)) text += ' May be given more than once.';
  return text.trim();
}

/** oclif's example templates; anything else in `<% %>` would print literally, so it is refused. */
function renderExample(template: string, bin: string, id: string): string {
  const line = template
    .replace(/<%=\s*config\.bin\s*%>/g, bin)
    .replace(/<%=\s*command\.id\s*%>/g, id)
    .replace(/^\$\s+/, '');
  if (line.includes('<%')) throw new Error(`man page: example ${JSON.stringify(template)} of ${id} uses a template the page cannot fill`);
  return line;
}

/**
 * An example that names a command or option the tool does not have fails the build of the page,
 * so that neither the commands' examples nor the page's own go stale.
 */
function checkExample(line: string, bin: string, commands: readonly ManCommand[], globalNames: readonly string[]): void {
  const words = line.split(/\s+/).filter(Boolean);
  const start = words.indexOf(bin);
  if (start < 0) return; // prose, not a command line
  const end = words.findIndex((w, i) => i > start && ['>', '|', '&&', ';', '<'].includes(w));
  const rest = words.slice(start + 1, end < 0 ? undefined : end);
  const command = commands.find((c) => rest.includes(c.id));
  const fail = (why: string) => {
    throw new Error(`man page: example "${line}": ${why}`);
  };
  if (!command) return fail('names no command');
  const known = new Set([...Object.keys(command.flags), ...globalNames, 'help']);
  const chars = new Set(Object.values(command.flags).map((f) => f.char).filter(Boolean));
  for (const w of rest) {
    if (w.startsWith('--')) {
      const name = w.slice(2).split('=')[0];
      if (!known.has(name) && !(name.startsWith('no-') && command.flags[name.slice(3)]?.allowNo)) fail(`${command.id} has no option --${name}`);
    } else if (/^-[a-zA-Z]$/.test(w) && !chars.has(w.slice(1)) && w !== '-h') {
      fail(`${command.id} has no option ${w}`);
    }
  }
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n')[0];
}

function restLines(text: string | undefined): string | undefined {
  return text?.split('\n').slice(1).join('\n');
}

function paragraphs(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** oclif's texts may or may not end in a full stop; the page's sentences do. */
function sentence(s: string): string {
  const t = s.trim();
  return t === '' || /[.!?:]\)?$/.test(t) ? t : t + '.';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A paragraph of running text: filled by roff, so its own line breaks do not matter. The help texts
 * mark commands and options up as Markdown code (`revision --autogenerate`): bold on the page, as
 * man pages set what is typed.
 */
function para(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .split(/`([^`\n]+)`/)
    .map((part, i) => (i % 2 ? `\\fB${esc(part)}\\fR` : esc(part)))
    .join('');
}

/**
 * roff-safe text: backslashes escaped; hyphens as \- so that options stay ASCII hyphens (copyable,
 * searchable) in the formatted page; a backtick as \(ga, the grave accent (roff would print an opening
 * quote); a leading dot or quote would start a request.
 */
function esc(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/`/g, '\\(ga')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? '\\&' + line : line))
    .join('\n');
}
