/**
 * Reads a `Retry-After` header value (delay in seconds, or an HTTP date) as milliseconds.
 * Returns `undefined` for a missing or unreadable value, and never a negative delay.
 */
export function parseRetryAfterHeader(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
