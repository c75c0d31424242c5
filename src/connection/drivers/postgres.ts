import type * as Pg from 'pg';
import { connectTimeoutMs } from '../connect-parameters';
import type { ConnectionSpec } from '../url';
import { BackendDriver, serverDatabase, serverLogin, serverTarget } from './driver';

/** How to reach the server, decided once from the URL for TypeORM and for the bare driver alike. */
function parameters(spec: ConnectionSpec) {
  return {
    // libpq's host=/dir (or a host starting with /) is a socket directory; pg accepts the same.
    host: spec.socketPath ?? spec.host ?? 'localhost',
    port: spec.port,
    user: spec.username,
    password: spec.password,
    database: spec.database,
    timeoutMs: connectTimeoutMs(spec),
    ssl: ssl(spec.options.sslmode),
  };
}

/** libpq's sslmode, in pg's terms. */
function ssl(sslmode: string | undefined): { rejectUnauthorized: boolean } | undefined {
  switch (sslmode) {
    case undefined:
    case 'disable':
    case 'allow':
    case 'prefer':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    default:
      // verify-ca, verify-full
      return { rejectUnauthorized: true };
  }
}

export const postgresDriver: BackendDriver = {
  dataSourceOptions(spec) {
    const p = parameters(spec);
    return {
      type: 'postgres',
      ...serverLogin(p),
      connectTimeoutMS: p.timeoutMs,
      ssl: p.ssl,
      applicationName: 'watcher-db-manage',
    };
  },

  async connect(spec) {
    const p = parameters(spec);
    const { Client } = require('pg') as typeof Pg;
    const client = new Client({
      host: p.host,
      port: p.port,
      user: p.user,
      password: p.password,
      database: p.database,
      connectionTimeoutMillis: p.timeoutMs,
      ssl: p.ssl,
      application_name: 'watcher-db-manage',
    });
    // A server that goes away between queries emits 'error'; the next query reports it instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      execute: async (sql, values) => {
        const result = await client.query(sql, values);
        return { rows: result.rows ?? [], changed: result.rowCount ?? 0 };
      },
      close: () => client.end(),
    };
  },

  describeTarget: (spec) => serverTarget(spec, 5432),
  describeDatabase: serverDatabase,
  connectFailuresMayPass: true,
  missingPathReason: 'no such socket',
};
