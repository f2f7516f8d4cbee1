import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/internal/parse-retry-after.js';

const now = Date.parse('2026-11-23T10:00:00Z');

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1250.6', 'retry-after': '9' }), now)).toBe(1251);
  });

  it('reads retry-after as seconds', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '20' }), now)).toBe(20_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });

  it('reads retry-after as an HTTP date, 0 when it is past', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 09:00:00 GMT' }), now)).toBe(0);
  });

  it('ignores unusable values and falls back from a bad retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '-3' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': 'x', 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('accepts any object with get()', () => {
    const headers = { get: (name: string) => (name === 'retry-after' ? '4' : undefined) };
    expect(parseRetryAfter(headers, now)).toBe(4000);
  });
});
