import { EXIT } from '../exit-status';

export { EXIT };

export interface ExitCodeDoc {
  code: number;
  meaning: string;
}

/** What each code means, for the README and the man page. */
export const EXIT_CODES: ExitCodeDoc[] = [
  { code: EXIT.OK, meaning: 'success; for check, the database matches the entities but for the known drift' },
  { code: EXIT.ERROR, meaning: 'error (one line on stderr says what; --debug adds the stack trace)' },
  { code: EXIT.USAGE, meaning: 'usage error: unknown command or option, missing or malformed argument' },
  { code: EXIT.CHECK_DIFFERS, meaning: 'check: the database differs from the entities beyond the known drift (a revision is missing), or a known-drift entry is stale' },
];
