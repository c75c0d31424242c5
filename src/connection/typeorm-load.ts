import Module from 'node:module';
import type * as TypeOrm from 'typeorm';
import type { DataSource, Driver } from 'typeorm';

/**
 * TypeORM's driver classes for the backends this tool speaks, by TypeORM's `type` option: the module
 * (inside the typeorm package) and the class it exports.
 */
const OWN_DRIVERS: Record<string, { module: string; className: string; preload?: () => void }> = {
  'better-sqlite3': { module: 'typeorm/driver/better-sqlite3/BetterSqlite3Driver', className: 'BetterSqlite3Driver' },
  postgres: { module: 'typeorm/driver/postgres/PostgresDriver', className: 'PostgresDriver', preload: requirePg },
  mysql: { module: 'typeorm/driver/mysql/MysqlDriver', className: 'MysqlDriver' },
  mariadb: { module: 'typeorm/driver/mysql/MysqlDriver', className: 'MysqlDriver' },
};

/**
 * TypeORM's DriverFactory, narrowed to our three backends, each driver loaded when a DataSource
 * first asks for it. TypeORM's own factory requires the classes of all its eighteen drivers (Oracle,
 * SAP HANA, SQL Server, Spanner, MongoDB, ...) when it is loaded: about 1 MB of JavaScript, some 150
 * million instructions, 8% of an SQLite `upgrade` from empty to head, spent on drivers never used.
 */
class OwnDriverFactory {
  create(dataSource: DataSource): Driver {
    const type = String(dataSource.options.type);
    const driver = OWN_DRIVERS[type];
    if (!driver) {
      throw new Error(`TypeORM driver "${type}" is not one of this tool's: ${Object.keys(OWN_DRIVERS).join(', ')}`);
    }
    driver.preload?.();
    const DriverClass = (require(driver.module) as Record<string, new (ds: DataSource) => Driver>)[driver.className];
    return new DriverClass(dataSource);
  }
}

/**
 * node-postgres, loaded with a `navigator` in place. When it loads, pg asks whether it runs in a
 * Cloudflare Worker: first from `navigator.userAgent`, which Node defines from version 21 on, else by
 * touching the global `Response`, which on Node 20 loads undici, Node's fetch (about 17 ms of every
 * PostgreSQL run, for an answer that is "no"). So pg gets the answer Node 21 would give it.
 */
function requirePg(): void {
  if ('navigator' in globalThis) {
    require('pg');
    return;
  }
  const major = process.versions.node.split('.')[0];
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${major}` }, configurable: true });
  try {
    require('pg');
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}

/**
 * TypeORM, loaded on first use (commands that do not open a database never pay for it) and with
 * OwnDriverFactory. Every part of the tool loads TypeORM through here.
 */
export function loadTypeorm(): typeof TypeOrm {
  if (!loaded) {
    useOwnDriverFactory();
    loaded = require('typeorm') as typeof TypeOrm;
  }
  return loaded;
}

/** The kit asks for TypeORM's classes at every schema change: the factory is put in place once. */
let loaded: typeof TypeOrm | undefined;

/**
 * Makes TypeORM use OwnDriverFactory: its DataSource requires `../driver/DriverFactory`, which is
 * then found in Node's module cache. Once TypeORM is loaded it changes nothing (TypeORM then works
 * as shipped, only slower to load). Should a TypeORM release move the file, the lookup fails and
 * TypeORM's own factory is used.
 */
function useOwnDriverFactory(): void {
  let file: string;
  try {
    file = require.resolve('typeorm/driver/DriverFactory');
  } catch {
    return;
  }
  if (require.cache[file]) return;
  const factory = new Module(file);
  factory.filename = file;
  factory.loaded = true;
  factory.exports = { DriverFactory: OwnDriverFactory };
  require.cache[file] = factory;
}
