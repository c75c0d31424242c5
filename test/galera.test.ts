// The tool on a real three-node MariaDB Galera cluster (test/support/galera-cluster.ts): what
// ../shared/spec/galera.md says Galera changes, scenario by scenario.
import { expect } from 'chai';
import { GaleraCluster, galeraCluster } from './support/galera-cluster';
import { runCli, writeConfig } from './support/cli';
import { dumpSchema, referenceDump } from './support/schema-dump';

describe('Galera cluster', function () {
  this.timeout(300_000);
  let cluster: GaleraCluster;
  let n = 0;
  /** A new database on the cluster, dropped after the test. */
  const databases: string[] = [];
  async function freshDatabase(): Promise<string> {
    const name = `wdm_galera_${process.pid}_${++n}`;
    await cluster.createDatabase(name);
    databases.push(name);
    return name;
  }

  before(async () => {
    cluster = await galeraCluster();
  });
  afterEach(async () => {
    for (const name of databases.splice(0)) await cluster.dropDatabase(name);
  });

  it('an upgrade through one node gives every node the reference schema', async () => {
    const db = await freshDatabase();
    const result = runCli(['--config-file', writeConfig(cluster.url(0, db)), 'upgrade']);
    expect(result.status, result.stderr).to.equal(0);
    const expected = referenceDump('mysql-upgrade-head.sql');
    for (const node of cluster.nodes) {
      await cluster.sql(node.index, 'SET SESSION wsrep_sync_wait = 1; SELECT 1', db);
      expect(dumpSchema(cluster.url(node.index, db)), node.name).to.equal(expected);
    }
  });
});
