import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import type { CostWarning } from '../../src/cost/cost-warning.js';
import { JsonlSink } from '../../src/cost/jsonl-sink.js';
import { LEDGER_COLUMNS, type UsageRecord } from '../../src/cost/usage-record.js';
import { makeInput, makeTempDirectory } from './helpers.js';

describe('CostTracker.fromJsonl', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  async function writeLedger(path: string): Promise<UsageRecord[]> {
    const tracker = new CostTracker({ sessionId: 'run-1', sinks: [new JsonlSink(path)], onWarning: () => {} });
    tracker.record(makeInput({ requestId: 'r1', metadata: { team: 'search', 'odd "key"': 'a\nb' } }));
    tracker.record(makeInput({ requestId: 'r1', attempt: 2, status: 'error', errorKind: 'rate_limit', costUsd: null }));
    tracker.record(makeInput({ requestId: 'r2', usageSource: 'estimated', costUsd: 0.5, priceSource: 'override' }));
    await tracker.close();
    return tracker.records();
  }

  it('loads what a JsonlSink wrote, record for record', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    const written = await writeLedger(path);
    const loaded = await CostTracker.fromJsonl(path, { sessionId: 'run-2' });
    expect(loaded.records()).toEqual(written);
    expect(Object.keys(loaded.records()[0] ?? {})).toEqual([...LEDGER_COLUMNS]);
    expect(loaded.loadWarnings).toEqual([]);
    expect(loaded.sessionId).toBe('run-2');
    expect(loaded.sessionCost('run-1')).toBe(0.500027);
    expect(loaded.exportJsonl()).toBe(readFileSync(path, 'utf8'));
  });

  it('skips a torn last line with a warning and keeps the rest', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    await writeLedger(path);
    appendFileSync(path, '{"timestamp":"2026-11-23T10:00:00.000Z","session_id":"run-1","request_id":"r9","att');
    const warnings: CostWarning[] = [];
    const loaded = await CostTracker.fromJsonl(path, { onWarning: (warning) => warnings.push(warning) });
    expect(loaded.records()).toHaveLength(3);
    expect(loaded.loadWarnings).toHaveLength(1);
    expect(loaded.loadWarnings[0]?.code).toBe('ledger_line_skipped');
    expect(loaded.loadWarnings[0]?.message).toContain('line 4');
    expect(warnings).toEqual(loaded.loadWarnings);
  });

  it('skips blank lines silently, and bad or repeated lines with warnings, across runs appended to one file', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    await writeLedger(path);
    const first = readFileSync(path, 'utf8').split('\n')[0] ?? '';
    appendFileSync(path, `\n[1,2]\n{"request_id":"r7"}\n${first}\n`);
    const tracker = new CostTracker({ sessionId: 'run-2', sinks: [new JsonlSink(path)], onWarning: () => {} });
    tracker.record(makeInput({ requestId: 'r3', costUsd: 1 }));
    await tracker.close();
    const loaded = await CostTracker.fromJsonl(path, { onWarning: () => {} });
    expect(loaded.records().map((record) => record.request_id)).toEqual(['r1', 'r1', 'r2', 'r3']);
    expect(loaded.loadWarnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining('line 5'),
      expect.stringContaining('line 6'),
      expect.stringContaining('line 7'),
    ]);
    expect(loaded.report({ groupBy: 'session' }).groups).toMatchObject({ 'run-1': { attempts: 3 }, 'run-2': { attempts: 1, costUsd: 1 } });
  });

  it('fills columns an older ledger lacks with neutral values', async () => {
    const path = join(temp.directory, 'old.jsonl');
    writeFileSync(
      path,
      `${JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', session_id: 's', request_id: 'r', attempt: 1, provider: 'openai', model: 'gpt-4o-mini', status: 'ok', input_tokens: 5, output_tokens: 7, cost_usd: 0.25 })}\n`,
    );
    const [record] = (await CostTracker.fromJsonl(path, { onWarning: () => {} })).records();
    expect(record).toEqual({
      timestamp: '2026-01-01T00:00:00.000Z',
      session_id: 's',
      request_id: 'r',
      attempt: 1,
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 'ok',
      input_tokens: 5,
      output_tokens: 7,
      total_tokens: 12,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      cost_usd: 0.25,
      latency_ms: 0,
      error_kind: null,
      metadata: {},
      usage_source: 'provider',
      price_source: '',
    });
  });

  it('does not write loaded records to the new tracker sinks', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    await writeLedger(path);
    const written: UsageRecord[] = [];
    const loaded = await CostTracker.fromJsonl(path, { sinks: [{ write: (record) => void written.push(record) }], onWarning: () => {} });
    loaded.record(makeInput({ requestId: 'new' }));
    expect(written.map((record) => record.request_id)).toEqual(['new']);
  });

  it('rejects when the file cannot be read', async () => {
    await expect(CostTracker.fromJsonl(join(temp.directory, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});
