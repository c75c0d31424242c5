/**
 * Change efficacy indicator decimals.
 *
 * Upstream: 15f7375ca737_change_efficiacy_indicator_decimals.py (sic). efficacy_indicators.value is a
 * Numeric() that MySQL stores as decimal(10,0), losing the decimals; rather than change it, upstream
 * adds a Float() column `data` beside it (double precision on PostgreSQL, float on MySQL).
 *
 * Upstream has no downgrade; ours drops the column again, so that downgrading through this revision
 * gives back the schema of 609bec748f2a.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

export const revision = defineRevision({
  id: '15f7375ca737',
  parent: '609bec748f2a',
  message: 'change_efficiacy_indicator_decimals',
  created: '2025-03-24T10:15:19.269061',

  async up(db) {
    await addColumn(db, 'efficacy_indicators', column('data', sa.Float()));
  },

  async down(db) {
    await dropColumn(db, 'efficacy_indicators', 'data');
  },
});
