import { describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { createUsage } from '../../src/spec/usage.js';
import { makeInput } from './helpers.js';

function ledger(): CostTracker {
  const tracker = new CostTracker({ sessionId: 'session-1', onWarning: () => {} });
  const usage = (inputTokens: number, outputTokens: number, extra: Partial<Parameters<typeof createUsage>[0]> = {}) =>
    createUsage({ inputTokens, outputTokens, ...extra });
  // Day 1: request r1 fails over from openai to anthropic; r2 succeeds on openai.
  tracker.record(makeInput({ requestId: 'r1', attempt: 1, costUsd: 0.1, usage: usage(100, 0), status: 'error', timestamp: new Date('2026-11-22T23:59:59Z'), metadata: { team: 'search' } }));
  tracker.record(makeInput({ requestId: 'r1', attempt: 2, provider: 'anthropic', model: 'claude-3-5-haiku-latest', costUsd: 0.2, usage: usage(100, 50, { cacheReadTokens: 40, cacheWriteTokens: 10 }), timestamp: new Date('2026-11-23T00:00:01Z'), metadata: { team: 'search' } }));
  tracker.record(makeInput({ requestId: 'r2', attempt: 1, costUsd: 0.3, usage: usage(200, 100, { reasoningTokens: 30 }), timestamp: new Date('2026-11-23T12:00:00Z'), metadata: { team: 'ads' } }));
  // Another session, an unpriced model, no metadata.
  tracker.record(makeInput({ requestId: 'r3', attempt: 1, sessionId: 'session-2', provider: 'local', model: 'mystery', costUsd: null, priceSource: '', usage: usage(10, 10), timestamp: new Date('2026-11-24T08:00:00Z') }));
  return tracker;
}

describe('CostTracker.report', () => {
  it('adds up totals: distinct requests, attempts, tokens, cost and unpriced records', () => {
    expect(ledger().report().totals).toEqual({
      requests: 3,
      attempts: 4,
      inputTokens: 410,
      outputTokens: 160,
      cacheReadTokens: 40,
      cacheWriteTokens: 10,
      reasoningTokens: 30,
      costUsd: 0.6,
      unpriced: 1,
    });
  });

  it('breaks down by provider and by model, and has no groups without groupBy', () => {
    const report = ledger().report();
    expect(Object.keys(report.byProvider)).toEqual(['openai', 'anthropic', 'local']);
    expect(report.byProvider.openai).toMatchObject({ requests: 2, attempts: 2, costUsd: 0.4, inputTokens: 300 });
    expect(report.byProvider.anthropic).toMatchObject({ requests: 1, attempts: 1, costUsd: 0.2, cacheReadTokens: 40 });
    expect(report.byProvider.local).toMatchObject({ requests: 1, costUsd: 0, unpriced: 1 });
    expect(Object.keys(report.byModel)).toEqual(['gpt-4o-mini', 'claude-3-5-haiku-latest', 'mystery']);
    expect(report.byModel['gpt-4o-mini']?.costUsd).toBe(0.4);
    expect(report).not.toHaveProperty('groups');
  });

  it('groups by UTC day', () => {
    const groups = ledger().report({ groupBy: 'day' }).groups ?? {};
    expect(Object.keys(groups)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
    expect(groups['2026-11-22']).toMatchObject({ requests: 1, attempts: 1, costUsd: 0.1 });
    expect(groups['2026-11-23']).toMatchObject({ requests: 2, attempts: 2, costUsd: 0.5 });
  });

  it('groups by a metadata key, records without it falling in the empty group', () => {
    const groups = ledger().report({ groupBy: 'metadata.team' }).groups ?? {};
    expect(groups).toEqual({
      search: expect.objectContaining({ requests: 1, attempts: 2, costUsd: 0.3 }),
      ads: expect.objectContaining({ requests: 1, attempts: 1, costUsd: 0.3 }),
      '': expect.objectContaining({ requests: 1, attempts: 1, costUsd: 0, unpriced: 1 }),
    });
  });

  it('groups by session, provider and model', () => {
    const tracker = ledger();
    expect(Object.keys(tracker.report({ groupBy: 'session' }).groups ?? {})).toEqual(['session-1', 'session-2']);
    expect(tracker.report({ groupBy: 'provider' }).groups).toEqual(tracker.report().byProvider);
    expect(tracker.report({ groupBy: 'model' }).groups).toEqual(tracker.report().byModel);
  });

  it('reports only the records between from (inclusive) and to (exclusive)', () => {
    const report = ledger().report({ from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' });
    expect(report.totals).toMatchObject({ requests: 2, attempts: 2, costUsd: 0.5 });
  });

  it('refuses an unknown groupBy', () => {
    expect(() => ledger().report({ groupBy: 'colour' as 'day' })).toThrow(RangeError);
  });

  it('keeps a metadata value named __proto__ as an ordinary group', () => {
    const tracker = new CostTracker({ onWarning: () => {} });
    tracker.record(makeInput({ metadata: { team: '__proto__' }, costUsd: 0.5 }));
    const groups = tracker.report({ groupBy: 'metadata.team' }).groups ?? {};
    expect(Object.keys(groups)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(groups)).toBe(Object.prototype);
  });

  it('has a total equal to the sum of the record costs, without float drift', () => {
    const tracker = new CostTracker({ onWarning: () => {} });
    let plainSum = 0;
    for (let index = 0; index < 1_000; index += 1) {
      const cost = 0.000123 + index * 1e-7;
      plainSum += cost;
      tracker.record(makeInput({ requestId: `r${index}`, costUsd: cost, provider: index % 2 === 0 ? 'a' : 'b' }));
    }
    const report = tracker.report();
    const recordSum = tracker.records().reduce((sum, record) => sum + (record.cost_usd ?? 0), 0);
    expect(report.totals.costUsd).toBeCloseTo(recordSum, 9);
    expect(report.totals.costUsd).toBeCloseTo(plainSum, 9);
    // 1,000 * 0.000123 + 1e-7 * (0 + 1 + ... + 999) = 0.123 + 0.04995 = 0.17295, exactly.
    expect(report.totals.costUsd).toBe(0.17295);
    expect(tracker.totalCost()).toBe(report.totals.costUsd);
    // Group totals add up to the grand total exactly.
    const groupSum = Math.round(((report.byProvider.a?.costUsd ?? 0) + (report.byProvider.b?.costUsd ?? 0)) * 1e10) / 1e10;
    expect(groupSum).toBe(report.totals.costUsd);
  });
});
