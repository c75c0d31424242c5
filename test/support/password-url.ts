import { randomBytes } from 'node:crypto';
import { sqlQuery, TempDatabase } from './backends';

// Characters that need percent-encoding in a URL, so every encoded form is exercised.
export const PASSWORD = `Pw@${randomBytes(4).toString('hex')}:/%?#`;
export const ENCODED = encodeURIComponent(PASSWORD);

/** The URL of `db` with a user that has PASSWORD (created here, where the server checks passwords). */
export function urlWithPassword(db: TempDatabase): string {
  const url = new URL(db.url);
  if (db.url.startsWith('postgresql')) {
    // The test server trusts every local user, but the password still travels in the URL we parse.
    return `postgresql://postgres:${ENCODED}@${url.host}${url.pathname}`;
  }
  const user = `wdm_${randomBytes(3).toString('hex')}`;
  sqlQuery(db.url, `CREATE USER '${user}'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON ${db.name}.* TO '${user}'@'%';`);
  return `mysql+pymysql://${user}:${ENCODED}@${url.host}${url.pathname}`;
}
