export type { SqlExecutor } from '../dialect/sql-executor';
