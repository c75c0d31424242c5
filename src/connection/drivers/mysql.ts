import type * as Mysql2 from 'mysql2/promise';
import { connectTimeoutMs } from '../connect-parameters';
import { describeGaleraNode } from '../galera';
import type { ConnectionSpec } from '../url';
import { BackendDriver, serverDatabase, serverLogin, serverTarget } from './driver';

/** How to reach the server, decided once from the URL for TypeORM and for the bare driver alike. */
function parameters(spec: ConnectionSpec) {
  return {
    host: spec.host ?? 'localhost',
    port: spec.port,
    socketPath: spec.socketPath,
    user: spec.username,
    password: spec.password,
    database: spec.database,
    charset: spec.options.charset ?? 'utf8mb4',
    timeoutMs: connectTimeoutMs(spec),
    ssl: spec.options.ssl_ca ? { ca: spec.options.ssl_ca } : undefined,
  };
}

/** MySQL and MariaDB, through mysql2. */
export const mysqlDriver: BackendDriver = {
  dataSourceOptions(spec) {
    const p = parameters(spec);
    return {
      type: 'mysql',
      ...serverLogin(p),
      socketPath: p.socketPath,
      charset: p.charset,
      connectTimeout: p.timeoutMs,
      ssl: p.ssl,
      // Keep DATETIME values as the strings the server sends: no time zone shifting.
      dateStrings: true,
    };
  },

  async connect(spec) {
    const p = parameters(spec);
    const mysql = require('mysql2/promise') as typeof Mysql2;
    const connection = await mysql.createConnection({
      host: p.host,
      port: p.port,
      socketPath: p.socketPath,
      user: p.user,
      password: p.password,
      database: p.database,
      charset: p.charset,
      connectTimeout: p.timeoutMs,
      ssl: p.ssl,
      dateStrings: true,
    });
    connection.on('error', () => undefined);
    return {
      execute: async (sql, values) => {
        const [result] = await connection.query(sql, values);
        if (Array.isArray(result)) return { rows: result as unknown[], changed: 0 };
        return { rows: [], changed: (result as Mysql2.ResultSetHeader).affectedRows ?? 0 };
      },
      close: () => connection.end(),
    };
  },

  describeTarget: (spec) => serverTarget(spec, 3306),
  describeDatabase: serverDatabase,
  connectFailuresMayPass: true,
  missingPathReason: 'no such socket',
  describeCluster: describeGaleraNode,
};
