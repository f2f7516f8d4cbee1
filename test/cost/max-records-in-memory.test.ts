import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import type { CostWarning } from '../../src/cost/cost-warning.js';
import { toJsonLine } from '../../src/cost/format-jsonl.js';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import { JsonlSink } from '../../src/cost/jsonl-sink.js';
import { RecordKeyGuard } from '../../src/cost/record-key-guard.js';
import { RecordWindow } from '../../src/cost/record-window.js';
import type { UsageRecord } from '../../src/cost/usage-record.js';
import { makeInput, makeTempDirectory, parseCsv } from './helpers.js';

function cappedTracker(maxRecordsInMemory: number, written: UsageRecord[] = []): { tracker: CostTracker; warnings: CostWarning[] } {
  const warnings: CostWarning[] = [];
  const tracker = new CostTracker({
    sessionId: 'session-1',
    maxRecordsInMemory,
    sinks: [{ write: (record) => void written.push(record) }],
    onWarning: (warning) => warnings.push(warning),
  });
  return { tracker, warnings };
}

describe('CostTracker maxRecordsInMemory', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  it('keeps every record by default, with no eviction warning', () => {
    const warnings: CostWarning[] = [];
    const tracker = new CostTracker({ onWarning: (warning) => warnings.push(warning) });
    expect(tracker.maxRecordsInMemory).toBe(Number.POSITIVE_INFINITY);
    for (let index = 0; index < 50; index += 1) tracker.record(makeInput({ requestId: `r${index}` }));
    expect(tracker.records()).toHaveLength(50);
    expect(warnings).toEqual([]);
  });

  it('keeps the newest N records, oldest first, while sinks get every record', () => {
    const written: UsageRecord[] = [];
    const { tracker } = cappedTracker(3, written);
    for (let index = 0; index < 8; index += 1) tracker.record(makeInput({ requestId: `r${index}` }));
    expect(tracker.maxRecordsInMemory).toBe(3);
    expect(tracker.records().map((record) => record.request_id)).toEqual(['r5', 'r6', 'r7']);
    expect(tracker.records({ provider: 'openai' })).toHaveLength(3);
    expect(written.map((record) => record.request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('warns once, when the first record is evicted', () => {
    const { tracker, warnings } = cappedTracker(2);
    tracker.record(makeInput({ requestId: 'r1' }));
    tracker.record(makeInput({ requestId: 'r2' }));
    expect(warnings).toEqual([]);
    tracker.record(makeInput({ requestId: 'r3' }));
    tracker.record(makeInput({ requestId: 'r4' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.code).toBe('records_evicted');
    expect(warnings[0]?.message).toContain('at most 2 records');
  });

  it('keeps totalCost() and sessionCost() exact over evicted records, and filtered totals over the window', () => {
    const { tracker } = cappedTracker(2);
    tracker.record(makeInput({ requestId: 'r1', costUsd: 0.1 }));
    tracker.record(makeInput({ requestId: 'r2', costUsd: 0.2, sessionId: 'other' }));
    tracker.record(makeInput({ requestId: 'r3', costUsd: 0.3 }));
    tracker.record(makeInput({ requestId: 'r4', costUsd: null }));
    tracker.record(makeInput({ requestId: 'r5', costUsd: 0.4, model: 'gpt-4.1' }));
    expect(tracker.totalCost()).toBe(1);
    expect(tracker.totalCost({})).toBe(1);
    expect(tracker.sessionCost()).toBe(0.8);
    expect(tracker.sessionCost('other')).toBe(0.2);
    expect(tracker.sessionCost('never-seen')).toBe(0);
    // A filter selects among the records held: r4 (unpriced) and r5.
    expect(tracker.totalCost({ provider: 'openai' })).toBe(0.4);
    expect(tracker.totalCost({ model: 'gpt-4o-mini' })).toBe(0);
  });

  it('reports and exports the records held only', () => {
    const { tracker } = cappedTracker(2);
    for (let index = 1; index <= 5; index += 1) tracker.record(makeInput({ requestId: `r${index}`, costUsd: index / 10 }));
    const report = tracker.report({ groupBy: 'day' });
    expect(report.totals).toMatchObject({ requests: 2, attempts: 2, costUsd: 0.9 });
    expect(report.groups).toEqual({ '2026-11-23': report.totals });
    const jsonl = tracker.exportJsonl(join(temp.directory, 'export.jsonl'));
    expect(jsonl.trimEnd().split('\n').map((line) => (JSON.parse(line) as UsageRecord).request_id)).toEqual(['r4', 'r5']);
    expect(readFileSync(join(temp.directory, 'export.jsonl'), 'utf8')).toBe(jsonl);
    const rows = parseCsv(tracker.exportCsv());
    expect(rows.map((row) => row[2])).toEqual(['request_id', 'r4', 'r5']);
  });

  it('counts distinct requests right in reports after slots of evicted requests are reused', () => {
    const { tracker } = cappedTracker(4);
    for (let index = 0; index < 20; index += 1) {
      tracker.record(makeInput({ requestId: `r${Math.floor(index / 2)}`, attempt: (index % 2) + 1, provider: index % 4 < 2 ? 'a' : 'b' }));
    }
    const report = tracker.report({ groupBy: 'provider' });
    expect(report.totals).toMatchObject({ requests: 2, attempts: 4 });
    expect(report.groups).toMatchObject({ a: { requests: 1, attempts: 2 }, b: { requests: 1, attempts: 2 } });
    expect(tracker.report({ provider: 'b' }).totals).toMatchObject({ requests: 1, attempts: 2 });
    expect(tracker.report({ provider: 'none' }).totals).toMatchObject({ requests: 0, attempts: 0 });
  });

  it('counts unpriced records of evicted records too', () => {
    const { tracker } = cappedTracker(1);
    tracker.record(makeInput({ requestId: 'r1', costUsd: null, model: 'mystery' }));
    tracker.record(makeInput({ requestId: 'r2', costUsd: null, model: 'mystery' }));
    tracker.record(makeInput({ requestId: 'r3', costUsd: 0.1 }));
    expect(tracker.unpriced()).toEqual([{ provider: 'openai', model: 'mystery', records: 2 }]);
    expect(tracker.report().totals.unpriced).toBe(0);
  });

  it('refuses a duplicate of a record it holds, and forgets the keys of evicted records', () => {
    const written: UsageRecord[] = [];
    const { tracker, warnings } = cappedTracker(2, written);
    const first = tracker.record(makeInput({ requestId: 'r1', costUsd: 0.1 }));
    tracker.record(makeInput({ requestId: 'r1', attempt: 2 }));
    expect(tracker.record(makeInput({ requestId: 'r1', costUsd: 0.5 }))).toBe(first);
    expect(warnings.map((warning) => warning.code)).toEqual(['duplicate_record']);
    tracker.record(makeInput({ requestId: 'r2' }));
    // r1 attempt 1 has left memory: its key is forgotten with it (the guard stays bounded).
    const again = tracker.record(makeInput({ requestId: 'r1', costUsd: 0.5 }));
    expect(again).not.toBe(first);
    expect(tracker.records().map((record) => `${record.request_id}#${record.attempt}`)).toEqual(['r2#1', 'r1#1']);
    expect(written).toHaveLength(4);
    expect(tracker.totalCost()).toBeCloseTo(0.6 + 2 * 0.000027, 12);
  });

  it('does not keep the key of a record that could not be built', () => {
    const { tracker } = cappedTracker(2);
    const unserialisable = { big: 1n } as unknown as Record<string, string>;
    expect(() => tracker.record(makeInput({ requestId: 'r1', metadata: unserialisable }))).toThrow(TypeError);
    expect(tracker.record(makeInput({ requestId: 'r1' })).request_id).toBe('r1');
    expect(tracker.records()).toHaveLength(1);
  });

  it('rejects a limit that is not a positive integer or Infinity', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new CostTracker({ maxRecordsInMemory: bad })).toThrow(RangeError);
    }
    expect(new CostTracker({ maxRecordsInMemory: Number.POSITIVE_INFINITY }).maxRecordsInMemory).toBe(Number.POSITIVE_INFINITY);
  });

  it('loads a whole ledger with fromJsonl, keeping the newest records and exact totals', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    const records = [1, 2, 3, 4, 5].map((index) => buildUsageRecord(makeInput({ requestId: `r${index}`, costUsd: index / 10 }), 's', index / 10));
    writeFileSync(path, `${records.map(toJsonLine).join('\n')}\n${toJsonLine(records[4] as UsageRecord)}\n`);
    const warnings: CostWarning[] = [];
    const loaded = await CostTracker.fromJsonl(path, { maxRecordsInMemory: 2, onWarning: (warning) => warnings.push(warning) });
    expect(loaded.records()).toEqual(records.slice(3));
    expect(loaded.totalCost()).toBe(1.5);
    expect(loaded.sessionCost('s')).toBe(1.5);
    // The repeated last line is still caught (its key is held), and only it is a load warning.
    expect(loaded.loadWarnings.map((warning) => warning.message)).toEqual([expect.stringContaining('line 6')]);
    expect(warnings.map((warning) => warning.code)).toEqual(['records_evicted', 'ledger_line_skipped']);
  });

  it('writes every record to a JsonlSink while holding only the newest', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    const tracker = new CostTracker({ sinks: [new JsonlSink(path)], maxRecordsInMemory: 10, onWarning: () => undefined });
    for (let index = 0; index < 100; index += 1) tracker.record(makeInput({ requestId: `r${index}`, attempt: (index % 3) + 1 }));
    await tracker.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(100);
    expect(tracker.records()).toHaveLength(10);
    const reloaded = await CostTracker.fromJsonl(path, { onWarning: () => undefined });
    expect(reloaded.totalCost()).toBe(tracker.totalCost());
  });
});

