import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS, Backend, createTempDatabase, TempDatabase } from './support/backends';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, runCli, writeConfig } from './support/cli';

// Start-up speed comes from loading only what a command needs (bench/run.js measures the time).
// These tests pin down the loading itself, which any stray import could undo.
const PROBE = path.join(__dirname, 'fixtures', 'module-probe.js');
const DRIVERS: Record<Backend, string> = { sqlite: 'better-sqlite3', postgresql: 'pg', mysql: 'mysql2' };

/** TypeORM's driver folders (typeorm/driver/<folder>/) each backend's DataSource needs. */
const TYPEORM_DRIVER_DIRS: Record<Backend, string[]> = {
  sqlite: ['better-sqlite3', 'sqlite-abstract'],
  postgresql: ['postgres'],
  mysql: ['mysql'],
};

/** Runs the CLI and returns its exit status and the npm packages (or with `files`, all files) it loaded. */
function packagesLoadedBy(args: string[], files = false): { status: number; stderr: string; packages: string[] } {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-probe-')), 'packages');
  const probe = { NODE_OPTIONS: `--require ${PROBE}`, WDM_MODULE_PROBE_OUT: out, WDM_MODULE_PROBE_FILES: files ? 'all' : '' };
  const r = runCli(args, { env: probe });
  return { status: r.status, stderr: r.stderr, packages: fs.readFileSync(out, 'utf8').split('\n').filter(Boolean) };
}

/** The typeorm/driver/<folder>/ folders whose driver class (…Driver.js) a process loaded. */
function typeormDriverDirs(files: string[]): string[] {
  const dirs = files.map((f) => /node_modules\/typeorm\/driver\/([^/]+)\/\w+Driver\.js$/.exec(f)?.[1]).filter((d): d is string => Boolean(d));
  return [...new Set(dirs)].sort();
}

describe('start-up loads only what the command needs', function () {
  let sqliteConf: string;
  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-startup-'));
    sqliteConf = writeConfig(`sqlite:///${path.join(dir, 'watcher.sqlite')}`);
    expect(runCli(['--config-file', sqliteConf, 'upgrade']).status).to.equal(0);
  });

  for (const args of [['--help'], ['--version'], ['heads'], ['upgrade', '--help'], ['help', 'stamp']]) {
    it(`loads no database code for ${args.join(' ')}, and oclif from its bundle`, () => {
      const r = packagesLoadedBy(['--config-file', sqliteConf, ...args], true);
      expect(r.status, r.stderr).to.equal(0);
      // One file (scripts/bundle-oclif.js) instead of some 200 from node_modules.
      expect(r.packages).to.include(path.join(REPO_ROOT, 'dist', 'vendor', 'oclif-core.js'));
      const fromNodeModules = r.packages.filter((f) => f.includes('/node_modules/'));
      expect(fromNodeModules.filter((f) => f.includes('/node_modules/@oclif/'))).to.deep.equal([]);
      for (const heavy of ['typeorm', 'reflect-metadata', ...Object.values(DRIVERS)]) {
        expect(fromNodeModules.filter((f) => f.includes(`/node_modules/${heavy}/`))).to.deep.equal([]);
      }
    });
  }

  it('bin/dev.js runs the TypeScript sources, commands and revisions, not dist/', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-probe-')), 'files');
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'dev.js'), 'heads'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: `--require ${PROBE}`, WDM_MODULE_PROBE_OUT: out, WDM_MODULE_PROBE_FILES: '1' },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^[0-9a-f]{12} \(head\), /);
    const files = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(files).to.include(path.join(REPO_ROOT, 'src', 'commands', 'heads.ts'));
    expect(files.some((f) => f.startsWith(path.join(REPO_ROOT, 'migrations')) && f.endsWith('.ts'))).to.equal(true);
    expect(files.filter((f) => f.startsWith(path.join(REPO_ROOT, 'dist')))).to.deep.equal([]);
  });

  it('loads TypeORM for upgrade (the probe sees it when it is there)', () => {
    const r = packagesLoadedBy(['--config-file', sqliteConf, 'upgrade']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.packages).to.include('typeorm');
  });

  for (const backend of BACKENDS) {
    describe(`reading the revision on ${backend}`, () => {
      let db: TempDatabase;
      let conf: string;
      before(async () => {
        db = await createTempDatabase(backend);
        conf = writeConfig(db.url);
        expect(runCli(['--config-file', conf, 'stamp', 'head']).status).to.equal(0);
      });
      after(async () => db?.drop());

      it(`upgrade loads TypeORM's ${backend} driver alone, not its seventeen others`, () => {
        // A TypeORM DataSource loads every driver TypeORM has unless ours narrows its factory
        // (src/connection/typeorm-drivers.ts): about 8% of an SQLite upgrade.
        const r = packagesLoadedBy(['--config-file', conf, 'upgrade'], true);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.packages.some((f) => f.includes('/node_modules/typeorm/data-source/'))).to.equal(true);
        expect(typeormDriverDirs(r.packages)).to.deep.equal(TYPEORM_DRIVER_DIRS[backend]);
      });

      for (const command of ['version', 'current', 'history']) {
        it(`${command} uses the ${DRIVERS[backend]} driver alone, without TypeORM`, () => {
          const r = packagesLoadedBy(['--config-file', conf, command]);
          expect(r.status, r.stderr).to.equal(0);
          expect(r.stderr).to.equal('');
          const drivers = Object.values(DRIVERS).filter((d) => r.packages.includes(d));
          expect(drivers).to.deep.equal([DRIVERS[backend]]);
          expect(r.packages).to.not.include('typeorm');
        });
      }
    });
  }
});
