import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCostReport } from '../../src/cost/build-cost-report.js';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { toJsonLine } from '../../src/cost/format-jsonl.js';
import { parseLedgerLine } from '../../src/cost/parse-ledger-line.js';
import { readTextRange } from '../../src/cost/read-text-range.js';
import { LEDGER_COLUMNS, type UsageRecord } from '../../src/cost/usage-record.js';
import { makeInput, makeTempDirectory } from './helpers.js';

// The speed-ups behind the 1M-record benchmark each have a fast path and a general one: both
// must give the same answers.
/** Every block `readTextRange` gives of a whole file. */
async function* readBlocks(path: string, blockBytes?: number): AsyncGenerator<string> {
  const file = await open(path, 'r');
  try {
    yield* readTextRange(file, 0, Number.POSITIVE_INFINITY, blockBytes);
  } finally {
    await file.close();
  }
}

describe('ledger fast paths', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  it('counts distinct requests per group when a request alternates between groups', () => {
    const record = (requestId: string, attempt: number, provider: string, model: string): UsageRecord =>
      buildUsageRecord(makeInput({ requestId, attempt, provider, model }), 'session-1', 0.001);
    // r1 goes a -> b -> a (fallback there and back), interleaved with r2 and r3.
    const records = [
      record('r1', 1, 'a', 'm1'),
      record('r2', 1, 'b', 'm2'),
      record('r1', 2, 'b', 'm2'),
      record('r3', 1, 'a', 'm1'),
      record('r1', 3, 'a', 'm3'),
      record('r2', 2, 'b', 'm2'),
    ];
    const report = buildCostReport(records, 'provider');
    expect(report.totals).toMatchObject({ requests: 3, attempts: 6, costUsd: 0.006 });
    expect(report.byProvider.a).toMatchObject({ requests: 2, attempts: 3 });
    expect(report.byProvider.b).toMatchObject({ requests: 2, attempts: 3 });
    expect(report.byModel.m1).toMatchObject({ requests: 2, attempts: 2 });
    expect(report.byModel.m2).toMatchObject({ requests: 2, attempts: 3 });
    expect(report.byModel.m3).toMatchObject({ requests: 1, attempts: 1 });
    // Groups keep the order their first record came in, although records are summed by request.
    expect(Object.keys(report.byModel)).toEqual(['m1', 'm2', 'm3']);
    expect(Object.keys(report.groups ?? {})).toEqual(['a', 'b']);
  });

  it("gives the same report from the tracker's request slots as from hashing request ids", () => {
    const tracker = new CostTracker({ sessionId: 'session-1', onWarning: () => undefined });
    // Interleaved requests, attempts that switch provider and back, some unpriced.
    for (let index = 0; index < 300; index += 1) {
      tracker.record(
        makeInput({
          requestId: `r${(index * 7) % 97}`,
          attempt: Math.floor(index / 97) + 1,
          provider: index % 3 === 0 ? 'a' : 'b',
          model: `m${index % 5}`,
          costUsd: index % 11 === 0 ? null : index / 1_000,
          timestamp: new Date(Date.UTC(2026, 10, 1 + (index % 4), 12)),
        }),
      );
    }
    for (const filter of [{}, { provider: 'a' }, { from: '2026-11-02T00:00:00.000Z', to: '2026-11-04T00:00:00.000Z' }]) {
      for (const groupBy of [undefined, 'provider', 'day', 'session'] as const) {
        expect(tracker.report({ ...filter, groupBy })).toEqual(buildCostReport(tracker.records(filter), groupBy));
      }
    }
    expect(tracker.report().totals).toMatchObject({ requests: 97, attempts: 300 });
  });

  it('reads blocks of whole lines, growing past a line longer than a block, UTF-8 or ASCII', async () => {
    const path = join(temp.directory, 'lines.txt');
    const long = 'é'.repeat(700_000); // 1.4 MB in UTF-8: longer than the 64 KiB blocks below
    const text = `first\r\n${long}\n\nascii only\nmiddle é\nlast`;
    writeFileSync(path, text);
    const blocks: string[] = [];
    for await (const block of readBlocks(path, 1 << 16)) blocks.push(block);
    expect(blocks.join('')).toBe(text);
    expect(blocks.length).toBeGreaterThan(1);
    // Every block but the last ends a line, so no line (nor character) is ever cut in two.
    for (const block of blocks.slice(0, -1)) expect(block.endsWith('\n')).toBe(true);
    expect(blocks.at(-1)).toBe('last');
  });

  it('reads a file in one block, and an empty file as nothing', async () => {
    const path = join(temp.directory, 'small.txt');
    writeFileSync(path, 'a\nb\n');
    const blocks: string[] = [];
    for await (const block of readBlocks(path)) blocks.push(block);
    expect(blocks).toEqual(['a\nb\n']);
    writeFileSync(path, '');
    const none: string[] = [];
    for await (const block of readBlocks(path)) none.push(block);
    expect(none).toEqual([]);
  });

  it('parses a line with its keys out of order, or with non-string metadata, like a canonical one', () => {
    const record = buildUsageRecord(makeInput({ metadata: { team: 'search' } }), 'session-1', 0.25);
    const canonical = toJsonLine(record);
    const shuffled = JSON.stringify(Object.fromEntries(Object.entries(record).reverse()));
    expect(shuffled).not.toBe(canonical);
    const fromCanonical = parseLedgerLine(canonical);
    const fromShuffled = parseLedgerLine(shuffled);
    expect(fromCanonical).toEqual({ record });
    expect(fromShuffled).toEqual({ record });
    if (!('record' in fromShuffled)) throw new Error('not parsed');
    expect(Object.keys(fromShuffled.record)).toEqual([...LEDGER_COLUMNS]);
    const numeric = parseLedgerLine(canonical.replace('"team":"search"', '"team":7'));
    expect(numeric).toEqual({ record: { ...record, metadata: { team: '7' } } });
  });

  it('still rejects a canonical-looking line with an impossible date or a negative count', () => {
    const canonical = toJsonLine(buildUsageRecord(makeInput(), 'session-1', 0.25));
    expect(parseLedgerLine(canonical.replace('2026-11-23T10:00:00.000Z', '2026-13-45T99:00:00.000Z'))).toEqual({
      problem: "'timestamp' is not a date",
    });
    expect(parseLedgerLine(canonical.replace('"input_tokens":100', '"input_tokens":-1'))).toEqual({ problem: "'input_tokens' is not a number" });
  });

  it('writes a record with its keys out of order in ledger order', () => {
    const record = buildUsageRecord(makeInput(), 'session-1', 0.25);
    const reversed = Object.fromEntries(Object.entries(record).reverse()) as unknown as UsageRecord;
    expect(toJsonLine(reversed)).toBe(toJsonLine(record));
    expect(Object.keys(JSON.parse(toJsonLine(reversed)) as object)).toEqual([...LEDGER_COLUMNS]);
  });

  it('loads a ledger with CRLF line ends and no final line end', async () => {
    const path = join(temp.directory, 'usage.jsonl');
    const records = [1, 2, 3].map((attempt) => buildUsageRecord(makeInput({ attempt }), 'session-1', 0.001));
    writeFileSync(path, records.map(toJsonLine).join('\r\n'));
    const loaded = await CostTracker.fromJsonl(path, { onWarning: () => undefined });
    expect(loaded.loadWarnings).toEqual([]);
    expect(loaded.records()).toEqual(records);
    expect(Object.isFrozen(loaded.records()[0])).toBe(true);
  });
});
