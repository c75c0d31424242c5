/*
 * How a lock's holders are said in a warning, the same for every server: "held by pid 42
 * (application nova-api, user watcher, idle in transaction, for 12 s)".
 */

/** A session in the way, as a server's catalog describes it. */
export interface Holder {
  id: number | string;
  /** PostgreSQL: the application_name the session gave, which names the service or client. */
  application?: string | null;
  user: string | null;
  /** MySQL: where the session connects from. */
  host?: string | null;
  state: string | null;
  seconds: number | string | null;
  mode?: string | null;
}

export function describe(kind: string, holders: Holder[], prefix = 'held by'): string | undefined {
  if (holders.length === 0) return undefined;
  const one = (h: Holder) => {
    const user = h.user ? `user ${h.user}${h.host ? `@${h.host}` : ''}` : undefined;
    const parts = [h.application ? `application ${h.application}` : undefined, user, h.state ?? undefined, h.seconds !== null ? `for ${Math.round(Number(h.seconds))} s` : undefined];
    const mode = h.mode ? ` ${h.mode}` : '';
    return `${kind} ${h.id}${mode} (${parts.filter(Boolean).join(', ')})`;
  };
  return `${prefix} ${holders.map(one).join('; ')}`;
}

/** A lock wait of one session, as the server tells it while it lasts. */
export interface LockWait {
  /** The table waited for: the relation of the lock not granted, not a guess from the statement. */
  table?: string;
  /** "held by pid 42 ...", the sessions in the way. */
  holders?: string;
}

/** A read that a server may refuse (a plugin or schema it lacks, no privilege): undefined then. */
export async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
