import { Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { lockFlags } from '../cli/lock-flags';
import { LinePrompter, answerIsYes } from '../cli/line-prompter';
import { PurgeProgressDisplay } from '../cli/purge-progress';
import { Counts, PurgeHooks, PurgeOptions, PurgeResult, purge, validatePurgeOptions } from '../api/purge';
import { STALL_SAFE_ROWS } from '../connection/galera';
import { UserError } from '../errors';
import { KINDS, LABELS } from '../purge/kinds';
import { renderCountTable } from '../purge/table';

export default class Purge extends BaseCommand<typeof Purge> {
  static summary = 'Purge soft-deleted objects (and orphans) from the database.';
  static description = [
    'Selects what the reference selects: soft-deleted goals, strategies, audit templates, audits, action plans and',
    'actions (older than --age-in-days, only the goal of --goal), their soft-deleted related objects and, unless',
    '--exclude-orphans, live objects whose parent is not live. Soft-deleted descendants of everything selected go',
    'with it; an object that rows not purged still depend on is kept, and the count of those is shown.',
    'Shows the count table and asks "Continue? [y/N]" (and, above --max-number, whether to delete whole per-goal',
    'groups up to it). Answers are read from standard input; --yes answers yes. --dry-run asks nothing and shows',
    'what the answers yes would delete, counted as the purge then counts it. Deletes children first, each',
    "action plan's efficacy indicators with it, in one transaction: a failure changes nothing. With --batch-size,",
    'in transactions of at most that many rows, an audit with its action plans and actions together where it fits:',
    'a failure rolls back its own batch only and never leaves a row whose parent is gone. Watcher\'s services keep',
    'working meanwhile: the selection is read from one snapshot without locks, every lock wait is bounded by',
    '--lock-timeout, and a transaction that loses to a service\'s lock is retried (--lock-retries). The counts',
    'printed are the rows really deleted (the efficacy indicators on a line of their own). On a terminal, progress',
    'is shown on standard error, counted as the summary is. On a MariaDB Galera',
    `node, purge deletes in batches even without --batch-size (at most ${STALL_SAFE_ROWS} rows, within the cluster's`,
    'wsrep_max_ws_rows and wsrep_max_ws_size; -v says the size), so that no transaction goes over those limits or',
    'stalls the other nodes, and a transaction that loses a certification conflict to another node is retried.',
  ].join(' ');
  static examples = [
    '<%= config.bin %> purge --dry-run',
    '<%= config.bin %> purge -d 30 -n 1000',
    '<%= config.bin %> purge -t old_goal --yes',
    '<%= config.bin %> purge -e --dry-run --json',
    '<%= config.bin %> purge -d 90 --yes --batch-size 10000',
  ];
  static enableJsonFlag = true;
  // After `purge`, -d is --age-in-days (as in the reference), so --debug has no short form here.
  static baseFlags = {
    ...BaseCommand.baseFlags,
    debug: Flags.boolean({ allowNo: true, description: 'Log every SQL statement ([DEFAULT] debug).', helpGroup: 'GLOBAL' }),
  };
  static flags = {
    'age-in-days': Flags.integer({
      char: 'd',
      description: 'Only purge objects soft deleted more than this many days ago (default: all).',
      helpValue: 'DAYS',
    }),
    'max-number': Flags.integer({
      char: 'n',
      description:
        'Maximum number of objects to delete; above it, asks whether to delete whole goal groups up to it (--dry-run does not ask: it shows them).',
      helpValue: 'N',
    }),
    goal: Flags.string({ char: 't', description: 'UUID or name of the (soft-deleted) goal to purge.', helpValue: 'UUID_OR_NAME' }),
    'exclude-orphans': Flags.boolean({ char: 'e', description: 'Do not purge live objects whose parent is not live.' }),
    'dry-run': Flags.boolean({ description: 'Only show what would be purged; asks nothing.' }),
    yes: Flags.boolean({ char: 'y', description: 'Answer yes to every question (for automation).' }),
    'batch-size': Flags.integer({
      description:
        'Delete in transactions of at most N rows (efficacy indicators count), children first, instead of one transaction. ' +
        `On Galera the default is a size within the cluster's write-set limits, at most ${STALL_SAFE_ROWS}.`,
      helpValue: 'N',
    }),
    ...lockFlags,
  };

  async run(): Promise<Record<string, unknown>> {
    const f = this.flags;
    const options: PurgeOptions = {
      ageInDays: f['age-in-days'],
      maxNumber: f['max-number'],
      goal: f.goal,
      excludeOrphans: f['exclude-orphans'],
      dryRun: f['dry-run'],
      batchSize: f['batch-size'],
      lock: this.lockPolicy(),
    };
    validatePurgeOptions(options); // a bad option fails before we connect
    const json = this.jsonEnabled();
    const display = new PurgeProgressDisplay(!json && Boolean(process.stderr.isTTY));
    const say = (text: string) => {
      display.stop();
      if (!json) this.log(text);
    };
    const prompter = new LinePrompter(process.stdin, json ? process.stderr : process.stdout);
    const ask = async (question: string): Promise<boolean> => {
      if (f.yes) return true;
      display.stop();
      const answer = await prompter.ask(question);
      if (answer === null) {
        const why = prompter.interactive ? 'standard input was closed' : 'standard input is not a terminal and gave no answer';
        throw new UserError(`nothing was purged: "${question}" needs an answer and ${why} (use --yes to purge without asking)`);
      }
      return answerIsYes(answer);
    };
    const overMax = (counts: Counts, max: number) => {
      say(renderCountTable(counts));
      say(`The number of objects (${counts.total}) to delete from the database exceeds the maximum number of objects (${max}) specified.`);
    };
    const hooks: PurgeHooks = {
      confirmUpToMax: async (counts, max) => {
        overMax(counts, max);
        return ask(UP_TO_MAX);
      },
      confirm: async (counts, kept) => {
        if (f.yes) return true;
        say(renderCountTable(counts));
        if (kept.total > 0) say(keptNote(kept, options));
        return ask(continueQuestion(counts));
      },
      progress: (event) => display.update(event),
    };
    let result: PurgeResult;
    try {
      result = await this.withDriverSession((session) => purge(session, options, hooks));
    } finally {
      display.stop();
      prompter.close();
    }
    const note = options.excludeOrphans ? ' (orphans excluded)' : ' (may include orphans)';
    // Not in the reference's count table (its columns stay the reference's): said before its title.
    const indicators = (verb: string) => {
      if (result.efficacyIndicators > 0) say(`With their action plans, ${result.efficacyIndicators} efficacy indicators ${verb}.`);
    };
    switch (result.outcome) {
      case 'purged':
        if (f.yes && result.kept.total > 0) say(keptNote(result.kept, options));
        indicators('were deleted');
        say(`Purge results summary${note}:`);
        say(renderCountTable(result.counts));
        break;
      case 'dry-run':
      case 'nothing':
      case 'declined':
        if (result.outcome === 'dry-run' && result.overMax) {
          overMax(result.selected, options.maxNumber!);
          say(dryRunOverMax(result.counts));
        }
        if (result.outcome !== 'declined' && result.kept.total > 0) say(keptNote(result.kept, options));
        indicators('can be purged');
        say(`Here below is a table containing the objects that can be purged${note}:`);
        say(renderCountTable(result.counts));
        break;
      case 'declined-max':
        break;
    }
    return {
      outcome: result.outcome,
      deleted: result.outcome === 'purged',
      counts: result.counts,
      planned: result.planned,
      not_deleted: { already_gone: result.notDeleted.alreadyGone, still_referenced: result.notDeleted.stillReferenced },
      selected: result.selected,
      kept: result.kept,
      efficacy_indicators: result.efficacyIndicators,
      exceeds_max_number: result.overMax,
      transactions: result.transactions,
      exclude_orphans: result.excludeOrphans,
    };
  }
}

const UP_TO_MAX = 'Do you want to delete objects up to the specified maximum number? [y/N]';

function continueQuestion(counts: Counts): string {
  return `There are ${counts.total} objects set for deletion. Continue? [y/N]`;
}

/** A dry run over --max-number asks nothing: it says what a purge would ask, and shows what yes deletes. */
function dryRunOverMax(withinMax: Counts): string {
  const then = withinMax.total > 0 ? `, then "${continueQuestion(withinMax)}"` : ', then find nothing to delete within it';
  return `Dry run, nothing asked: a purge would ask "${UP_TO_MAX}"${then}. What the answer yes deletes is below.`;
}

/** Why the safety rule kept objects, with their counts per kind. */
function keptNote(kept: Counts, options: PurgeOptions): string {
  const parts = KINDS.filter((k) => kept[k] > 0).map((k) => `${kept[k]} ${LABELS[k]}`);
  const causes = [
    ...(options.excludeOrphans ? ['live objects are left alone with --exclude-orphans'] : []),
    ...(options.maxNumber !== undefined ? ['objects outside the goal groups within --max-number are not purged'] : []),
  ];
  return (
    `Kept ${kept.total} object(s) (${parts.join(', ')}) that rows which are not purged still reference` +
    `${causes.length ? ` (${causes.join('; ')})` : ''}: deleting them would break those rows.`
  );
}
