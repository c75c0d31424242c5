/**
 * The three database families the tool serves. MariaDB is MySQL here: it names keys, types and
 * indexes the same way, and TypeORM drives both with one query runner.
 */
export type Backend = 'postgres' | 'mysql' | 'sqlite';
