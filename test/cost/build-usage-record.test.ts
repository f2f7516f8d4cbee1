import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import type { UsageRecordInput } from '../../src/cost/usage-record-input.js';
import { makeInput } from './helpers.js';

describe('buildUsageRecord', () => {
  afterEach(() => vi.useRealTimers());

  it('stamps a record without a timestamp with now, exactly as toISOString() writes it', () => {
    vi.useFakeTimers();
    // Across second boundaries, back in time, before 1970 and past year 9999 (a 6-digit year).
    const instants = [1_795_000_000_000, 1_795_000_000_999, 1_795_000_001_000, 1_795_000_000_001, 1_795_000_000_010, 1_795_000_000_100, -1, 0, 253_402_300_800_000, 253_402_300_799_999, -62_198_755_200_000];
    for (const instant of instants) {
      vi.setSystemTime(instant);
      const { timestamp, ...input } = makeInput();
      expect(timestamp).toBeInstanceOf(Date);
      expect(buildUsageRecord(input, 'session', 0).timestamp).toBe(new Date(instant).toISOString());
    }
  });

  it('takes null metadata from a JavaScript caller as none', () => {
    const input = { ...makeInput(), metadata: null } as unknown as UsageRecordInput;
    expect(buildUsageRecord(input, 'session', 0).metadata).toEqual({});
  });
});
