/** Anything with a `get(name)` like the Fetch API's `Headers`. */
export interface HeadersLike {
  get(name: string): string | null | undefined;
}

/**
 * Reads a server's requested delay before the next attempt, in milliseconds, from
 * `retry-after-ms` (milliseconds, OpenAI and Anthropic) and then `retry-after` (seconds, or an
 * HTTP date). Returns `undefined` when neither header holds a usable value; a date in the past
 * gives 0.
 *
 * @param now The current time in epoch milliseconds, for HTTP dates.
 * @example parseRetryAfter(new Headers({ 'retry-after': '2' })) // 2000
 */
export function parseRetryAfter(headers: HeadersLike | null | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = parseNonNegativeNumber(headers.get('retry-after-ms'));
  if (milliseconds !== undefined) return Math.round(milliseconds);
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  // HTTP dates always name a weekday or month in letters; a bare number that failed above
  // (negative, "1e400") is not a date.
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function parseNonNegativeNumber(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}
