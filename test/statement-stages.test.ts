// The way from a statement to the server (src/connection/statement-stages.ts): stages in order, the
// first seeing the statement as written; routes that nest are removed in turn, leaving the runner's
// own query; a stage may send around, instead of, or again.
import { expect } from 'chai';
import type { QueryRunner } from 'typeorm';
import { routeThrough, Stage, withStages } from '../src/connection/statement-stages';
import { shapeOf } from '../src/sql/shape';

/** A runner whose own query notes what reached it (its prototype's, as TypeORM's runners have it). */
function noting(): { runner: QueryRunner; reached: string[] } {
  const reached: string[] = [];
  class Runner {
    async query(sql: string, parameters?: unknown[]): Promise<unknown> {
      reached.push(parameters?.length ? `${sql} ${JSON.stringify(parameters)}` : sql);
      return [sql];
    }
  }
  return { runner: new Runner() as unknown as QueryRunner, reached };
}

const tag =
  (name: string): Stage =>
  (next) =>
  (sql, ...rest) =>
    next(`${sql} /*${name}*/`, ...rest);

describe('statement stages', () => {
  it('route each statement through the stages in order, the first seeing it as written, down to the runner\'s own query', async () => {
    const { runner, reached } = noting();
    const seenFirst: string[] = [];
    routeThrough(runner, [(next) => (sql, ...rest) => (seenFirst.push(sql), next(sql, ...rest)), tag('a'), tag('b')]);
    expect(await runner.query('SELECT 1', [7])).to.deep.equal(['SELECT 1 /*a*/ /*b*/']);
    expect(seenFirst).to.deep.equal(['SELECT 1']);
    expect(reached).to.deep.equal(['SELECT 1 /*a*/ /*b*/ [7]']);
  });

  it('nest: a later route stands in front and is removed first; removing the last leaves the runner as it was', async () => {
    const { runner, reached } = noting();
    const outer = routeThrough(runner, [tag('run')]);
    await withStages(runner, [tag('scoped')], () => runner.query('ALTER'));
    await runner.query('UPDATE');
    outer();
    await runner.query('COMMIT');
    expect(reached).to.deep.equal(['ALTER /*scoped*/ /*run*/', 'UPDATE /*run*/', 'COMMIT']);
    expect(Object.prototype.hasOwnProperty.call(runner, 'query'), 'no own query left behind').to.equal(false);
  });

  it('let a stage send around a statement, keep it, or send it again after a failure', async () => {
    const { runner, reached } = noting();
    let failures = 1;
    const unroute = routeThrough(runner, [
      (next) => async (sql, ...rest) => {
        await next('SET x = 0');
        try {
          return await next(sql, ...rest);
        } finally {
          await next('SET x = 1');
        }
      },
      (next) => async (sql, ...rest) => {
        if (sql === 'ALTER' && failures-- > 0) {
          await next(sql, ...rest).catch(() => undefined);
          return next(`${sql} AGAIN`, ...rest);
        }
        return next(sql, ...rest);
      },
    ]);
    await runner.query('ALTER');
    unroute();
    routeThrough(runner, [() => async () => 'kept'])();
    expect(await runner.query('SELECT 2')).to.deep.equal(['SELECT 2']);
    expect(reached).to.deep.equal(['SET x = 0', 'ALTER', 'ALTER AGAIN', 'SET x = 1', 'SELECT 2']);
  });

  it('a stage that keeps the statement never reaches the runner', async () => {
    const { runner, reached } = noting();
    const kept: string[] = [];
    await withStages(runner, [() => async (sql) => (kept.push(sql), [])], () => runner.query('DROP TABLE t'));
    expect(kept).to.deep.equal(['DROP TABLE t']);
    expect(reached).to.deep.equal([]);
  });
});

describe("what the stages read of a statement before sending it (src/sql/shape.ts)", () => {
  it('tells reads, transaction ends and ALTER algorithms apart, never from words inside strings or quoted names', () => {
    expect(shapeOf('SELECT version_num FROM alembic_version', 'postgres').reads).to.equal(true);
    expect(shapeOf('  show tables', 'mysql').reads).to.equal(true);
    expect(shapeOf('PRAGMA table_info("audits")', 'sqlite').reads).to.equal(true);
    expect(shapeOf('PRAGMA foreign_keys', 'sqlite').reads).to.equal(true);
    expect(shapeOf('PRAGMA foreign_keys = OFF', 'sqlite').reads).to.equal(false);
    expect(shapeOf("UPDATE audits SET name = 'SELECT'", 'postgres').reads).to.equal(false);

    expect(shapeOf('COMMIT', 'postgres').transaction).to.equal('ends');
    expect(shapeOf('ROLLBACK', 'postgres').transaction).to.equal('ends');
    expect(shapeOf('ROLLBACK TO SAVEPOINT typeorm_1', 'postgres').transaction).to.equal(undefined);
    expect(shapeOf('START TRANSACTION', 'mysql').transaction).to.equal('begins');
    expect(shapeOf('BEGIN', 'sqlite').transaction).to.equal('begins');
    expect(shapeOf('INSERT INTO t (c) VALUES (\'COMMIT\')', 'postgres').transaction).to.equal(undefined);

    expect(shapeOf('ALTER TABLE `c` ADD `x` int NULL, ALGORITHM=INSTANT', 'mysql')).to.include({ altersTable: true, algorithm: 'INSTANT' });
    expect(shapeOf('ALTER TABLE c MODIFY i int NOT NULL, algorithm = inplace, LOCK=NONE', 'mysql')).to.include({ altersTable: true, algorithm: 'INPLACE' });
    expect(shapeOf('CREATE INDEX c_v ON c (v) ALGORITHM=INPLACE LOCK=NONE', 'mysql')).to.include({ altersTable: false, algorithm: 'INPLACE' });
    const plain = shapeOf("ALTER TABLE c ADD note varchar(64) DEFAULT 'ALGORITHM=INSTANT'", 'mysql');
    expect(plain.altersTable).to.equal(true);
    expect(plain.algorithm).to.equal(undefined);
    expect(shapeOf('ALTER TABLE `ALGORITHM` ADD x int', 'mysql').algorithm).to.equal(undefined);
  });
});
