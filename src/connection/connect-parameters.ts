import { ConnectionSpec } from './url';

/** Seconds to wait for a server before giving up, when the URL's connect_timeout does not say. */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;

export function connectTimeoutMs(spec: ConnectionSpec): number {
  const seconds = Number(spec.options.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S);
  return Math.max(1, Number.isFinite(seconds) ? seconds : DEFAULT_CONNECT_TIMEOUT_S) * 1000;
}