describe('FileSink maxRememberedKeys', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  it('skips a repeated key it remembers and forgets the oldest keys past the limit', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    const sink = new JsonlSink(path, { maxRememberedKeys: 2 });
    const record = (requestId: string): UsageRecord => buildUsageRecord(makeInput({ requestId }), 's', 0.1);
    for (const requestId of ['r1', 'r2', 'r2', 'r3', 'r3', 'r1']) sink.write(record(requestId));
    await sink.flush();
    // r2 and r3 repeat while remembered; r1 was forgotten when r3 came, so it is written again.
    const ids = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as UsageRecord).request_id);
    expect(ids).toEqual(['r1', 'r2', 'r3', 'r1']);
    expect(sink.skippedDuplicates).toBe(2);
    expect(() => new JsonlSink(path, { maxRememberedKeys: 0 })).toThrow(RangeError);
  });
});

describe('RecordWindow', () => {
  it('keeps insertion order across many wrap-arounds and returns what it evicts', () => {
    const window = new RecordWindow(3);
    const records = Array.from({ length: 10 }, (_, index) => buildUsageRecord(makeInput({ requestId: `r${index}` }), 's', 0));
    const evicted = records.map((record) => window.push(record)?.request_id);
    expect(evicted).toEqual([undefined, undefined, undefined, 'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(window.size).toBe(3);
    expect(window.toArray().map((record) => record.request_id)).toEqual(['r7', 'r8', 'r9']);
    expect(window.findNewest((record) => record.request_id.startsWith('r'))?.request_id).toBe('r9');
    expect(window.findNewest((record) => record.request_id === 'r7')?.request_id).toBe('r7');
    expect(window.findNewest((record) => record.request_id === 'r6')).toBeUndefined();
  });
});

describe('RecordWindow numbers', () => {
  it('keeps each number beside its record past the first thousand and around the ring', () => {
    const window = new RecordWindow(1_500);
    const record = buildUsageRecord(makeInput(), 's', 0);
    const records = Array.from({ length: 4_000 }, (_, index) => ({ ...record, attempt: index }));
    records.forEach((each, index) => window.push(each, index * 3));
    const { records: held, numbers } = window.held();
    expect(held).toHaveLength(1_500);
    expect(held[0]?.attempt).toBe(2_500);
    expect(held.every((each, index) => numbers[index] === each.attempt * 3)).toBe(true);
  });
});

describe('RecordKeyGuard', () => {
  it('tracks attempts 1 to 30 as bits and any other attempt as a joined key, one slot per request', () => {
    const guard = new RecordKeyGuard();
    for (const attempt of [1, 2, 30, 31, 0, 1.5, -2]) {
      expect(guard.add('r', attempt)).toBe(0);
      expect(guard.add('r', attempt)).toBe(-1);
      expect(guard.has('r', attempt)).toBe(true);
      expect(guard.has('other', attempt)).toBe(false);
    }
    expect(guard.add('other', 31)).toBe(1);
    expect(guard.size).toBe(8);
    for (const attempt of [1, 31, 1.5]) guard.delete('r', attempt);
    expect(guard.has('r', 1)).toBe(false);
    expect(guard.has('r', 2)).toBe(true);
    expect(guard.has('r', 31)).toBe(false);
    expect(guard.size).toBe(5);
    for (const attempt of [2, 30, 0, -2]) guard.delete('r', attempt);
    expect(guard.size).toBe(1);
    // Slot 0 is free again once none of r's keys is held: the next new request reuses it.
    expect(guard.add('next', 1)).toBe(0);
    expect(guard.add('r', 1)).toBe(2);
    expect(guard.slotLimit).toBe(3);
  });

  it('does not reuse the slot of the last request once that request is deleted', () => {
    const guard = new RecordKeyGuard();
    expect(guard.add('q', 1)).toBe(0);
    guard.delete('q', 1);
    expect(guard.has('q', 1)).toBe(false);
    expect(guard.add('q', 2)).toBe(0);
    expect(guard.add('q', 2)).toBe(-1);
    expect(guard.add('q', 1)).toBe(0);
    expect(guard.size).toBe(2);
  });

  it('grows past its first thousand slots', () => {
    const guard = new RecordKeyGuard();
    for (let index = 0; index < 3_000; index += 1) expect(guard.add(`r${index}`, 1 + (index % 30))).toBe(index);
    expect(guard.has('r2999', 30)).toBe(true);
    expect(guard.has('r2999', 29)).toBe(false);
    expect(guard.size).toBe(3_000);
  });
});

describe('fromJsonl with maxRecordsInMemory and a repeat older than the window', () => {
  it('skips the repeat as an unbounded load does: the totals do not depend on the limit', async () => {
    const temp = makeTempDirectory();
    try {
      const path = join(temp.directory, 'usage.jsonl');
      const line = (id: string, cost: number) => toJsonLine(buildUsageRecord(makeInput({ requestId: id, costUsd: cost }), 's', cost));
      writeFileSync(path, [line('r1', 1), line('r2', 0.1), line('r3', 0.1), line('r1', 1)].join('\n') + '\n');
      const whole = await CostTracker.fromJsonl(path, { onWarning: () => {} });
      const bounded = await CostTracker.fromJsonl(path, { maxRecordsInMemory: 2, onWarning: () => {} });
      expect(whole.totalCost()).toBe(1.2);
      expect(bounded.totalCost()).toBe(1.2);
      expect(bounded.sessionCost('s')).toBe(1.2);
      expect(bounded.loadWarnings.map((warning) => warning.message)).toEqual([expect.stringContaining('Skipped line 4')]);
      expect(bounded.records().map((record) => record.request_id)).toEqual(['r2', 'r3']);
    } finally {
      temp.remove();
    }
  });
});
