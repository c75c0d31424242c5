import type { DataSourceOptions } from 'typeorm';
import { driverFor } from './drivers/driver';
import type { ConnectionSpec } from './url';

/** TypeORM options for a parsed connection URL (the backend's driver, drivers/*.ts). */
export function dataSourceOptions(spec: ConnectionSpec): DataSourceOptions {
  return driverFor(spec.backend).dataSourceOptions(spec);
}
