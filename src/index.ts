// The programmatic API (package.json "main"): what the CLI's commands call, for other programs and
// tests. Everything takes a session or a URL and returns results; nothing prints.
export { openSession, withSession, withDriverSession } from './connection/session';
export type { DriverSession, OpenOptions, Session, SessionBase } from './connection/session';
export { parseConnectionUrl } from './connection/url';
export { loadConfig, resolveConnectionUrl } from './config';
export { loadChain, loadRevisions, defaultMigrationsDir } from './script/load';
export { RevisionChain } from './script/chain';
export { currentVersion } from './api/version';
export type { VersionResult } from './api/version';
export { upgrade, downgrade, downgradeDataLoss, migrationScript } from './api/migrate';
export type { MigrateOptions, DataLoss, DroppedData } from './api/migrate';
export type { RevisionProgress } from './portable/progress';
export { plan } from './api/plan';
export type { Plan, PlanStatement, PlanStep } from './api/plan';
export { stamp } from './api/stamp';
export { createSchema } from './api/create-schema';
export { history } from './api/history';
export { createMerge, createRevision, revisionsToWriteOnto } from './api/revision';
export { autogenerateRevision, diffDatabase } from './api/autogenerate';
export { checkDatabase } from './api/check';
export { KNOWN_DRIFT } from '../entities/known-drift';
export type { KnownDrift } from '../entities/known-drift';
export { purge, validatePurgeOptions } from './api/purge';
export type { PurgeHooks, PurgeOptions, PurgeProgress, PurgeResult } from './api/purge';
export type { Logger } from './log';
