import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { CsvSink } from '../../src/cost/csv-sink.js';
import { JsonlSink } from '../../src/cost/jsonl-sink.js';
import { LEDGER_COLUMNS } from '../../src/cost/usage-record.js';
import { makeInput, makeTempDirectory } from './helpers.js';

describe('JsonlSink', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  it('creates the directory and writes one JSON object a line, keys in ledger order', async () => {
    const path = join(temp.directory, 'nested', 'deeper', 'usage.jsonl');
    const sink = new JsonlSink(path);
    sink.write(buildUsageRecord(makeInput({ metadata: { team: 'search' } }), 'session-1', 0.000027));
    sink.write(buildUsageRecord(makeInput({ attempt: 2, status: 'error', errorKind: 'server' }), 'session-1', null));
    await sink.flush();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    const second = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([...LEDGER_COLUMNS]);
    expect(Object.keys(second)).toEqual([...LEDGER_COLUMNS]);
    expect(first).toMatchObject({ cost_usd: 0.000027, metadata: { team: 'search' }, error_kind: null });
    expect(second).toMatchObject({ attempt: 2, cost_usd: null, price_source: '', error_kind: 'server' });
  });

  it('writes 500 records made in one synchronous burst as exactly 500 whole lines, in order', async () => {
    const path = join(temp.directory, 'burst.jsonl');
    const sink = new JsonlSink(path);
    for (let attempt = 1; attempt <= 500; attempt += 1) {
      sink.write(buildUsageRecord(makeInput({ attempt, metadata: { padding: 'x'.repeat(attempt) } }), 'session-1', 0.001));
    }
    await sink.flush();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    expect(lines.map((line) => (JSON.parse(line) as { attempt: number }).attempt)).toEqual(
      Array.from({ length: 500 }, (_, index) => index + 1),
    );
    expect(sink.pendingCount).toBe(0);
  });

  it('keeps lines whole when writes arrive while a batch is on its way to disk', async () => {
    const path = join(temp.directory, 'interleaved.jsonl');
    const sink = new JsonlSink(path);
    const flushes: Promise<void>[] = [];
    for (let attempt = 1; attempt <= 100; attempt += 1) {
      sink.write(buildUsageRecord(makeInput({ attempt }), 'session-1', 0.001));
      if (attempt % 10 === 0) {
        flushes.push(sink.flush());
        await Promise.resolve();
      }
    }
    await Promise.all(flushes);
    await sink.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(100);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('appends to an existing ledger', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    writeFileSync(path, '{"earlier":true}\n');
    const sink = new JsonlSink(path);
    sink.write(buildUsageRecord(makeInput(), 'session-1', 0.001));
    await sink.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('{"earlier":true}');
  });

  it('reports a write error through onError, keeps the line queued and writes it once the path works', async () => {
    const blocker = join(temp.directory, 'blocker');
    writeFileSync(blocker, 'a file, not a directory');
    const path = join(blocker, 'usage.jsonl');
    const errors: Error[] = [];
    const sink = new JsonlSink(path, { onError: (error) => errors.push(error) });
    expect(() => sink.write(buildUsageRecord(makeInput(), 'session-1', 0.001))).not.toThrow();
    await sink.flush();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(sink.pendingCount).toBe(1);

    rmSync(blocker);
    sink.write(buildUsageRecord(makeInput({ attempt: 2 }), 'session-1', 0.001));
    await sink.flush();
    expect(sink.pendingCount).toBe(0);
    const attempts = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { attempt: number }).attempt);
    expect(attempts).toEqual([1, 2]);
  });

  it('reports a record it cannot serialise instead of throwing', async () => {
    const errors: Error[] = [];
    const sink = new JsonlSink(join(temp.directory, 'usage.jsonl'), { onError: (error) => errors.push(error) });
    const record = { ...buildUsageRecord(makeInput(), 'session-1', 0.001), metadata: { big: 1n } as unknown as Record<string, string> };
    expect(() => sink.write(record)).not.toThrow();
    await sink.flush();
    expect(errors).toHaveLength(1);
  });

  it('never writes a (request_id, attempt) twice, also for records loaded from a ledger and written again', async () => {
    const ledger = join(temp.directory, 'earlier.jsonl');
    const first = new JsonlSink(ledger);
    for (const attempt of [1, 2, 3]) first.write(buildUsageRecord(makeInput({ attempt }), 'session-1', 0.001));
    await first.flush();
    const loaded = await CostTracker.fromJsonl(ledger, { onWarning: () => undefined });

    const path = join(temp.directory, 'copy.jsonl');
    const csvPath = join(temp.directory, 'copy.csv');
    const sink = new JsonlSink(path);
    const csv = new CsvSink(csvPath);
    // The same records twice (a re-export), plus a same-key record with other content.
    for (const record of [...loaded.records(), ...loaded.records()]) {
      sink.write(record);
      csv.write(record);
    }
    sink.write(buildUsageRecord(makeInput({ attempt: 2, status: 'error' }), 'session-1', 0.5));
    sink.write(buildUsageRecord(makeInput({ requestId: 'request-2', attempt: 2 }), 'session-1', 0.001));
    await Promise.all([sink.flush(), csv.flush()]);

    const keys = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { request_id: string; attempt: number; status: string })
      .map((record) => `${record.request_id}/${record.attempt}/${record.status}`);
    expect(keys).toEqual(['request-1/1/ok', 'request-1/2/ok', 'request-1/3/ok', 'request-2/2/ok']);
    expect(sink.skippedDuplicates).toBe(4);
    expect(readFileSync(csvPath, 'utf8').trimEnd().split('\n')).toHaveLength(1 + 3);
    expect(csv.skippedDuplicates).toBe(3);
  });

  it('writes a key once even when two trackers share the sink', async () => {
    const path = join(temp.directory, 'shared.jsonl');
    const sink = new JsonlSink(path);
    const one = new CostTracker({ sinks: [sink], onWarning: () => undefined });
    const two = new CostTracker({ sinks: [sink], onWarning: () => undefined });
    one.record(makeInput({ requestId: 'r', attempt: 1 }));
    two.record(makeInput({ requestId: 'r', attempt: 1 }));
    two.record(makeInput({ requestId: 'r', attempt: 2 }));
    await Promise.all([one.close(), two.close()]);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('a ledger whose last line a crash left torn', () => {
  it('starts the next record on a line of its own, so only the torn line is lost on reload', async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { JsonlSink } = await import('../../src/cost/jsonl-sink.js');
    const { CsvSink } = await import('../../src/cost/csv-sink.js');
    const { CostTracker } = await import('../../src/cost/cost-tracker.js');
    const { createUsage } = await import('../../src/spec/usage.js');
    const directory = mkdtempSync(join(tmpdir(), 'torn-ledger-'));
    const jsonlPath = join(directory, 'ledger.jsonl');
    const csvPath = join(directory, 'ledger.csv');
    const writer = new CostTracker({ onWarning() {} });
    writer.addSink(new JsonlSink(jsonlPath));
    const input = (requestId: string) => ({
      sessionId: 's',
      requestId,
      attempt: 1,
      provider: 'p',
      model: 'm',
      status: 'ok' as const,
      usage: createUsage({ inputTokens: 1, outputTokens: 1 }),
      usageSource: 'provider' as const,
      costUsd: 0.5,
      priceSource: 'override',
      latencyMs: 1,
    });
    writer.record(input('r1'));
    await writer.close();
    writeFileSync(jsonlPath, readFileSync(jsonlPath, 'utf8') + '{"timestamp":"2026-11-2', 'utf8');
    writeFileSync(csvPath, 'timestamp,session_id\n2026-11-23,s', 'utf8');

    const next = new CostTracker({ onWarning() {} });
    next.addSink(new JsonlSink(jsonlPath));
    next.addSink(new CsvSink(csvPath));
    next.record(input('r2'));
    next.record(input('r3'));
    await next.close();

    const warnings: string[] = [];
    const loaded = await CostTracker.fromJsonl(jsonlPath, { onWarning: (w) => warnings.push(w.code) });
    expect(loaded.records().map((r) => r.request_id)).toEqual(['r1', 'r2', 'r3']);
    expect(warnings).toEqual(['ledger_line_skipped']);
    expect(readFileSync(csvPath, 'utf8').split('\n').slice(1, 3).map((line) => line.split(',')[2])).toEqual([undefined, 'r2']);
  });
});
