// Many audits without a name, as 3cfc94cecf4e leaves them, seeded set-based (generate_series, a cross
// join of digits, a recursive CTE): seeding a million rows one by one would take longer than what
// is measured. The owners include the awkward names (63 characters, multi-byte, soft-deleted) and the
// timestamps the three shapes (with and without microseconds, NULL), so naming them goes through every
// branch. For bench/audit-names.ts and the tests of a86240e89a29.
import { Backend } from './backends';

/** Owners: 10 goals, 20 strategies (the last soft-deleted), among them names of 63 characters, ASCII and multi-byte. */
function ownersSql(): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const strategy = (i: number) => {
    if (i === 1) return 'x'.repeat(63);
    if (i === 2) return 'ストラテジー'.repeat(10) + 'ストラ'; // 63 characters, 189 bytes
    if (i === 3) return 'é'.repeat(40);
    return `strategy_${i}`;
  };
  return [
    ...Array.from({ length: 10 }, (_, k) => k + 1).map(
      (g) => `INSERT INTO goals (id, deleted, uuid, name, display_name, efficacy_specification) VALUES (${g}, 0, 'g-${g}', ${q(g === 1 ? 'ゴール'.repeat(21) : `goal_${g}`)}, 'G', '[]');`,
    ),
    ...Array.from({ length: 20 }, (_, k) => k + 1).map(
      (s) => `INSERT INTO strategies (id, deleted, uuid, name, display_name, goal_id) VALUES (${s}, ${s === 20 ? 20 : 0}, 's-${s}', ${q(strategy(s))}, 'S', ${((s - 1) % 10) + 1});`,
    ),
  ].join('\n');
}

/**
 * The audits, ids 1..N: every 7th has no strategy (named after its goal), every 1000th no created_at;
 * odd ids have microseconds (where the backend keeps them), even ones none.
 */
function auditsSql(backend: Backend, n: number): string {
  const columns = 'id, created_at, deleted, uuid, audit_type, state, parameters, scope, goal_id, strategy_id, auto_trigger';
  const params = `'{"thresholds": {"cpu": 80, "memory": 90}, "period": 3600}'`;
  const scope = `'[{"compute": [{"host_aggregates": [{"id": "*"}]}, {"availability_zones": [{"name": "nova"}]}]}]'`;
  switch (backend) {
    case 'postgresql':
      return (
        `INSERT INTO audits (${columns}) SELECT a, ` +
        `CASE WHEN a % 1000 = 0 THEN NULL ELSE timestamp '2020-01-01' + a * interval '1 second' + (a % 2) * (a % 999983) * interval '1 microsecond' END, ` +
        `0, 'a-' || a, 'ONESHOT', 'SUCCEEDED', ${params}, ${scope}, (a - 1) % 10 + 1, CASE WHEN a % 7 = 0 THEN NULL ELSE (a - 1) % 20 + 1 END, false ` +
        `FROM generate_series(1, ${n}) a;\n` +
        `SELECT setval(pg_get_serial_sequence('audits', 'id'), ${n});\nANALYZE audits;`
      );
    case 'mysql': {
      // Numbers 1..n from as many digit columns as n has digits (no table needed, so no temporary
      // table opened twice, which MySQL refuses). DATETIME here keeps no fraction: every timestamp
      // is without microseconds.
      const digits = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
      const places = Math.max(1, String(n).length);
      const number = Array.from({ length: places }, (_, i) => `${10 ** i} * t${i}.d`).join(' + ');
      const from = Array.from({ length: places }, (_, i) => `${digits} t${i}`).join(', ');
      return (
        `INSERT INTO audits (${columns}) SELECT n, CASE WHEN n % 1000 = 0 THEN NULL ELSE TIMESTAMPADD(SECOND, n, '2020-01-01') END, ` +
        `0, CONCAT('a-', n), 'ONESHOT', 'SUCCEEDED', ${params}, ${scope}, (n - 1) % 10 + 1, CASE WHEN n % 7 = 0 THEN NULL ELSE (n - 1) % 20 + 1 END, 0 ` +
        `FROM (SELECT 1 + ${number} AS n FROM ${from}) numbers WHERE n <= ${n};\n` +
        'ANALYZE TABLE audits;'
      );
    }
    case 'sqlite':
      // As SQLAlchemy writes DATETIME here: always six fraction digits.
      return (
        `WITH RECURSIVE s(a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM s WHERE a < ${n}) ` +
        `INSERT INTO audits (${columns}) SELECT a, ` +
        `CASE WHEN a % 1000 = 0 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', 1577836800 + a, 'unixepoch') || '.' || printf('%06d', (a % 2) * (a % 999983)) END, ` +
        `0, 'a-' || a, 'ONESHOT', 'SUCCEEDED', ${params}, ${scope}, (a - 1) % 10 + 1, CASE WHEN a % 7 = 0 THEN NULL ELSE (a - 1) % 20 + 1 END, 0 FROM s;`
      );
  }
}

/** Owners and `n` unnamed audits (ids 1..n), for a database at 3cfc94cecf4e. */
export function unnamedAuditsSql(backend: Backend, n: number): string {
  return `${ownersSql()}\n${auditsSql(backend, n)}`;
}
