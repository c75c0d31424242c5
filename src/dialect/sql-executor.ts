/**
 * What reading a database needs from a connection: one statement at a time, values bound as
 * parameters, rows back. TypeORM's DataSource and QueryRunner have this shape, and so does a bare
 * driver connection (driver-client.ts), so code written against it runs on either.
 */
export interface SqlExecutor {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by each caller
  query(sql: string, parameters?: unknown[]): Promise<any>;
}
