import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CostSink } from '../../src/cost/cost-sink.js';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import type { CostWarning } from '../../src/cost/cost-warning.js';
import { csvHeader } from '../../src/cost/format-csv.js';
import { JsonlSink } from '../../src/cost/jsonl-sink.js';
import { LEDGER_COLUMNS, type UsageRecord } from '../../src/cost/usage-record.js';
import { createUsage } from '../../src/spec/usage.js';
import { makeInput, makeTempDirectory, parseCsv } from './helpers.js';

function collectingTracker(sinks: CostSink[] = []): { tracker: CostTracker; warnings: CostWarning[] } {
  const warnings: CostWarning[] = [];
  const tracker = new CostTracker({ sessionId: 'session-1', sinks, onWarning: (warning) => warnings.push(warning) });
  return { tracker, warnings };
}

describe('CostTracker.record', () => {
  it('builds a record whose keys are exactly the ledger columns, in order', () => {
    const { tracker } = collectingTracker();
    const record = tracker.record(
      makeInput({
        usage: createUsage({ inputTokens: 1_000, outputTokens: 300, cacheReadTokens: 400, reasoningTokens: 100 }),
        metadata: { team: 'search' },
        errorKind: 'overloaded',
        status: 'error',
        costUsd: 0.1 + 0.2,
      }),
    );
    expect(Object.keys(record)).toEqual([...LEDGER_COLUMNS]);
    expect(record).toEqual({
      timestamp: '2026-11-23T10:00:00.000Z',
      session_id: 'session-1',
      request_id: 'request-1',
      attempt: 1,
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 'error',
      input_tokens: 1_000,
      output_tokens: 300,
      total_tokens: 1_300,
      cache_read_tokens: 400,
      cache_write_tokens: 0,
      reasoning_tokens: 100,
      cost_usd: 0.3,
      latency_ms: 250,
      error_kind: 'overloaded',
      metadata: { team: 'search' },
      usage_source: 'provider',
      price_source: 'catalogue@0.1.8',
    });
    expect(Object.isFrozen(record)).toBe(true);
  });

  it('uses the session given in the input over its own, and leaves price_source empty when unpriced', () => {
    const { tracker } = collectingTracker();
    const record = tracker.record(makeInput({ sessionId: 'other-session', costUsd: null, priceSource: 'ignored' }));
    expect(record.session_id).toBe('other-session');
    expect(record.cost_usd).toBeNull();
    expect(record.price_source).toBe('');
  });

  it('refuses a second record for the same request and attempt, returning the first and warning', () => {
    const { tracker, warnings } = collectingTracker();
    const first = tracker.record(makeInput({ costUsd: 0.01 }));
    const again = tracker.record(makeInput({ costUsd: 0.99 }));
    expect(again).toBe(first);
    expect(tracker.records()).toHaveLength(1);
    expect(tracker.totalCost()).toBe(0.01);
    expect(warnings.map((warning) => warning.code)).toEqual(['duplicate_record']);
    tracker.record(makeInput({ attempt: 2 }));
    expect(tracker.records()).toHaveLength(2);
  });

  it('records a non-finite cost as unpriced with a warning', () => {
    const { tracker, warnings } = collectingTracker();
    expect(tracker.record(makeInput({ costUsd: Number.NaN })).cost_usd).toBeNull();
    expect(warnings[0]?.code).toBe('invalid_cost');
  });

  it('turns a throwing or rejecting sink into warnings and still writes to the other sinks', async () => {
    const written: UsageRecord[] = [];
    const good: CostSink = { write: (record) => void written.push(record) };
    const throwing: CostSink = {
      write: () => {
        throw new Error('disk on fire');
      },
      flush: () => Promise.reject(new Error('flush on fire')),
    };
    const rejecting: CostSink = { write: () => Promise.reject(new Error('database away')) };
    const { tracker, warnings } = collectingTracker([throwing, rejecting, good]);
    expect(() => tracker.record(makeInput())).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(written).toHaveLength(1);
    expect(tracker.records()).toHaveLength(1);
    expect(warnings.map((warning) => warning.code).sort()).toEqual(['sink_flush_failed', 'sink_write_failed', 'sink_write_failed']);
    expect(warnings.find((warning) => warning.message.includes('database away'))).toBeDefined();
  });

  it('survives a warning handler that throws', () => {
    const tracker = new CostTracker({
      sinks: [{ write: () => Promise.reject(new Error('x')) }],
      onWarning: () => {
        throw new Error('handler broke');
      },
    });
    expect(() => tracker.record(makeInput())).not.toThrow();
    expect(() => tracker.record(makeInput())).not.toThrow();
  });

  it('keeps records when a file sink cannot write, reporting through the sink and never throwing', async () => {
    const temp = makeTempDirectory();
    try {
      const blocker = join(temp.directory, 'blocker');
      writeFileSync(blocker, 'x');
      const sinkErrors: Error[] = [];
      const { tracker } = collectingTracker([new JsonlSink(join(blocker, 'usage.jsonl'), { onError: (error) => sinkErrors.push(error) })]);
      expect(() => tracker.record(makeInput())).not.toThrow();
      await expect(tracker.close()).resolves.toBeUndefined();
      expect(sinkErrors.length).toBeGreaterThanOrEqual(1);
      expect(tracker.records()).toHaveLength(1);
    } finally {
      temp.remove();
    }
  });

  it('waits for async sink writes in flush()', async () => {
    const stored: string[] = [];
    const slow: CostSink = {
      write: async (record) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        stored.push(record.request_id);
      },
    };
    const { tracker } = collectingTracker([slow]);
    tracker.record(makeInput({ requestId: 'a' }));
    tracker.record(makeInput({ requestId: 'b' }));
    expect(stored).toEqual([]);
    await tracker.flush();
    expect(stored).toEqual(['a', 'b']);
  });

  it('closes its sinks once, and after close keeps new records in memory only', async () => {
    let closes = 0;
    const written: UsageRecord[] = [];
    const sink: CostSink = { write: (record) => void written.push(record), close: async () => void (closes += 1) };
    const { tracker, warnings } = collectingTracker();
    tracker.addSink(sink);
    tracker.record(makeInput());
    await Promise.all([tracker.close(), tracker.close()]);
    await tracker.close();
    expect(closes).toBe(1);
    tracker.record(makeInput({ attempt: 2 }));
    expect(written).toHaveLength(1);
    expect(tracker.records()).toHaveLength(2);
    expect(warnings.map((warning) => warning.code)).toEqual(['record_after_close']);
  });

  it('sends records to a sink added later only from then on', () => {
    const written: UsageRecord[] = [];
    const { tracker } = collectingTracker();
    tracker.record(makeInput({ attempt: 1 }));
    tracker.addSink({ write: (record) => void written.push(record) });
    tracker.record(makeInput({ attempt: 2 }));
    expect(written.map((record) => record.attempt)).toEqual([2]);
  });
});

