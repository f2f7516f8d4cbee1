import { describe, expect, it } from 'vitest';
import { CostTracker, recordFirstOfFreshRequest } from '../../src/cost/cost-tracker.js';
import { RecordKeyGuard } from '../../src/cost/record-key-guard.js';
import { createUsage } from '../../src/spec/usage.js';

describe('RecordKeyGuard.addFresh', () => {
  it('holds a fresh request’s key like add does: a repeat is refused, after other requests too', () => {
    const guard = new RecordKeyGuard();
    const first = guard.addFresh('request-a', 1);
    const second = guard.addFresh('request-b', 1);
    expect(second).not.toBe(first);
    // Right after it (the last request) and after another request came in between.
    expect(guard.add('request-b', 1)).toBe(-1);
    expect(guard.add('request-a', 1)).toBe(-1);
    expect(guard.add('request-a', 2)).toBe(first);
    expect(guard.has('request-a', 2)).toBe(true);
    expect(guard.size).toBe(3);
  });

  it('frees a fresh request’s slot when its last key is deleted, and reuses it', () => {
    const guard = new RecordKeyGuard();
    const slot = guard.addFresh('request-a', 1);
    guard.addFresh('request-b', 31);
    guard.delete('request-a', 1);
    expect(guard.has('request-a', 1)).toBe(false);
    expect(guard.add('request-c', 1)).toBe(slot);
    expect(guard.has('request-b', 31)).toBe(true);
    expect(guard.add('request-b', 31)).toBe(-1);
    expect(guard.slotLimit).toBe(2);
  });
});

describe('a tracker’s records of fresh requests', () => {
  it('refuses a later copy of a fresh request’s record as a duplicate and counts each request once', () => {
    const warnings: string[] = [];
    const tracker = new CostTracker({ sessionId: 's', onWarning: (warning) => warnings.push(warning.code) });
    const input = (requestId: string, attempt: number) => ({
      requestId,
      attempt,
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 'ok' as const,
      usage: createUsage({ inputTokens: 10, outputTokens: 5 }),
      usageSource: 'provider' as const,
      costUsd: 0.001,
      priceSource: 'test',
      latencyMs: 5,
    });
    const original = recordFirstOfFreshRequest(tracker, input('call-1', 1));
    recordFirstOfFreshRequest(tracker, input('call-2', 1));
    tracker.record(input('call-1', 2));
    expect(tracker.record(input('call-1', 1))).toBe(original);
    expect(warnings).toEqual(['duplicate_record']);
    expect(tracker.records().map((record) => `${record.request_id}#${record.attempt}`)).toEqual(['call-1#1', 'call-2#1', 'call-1#2']);
    expect(tracker.report().totals).toMatchObject({ requests: 2, attempts: 3 });
  });
});