describe('CostTracker queries', () => {
  function filledTracker(): CostTracker {
    const { tracker } = collectingTracker();
    tracker.record(makeInput({ requestId: 'r1', attempt: 1, costUsd: 0.01, status: 'error', errorKind: 'server' }));
    tracker.record(makeInput({ requestId: 'r1', attempt: 2, provider: 'anthropic', model: 'claude-3-5-haiku-latest', costUsd: 0.02 }));
    tracker.record(makeInput({ requestId: 'r2', sessionId: 'session-2', costUsd: 0.04, timestamp: new Date('2026-11-24T09:00:00Z') }));
    tracker.record(makeInput({ requestId: 'r3', provider: 'local', model: 'mystery', costUsd: null, priceSource: '' }));
    tracker.record(makeInput({ requestId: 'r4', provider: 'local', model: 'mystery', costUsd: null, priceSource: '' }));
    return tracker;
  }

  it('filters records by provider, model, session, status and time (from inclusive, to exclusive)', () => {
    const tracker = filledTracker();
    expect(tracker.records({ provider: 'anthropic' }).map((record) => record.attempt)).toEqual([2]);
    expect(tracker.records({ model: 'mystery' })).toHaveLength(2);
    expect(tracker.records({ sessionId: 'session-2' }).map((record) => record.request_id)).toEqual(['r2']);
    expect(tracker.records({ status: 'error' })).toHaveLength(1);
    expect(tracker.records({ from: '2026-11-24T09:00:00Z' }).map((record) => record.request_id)).toEqual(['r2']);
    expect(tracker.records({ to: new Date('2026-11-24T09:00:00Z') })).toHaveLength(4);
    expect(() => tracker.records({ from: 'not a date' })).toThrow(RangeError);
  });

  it('gives session and total costs', () => {
    const tracker = filledTracker();
    expect(tracker.sessionCost()).toBe(0.03);
    expect(tracker.sessionCost('session-2')).toBe(0.04);
    expect(tracker.sessionCost('nobody')).toBe(0);
    expect(tracker.totalCost()).toBe(0.07);
    expect(tracker.totalCost({ provider: 'openai' })).toBe(0.05);
  });

  it('lists unpriced models with their record counts', () => {
    expect(filledTracker().unpriced()).toEqual([{ provider: 'local', model: 'mystery', records: 2 }]);
  });

  it('returns a copy from records(), so callers cannot change the ledger', () => {
    const tracker = filledTracker();
    tracker.records().pop();
    expect(tracker.records()).toHaveLength(5);
  });
});

describe('CostTracker exports', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  function tracker(): CostTracker {
    const { tracker: result } = collectingTracker();
    result.record(makeInput({ metadata: { note: 'a,b' } }));
    result.record(makeInput({ attempt: 2, costUsd: null, model: '@evil' }));
    return result;
  }

  it('exports CSV text with the header and one row a record, and writes it to a path', () => {
    const path = join(temp.directory, 'sub', 'usage.csv');
    const text = tracker().exportCsv(path);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(text.split('\n')[0]).toBe(csvHeader());
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3);
    expect(rows[1]?.[16]).toBe('{"note":"a,b"}');
    expect(rows[2]?.[5]).toBe("'@evil");
    expect(rows[2]?.[13]).toBe('');
  });

  it('exports JSONL text whose lines parse back to the records, and writes it to a path', () => {
    const source = tracker();
    const path = join(temp.directory, 'usage.jsonl');
    const text = source.exportJsonl(path);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(source.records());
    expect(text.endsWith('\n')).toBe(true);
  });

  it('exports an empty ledger as a header alone, or as nothing', () => {
    const { tracker: empty } = collectingTracker();
    expect(empty.exportCsv()).toBe(`${csvHeader()}\n`);
    expect(empty.exportJsonl()).toBe('');
  });
});
