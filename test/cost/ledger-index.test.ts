import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import type { CostWarning } from '../../src/cost/cost-warning.js';
import { toJsonLine } from '../../src/cost/format-jsonl.js';
import { JsonlSink } from '../../src/cost/jsonl-sink.js';
import {
  HEADER_BYTES,
  ledgerIndexPath,
  type LedgerIndexSegment,
  ledgerIndexSegment,
  MIN_SEGMENT_RECORDS,
  readLedgerIndexEntry,
  SEGMENT_HEAD_BYTES,
  SEGMENT_MARKER,
} from '../../src/cost/ledger-index-format.js';
import { INDEX_SEGMENT_RECORDS } from '../../src/cost/ledger-index-writer.js';
import { readLedger } from '../../src/cost/read-ledger.js';
import type { UsageRecord } from '../../src/cost/usage-record.js';
import { createUsage } from '../../src/spec/usage.js';
import { makeTempDirectory } from './helpers.js';

/**
 * The segments an index file holds, in file order, bodies checked (what `readLedger` finds in
 * it, read all at once): to look at what a sink wrote.
 */
function decodeLedgerIndex(index: Buffer): LedgerIndexSegment[] {
  const segments: LedgerIndexSegment[] = [];
  let position = index.indexOf(SEGMENT_MARKER, 0);
  while (position !== -1) {
    const entry = readLedgerIndexEntry(index.subarray(position, position + SEGMENT_HEAD_BYTES), position);
    const bodyEnd = entry === undefined ? -1 : position + HEADER_BYTES + entry.bodyLength;
    const segment =
      entry !== undefined && bodyEnd <= index.length && entry.count >= MIN_SEGMENT_RECORDS
        ? ledgerIndexSegment(entry, index.subarray(position + HEADER_BYTES, bodyEnd))
        : undefined;
    if (segment) segments.push(segment);
    position = index.indexOf(SEGMENT_MARKER, segment ? bodyEnd : position + 1);
  }
  return segments;
}

/** A record in ledger form with values that are easy to get wrong when stored in columns. */
function oddRecord(index: number, session = 'session-a'): UsageRecord {
  const texts = ['plain', 'ünïcödé ✓ 日本', 'lone \ud800 surrogate', 'quote " and \\ backslash', 'line\nbreak', ''];
  return {
    timestamp: new Date(Date.UTC(2026, 10, 1 + (index % 9), 0, 0, 0, index % 1000)).toISOString(),
    session_id: session,
    request_id: `request-${Math.floor(index / 3)}`,
    attempt: (index % 3) + 1,
    provider: index % 4 === 0 ? 'anthropic' : 'openai',
    model: index % 5 === 0 ? 'gpt-4o-mini' : 'claude-sonnet-4-5',
    status: index % 7 === 0 ? 'error' : 'ok',
    input_tokens: index % 11 === 0 ? -0 : 1_000 + index,
    output_tokens: index * 3,
    total_tokens: 1_000 + index * 4,
    cache_read_tokens: index % 2 === 0 ? 64 : 0,
    cache_write_tokens: index % 13,
    reasoning_tokens: index % 17 === 0 ? 2 ** 40 : 0,
    cost_usd: index % 6 === 0 ? null : 0.000_000_1 * index + 0.1,
    latency_ms: index % 19 === 0 ? 0.5 : 200 + index,
    error_kind: index % 7 === 0 ? 'rate_limit' : null,
    metadata: index % 8 === 0 ? {} : { user_id: `user-${index % 5}`, note: texts[index % texts.length] as string, ...(index % 10 === 0 ? { ['__proto__']: 'own key' } : {}) },
    usage_source: index % 9 === 0 ? 'estimated' : 'provider',
    price_source: index % 6 === 0 ? '' : 'catalogue@0.1.8',
  };
}

/** Writes records through a JsonlSink, in batches of `batch` (one write each), then closes it. */
async function writeThroughSink(path: string, records: readonly UsageRecord[], batch = 500, options: { index?: boolean } = {}): Promise<JsonlSink> {
  const sink = new JsonlSink(path, options);
  for (let start = 0; start < records.length; start += batch) {
    for (const record of records.slice(start, start + batch)) sink.write(record);
    await sink.flush();
  }
  await sink.close();
  return sink;
}

/** Loads the ledger with its index, then with the index set aside, and puts the index back. */
async function loadBothWays(path: string, options: { maxRecordsInMemory?: number } = {}): Promise<{ indexed: CostTracker; parsed: CostTracker; indexedWarnings: CostWarning[]; parsedWarnings: CostWarning[] }> {
  const indexedWarnings: CostWarning[] = [];
  const parsedWarnings: CostWarning[] = [];
  const indexed = await CostTracker.fromJsonl(path, { ...options, sessionId: 'loader', onWarning: (warning) => indexedWarnings.push(warning) });
  const aside = `${ledgerIndexPath(path)}.aside`;
  const hadIndex = existsSync(ledgerIndexPath(path));
  if (hadIndex) renameSync(ledgerIndexPath(path), aside);
  const parsed = await CostTracker.fromJsonl(path, { ...options, sessionId: 'loader', onWarning: (warning) => parsedWarnings.push(warning) });
  if (hadIndex) renameSync(aside, ledgerIndexPath(path));
  return { indexed, parsed, indexedWarnings, parsedWarnings };
}

/** Asserts the two trackers hold the same records and give the same figures. */
function expectSameLedger(indexed: CostTracker, parsed: CostTracker): void {
  expect(indexed.records()).toEqual(parsed.records());
  for (const groupBy of [undefined, 'provider', 'model', 'session', 'day', 'metadata.user_id', 'metadata.__proto__', 'metadata.note'] as const) {
    expect(indexed.report(groupBy ? { groupBy } : {})).toEqual(parsed.report(groupBy ? { groupBy } : {}));
  }
  const filter = { from: '2026-11-03T00:00:00.000Z', to: '2026-11-06T00:00:00.000Z', provider: 'openai' };
  expect(indexed.report({ ...filter, groupBy: 'day' })).toEqual(parsed.report({ ...filter, groupBy: 'day' }));
  expect(indexed.totalCost()).toBe(parsed.totalCost());
  expect(indexed.totalCost(filter)).toBe(parsed.totalCost(filter));
  expect(indexed.sessionCost('session-a')).toBe(parsed.sessionCost('session-a'));
  expect(indexed.unpriced()).toEqual(parsed.unpriced());
  expect(indexed.exportJsonl()).toBe(parsed.exportJsonl());
  expect(indexed.exportCsv()).toBe(parsed.exportCsv());
}

/** How many records of a load came from the index's columns rather than parsed lines. */
async function countFromIndex(path: string): Promise<{ fromIndex: number; textBytes: number }> {
  let fromIndex = 0;
  let textBytes = 0;
  for await (const piece of readLedger(path)) {
    if ('columns' in piece) fromIndex += piece.columns.count;
    else textBytes += piece.text.length;
  }
  return { fromIndex, textBytes };
}

describe('ledger index (<ledger>.idx)', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  let path: string;
  beforeEach(() => {
    temp = makeTempDirectory();
    path = join(temp.directory, 'usage.jsonl');
  });
  afterEach(() => temp.remove());

  it('gives back exactly what parsing the lines gives, for awkward values', async () => {
    const records = Array.from({ length: 2_000 }, (_, index) => oddRecord(index));
    await writeThroughSink(path, records, 300);
    expect(existsSync(ledgerIndexPath(path))).toBe(true);
    expect(await countFromIndex(path)).toEqual({ fromIndex: 2_000, textBytes: 0 });
    const { indexed, parsed, indexedWarnings } = await loadBothWays(path);
    expect(indexedWarnings).toEqual([]);
    expectSameLedger(indexed, parsed);
    // What JSON.parse of each line gives: -0 became 0, lone surrogates and `__proto__` keys kept.
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(indexed.records()).toEqual(lines.map((line) => JSON.parse(line) as UsageRecord));
    expect(Object.is(indexed.records()[0]?.input_tokens, 0)).toBe(true);
    expect(Object.hasOwn(indexed.records()[10]?.metadata ?? {}, '__proto__')).toBe(true);
    expect(indexed.records()[2]?.metadata.note).toBe('lone \ud800 surrogate');
  });

  it('writes a segment every INDEX_SEGMENT_RECORDS records, cutting large batches, and the rest at close()', async () => {
    const records = Array.from({ length: 2 * INDEX_SEGMENT_RECORDS + 80 }, (_, index) => oddRecord(index));
    const sink = new JsonlSink(path);
    for (const record of records.slice(0, 2 * INDEX_SEGMENT_RECORDS + 5)) sink.write(record);
    await sink.flush();
    // One batch of 2 x 4,096 + 5 records reached the disk: two full segments before close()
    // (flush() also waits for the index writes under way).
    const before = decodeLedgerIndex(readFileSync(ledgerIndexPath(path)));
    expect(before.map((segment) => segment.count)).toEqual([INDEX_SEGMENT_RECORDS, INDEX_SEGMENT_RECORDS]);
    for (const record of records.slice(2 * INDEX_SEGMENT_RECORDS + 5)) sink.write(record);
    await sink.close();
    const after = decodeLedgerIndex(readFileSync(ledgerIndexPath(path)));
    const secondEnd = (before[1]?.ledgerOffset ?? 0) + (before[1]?.ledgerLength ?? 0);
    expect(after.map((segment) => [segment.ledgerOffset, segment.count])).toEqual([
      [0, INDEX_SEGMENT_RECORDS],
      [before[0]?.ledgerLength, INDEX_SEGMENT_RECORDS],
      [secondEnd, 80],
    ]);
    expect((after[2]?.ledgerOffset ?? 0) + (after[2]?.ledgerLength ?? 0)).toBe(statSync(path).size);
    expect(await countFromIndex(path)).toEqual({ fromIndex: records.length, textBytes: 0 });
  });

  it('parses a segment whose lines were edited, and uses the index for the others', async () => {
    const records = Array.from({ length: 1_200 }, (_, index) => oddRecord(index));
    // Three runs of 400 lines: three segments (each batch is written and indexed at close of a run).
    for (let run = 0; run < 3; run += 1) await writeThroughSink(path, records.slice(run * 400, run * 400 + 400), 400);
    const text = readFileSync(path, 'utf8');
    const edited = text.replace('"input_tokens":1500,', '"input_tokens":9999,');
    expect(edited).not.toBe(text);
    writeFileSync(path, edited);
    expect((await countFromIndex(path)).fromIndex).toBe(800);
    const { indexed, parsed } = await loadBothWays(path);
    expect(indexed.records()[500]?.input_tokens).toBe(9_999);
    expectSameLedger(indexed, parsed);
  });

  it('parses lines another writer appended before, between and after the indexed runs', async () => {
    appendFileSync(path, `${toJsonLine(oddRecord(10_000, 'other'))}\n`);
    await writeThroughSink(path, Array.from({ length: 300 }, (_, index) => oddRecord(index)), 300);
    appendFileSync(path, `${toJsonLine(oddRecord(10_003, 'other'))}\n\n`);
    await writeThroughSink(path, Array.from({ length: 300 }, (_, index) => oddRecord(index + 300)), 300);
    appendFileSync(path, `${toJsonLine(oddRecord(10_006, 'other'))}\n{"torn":`);
    expect((await countFromIndex(path)).fromIndex).toBe(600);
    const { indexed, parsed, indexedWarnings, parsedWarnings } = await loadBothWays(path);
    expect(indexed.records()).toHaveLength(603);
    expectSameLedger(indexed, parsed);
    // Same line numbers in the warnings: the torn last line is line 605 (one blank line before it).
    expect(indexedWarnings).toEqual(parsedWarnings);
    expect(indexedWarnings.map((warning) => warning.message)).toEqual([expect.stringContaining('Skipped line 605 ')]);
  });

  it('reports a key repeated across runs once, at the same line, as parsing does', async () => {
    const records = Array.from({ length: 200 }, (_, index) => oddRecord(index));
    await writeThroughSink(path, records.slice(0, 100), 100);
    // A second sink has its own memory of keys: it writes records 20-29 again, then new ones.
    await writeThroughSink(path, [...records.slice(20, 30), ...records.slice(100, 160)], 100);
    expect((await countFromIndex(path)).fromIndex).toBe(170);
    const { indexed, parsed, indexedWarnings, parsedWarnings } = await loadBothWays(path);
    expect(indexed.records()).toHaveLength(160);
    expect(indexedWarnings).toEqual(parsedWarnings);
    expect(indexedWarnings).toHaveLength(10);
    expect(indexedWarnings[0]?.message).toContain('Skipped line 101 ');
    expectSameLedger(indexed, parsed);
  });

  it('leaves runs shorter than MIN_SEGMENT_RECORDS unindexed (they parse as fast as they check)', async () => {
    for (let run = 0; run < 5; run += 1) {
      await writeThroughSink(path, Array.from({ length: MIN_SEGMENT_RECORDS - 1 }, (_, index) => oddRecord(run * 100 + index)), 100);
    }
    await writeThroughSink(path, Array.from({ length: MIN_SEGMENT_RECORDS }, (_, index) => oddRecord(1_000 + index)), 100);
    expect(decodeLedgerIndex(readFileSync(ledgerIndexPath(path))).map((segment) => segment.count)).toEqual([MIN_SEGMENT_RECORDS]);
    expect((await countFromIndex(path)).fromIndex).toBe(MIN_SEGMENT_RECORDS);
    const { indexed, parsed } = await loadBothWays(path);
    expectSameLedger(indexed, parsed);
  });

  it('keeps the newest records with maxRecordsInMemory, repeats found over the whole file', async () => {
    const records = Array.from({ length: 900 }, (_, index) => oddRecord(index));
    await writeThroughSink(path, records, 250);
    await writeThroughSink(path, records.slice(0, 5), 5);
    const { indexed, parsed, indexedWarnings } = await loadBothWays(path, { maxRecordsInMemory: 100 });
    expect(indexed.records()).toHaveLength(100);
    expect(indexedWarnings.filter((warning) => warning.code === 'ledger_line_skipped')).toHaveLength(5);
    expectSameLedger(indexed, parsed);
  });

  it('refuses a live record whose key was loaded from the index, returning the loaded record', async () => {
    await writeThroughSink(path, Array.from({ length: 100 }, (_, index) => oddRecord(index)), 100);
    expect((await countFromIndex(path)).fromIndex).toBe(100);
    const warnings: CostWarning[] = [];
    const tracker = await CostTracker.fromJsonl(path, { onWarning: (warning) => warnings.push(warning) });
    // Looked up in the columns first; records() then gives the very object returned.
    const again = tracker.record({
      requestId: oddRecord(1).request_id,
      attempt: oddRecord(1).attempt,
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 'ok',
      usage: createUsage({ inputTokens: 1, outputTokens: 1 }),
      usageSource: 'provider',
      costUsd: 1,
      priceSource: 'override',
      latencyMs: 1,
    });
    const loaded = tracker.records()[1] as UsageRecord;
    expect(again).toBe(loaded);
    expect(warnings.map((warning) => warning.code)).toEqual(['duplicate_record']);
    expect(tracker.records()).toHaveLength(100);
    expect(Object.isFrozen(loaded)).toBe(true);
  });

  it('survives a torn index: later segments are still found and used', async () => {
    await writeThroughSink(path, Array.from({ length: 200 }, (_, index) => oddRecord(index)), 200);
    await writeThroughSink(path, Array.from({ length: 200 }, (_, index) => oddRecord(index + 200)), 200);
    const index = readFileSync(ledgerIndexPath(path));
    const [first, second] = decodeLedgerIndex(index);
    expect(first?.count).toBe(200);
    expect(second?.count).toBe(200);
    // Tear the first segment (as a crash would) by cutting bytes out of its middle.
    const firstEnd = index.indexOf(Buffer.from('LLMOIDX1'), 1);
    writeFileSync(ledgerIndexPath(path), Buffer.concat([index.subarray(0, firstEnd - 100), index.subarray(firstEnd)]));
    expect(await countFromIndex(path)).toMatchObject({ fromIndex: 200 });
    const { indexed, parsed } = await loadBothWays(path);
    expectSameLedger(indexed, parsed);
    // A garbage or empty index file only means parsing everything.
    writeFileSync(ledgerIndexPath(path), 'not an index');
    expect((await countFromIndex(path)).fromIndex).toBe(0);
    truncateSync(ledgerIndexPath(path), 0);
    expect((await CostTracker.fromJsonl(path)).records()).toHaveLength(400);
  });

  it('reads an index made of nothing but segment markers in one pass (each byte read about once)', async () => {
    await writeThroughSink(path, Array.from({ length: 100 }, (_, index) => oddRecord(index)), 100);
    // 1 MiB of markers and no segment: read a window per marker, it took about a minute (the
    // test's time limit is the guard); read once, a few milliseconds.
    writeFileSync(ledgerIndexPath(path), Buffer.alloc(1 << 20, 'LLMOIDX1'));
    expect((await countFromIndex(path)).fromIndex).toBe(0);
    expect((await CostTracker.fromJsonl(path)).records()).toHaveLength(100);
  });

  it('parses the lines of a well-sealed segment whose parts do not fit together (a hand-made index)', async () => {
    await writeThroughSink(path, Array.from({ length: 100 }, (_, index) => oddRecord(index)), 100);
    const original = readFileSync(ledgerIndexPath(path));
    const reseal = (index: Buffer): void => {
      createHash('sha256').update(index.subarray(32)).digest().subarray(0, 16).copy(index, 16);
      writeFileSync(ledgerIndexPath(path), index);
    };
    const stringsBytes = original.readUInt32LE(32 + 20);
    const notStrings = Buffer.from(original);
    Buffer.from('{}'.padEnd(stringsBytes, ' ')).copy(notStrings, 32 + 64);
    reseal(notStrings);
    expect((await countFromIndex(path)).fromIndex).toBe(0);
    expect((await CostTracker.fromJsonl(path)).records()).toHaveLength(100);
    // A text index past the strings (the first record's session).
    const timestampsBytes = original.readUInt32LE(32 + 24);
    const outOfRange = Buffer.from(original);
    outOfRange.writeInt32LE(1_000_000, 32 + 64 + stringsBytes + timestampsBytes);
    reseal(outOfRange);
    expect((await countFromIndex(path)).fromIndex).toBe(0);
    const { indexed, parsed } = await loadBothWays(path);
    expectSameLedger(indexed, parsed);
  });

  it('starts the index anew when the ledger starts anew', async () => {
    await writeThroughSink(path, Array.from({ length: 300 }, (_, index) => oddRecord(index)), 300);
    const oldIndexSize = statSync(ledgerIndexPath(path)).size;
    writeFileSync(path, '');
    await writeThroughSink(path, Array.from({ length: 70 }, (_, index) => oddRecord(index + 500)), 70);
    expect(statSync(ledgerIndexPath(path)).size).toBeLessThan(oldIndexSize);
    expect(decodeLedgerIndex(readFileSync(ledgerIndexPath(path))).map((segment) => segment.count)).toEqual([70]);
    expect(await countFromIndex(path)).toEqual({ fromIndex: 70, textBytes: 0 });
  });

  it('writes no index with index: false, and a failing index never touches the ledger', async () => {
    await writeThroughSink(path, [oddRecord(1)], 1, { index: false });
    expect(existsSync(ledgerIndexPath(path))).toBe(false);
    const other = join(temp.directory, 'other.jsonl');
    mkdirSync(ledgerIndexPath(other));
    const errors: Error[] = [];
    const sink = new JsonlSink(other, { onError: (error) => errors.push(error) });
    sink.write(oddRecord(1));
    sink.write(oddRecord(2));
    await sink.close();
    expect(errors).toEqual([]);
    expect(readFileSync(other, 'utf8').trimEnd().split('\n')).toHaveLength(2);
    expect((await CostTracker.fromJsonl(other)).records()).toEqual([oddRecord(1), oddRecord(2)].map((record) => JSON.parse(toJsonLine(record)) as UsageRecord));
  });

  it('starts a new line after a failed write that left a torn line, and indexes the retried lines', async () => {
    const errors: Error[] = [];
    const sink = new JsonlSink(path, { onError: (error) => errors.push(error) });
    const records = Array.from({ length: 210 }, (_, index) => oddRecord(index));
    for (const record of records.slice(0, 70)) sink.write(record);
    await sink.flush();
    // The next write fails (the ledger is a directory for a moment); meanwhile a torn
    // fragment lands at the end of the real file, as a partly failed append leaves it.
    renameSync(path, `${path}.real`);
    mkdirSync(path);
    for (const record of records.slice(70, 140)) sink.write(record);
    await sink.flush();
    expect(errors.length).toBeGreaterThan(0);
    rmdirSync(path);
    renameSync(`${path}.real`, path);
    appendFileSync(path, '{"timestamp":"2026-11-0');
    for (const record of records.slice(140)) sink.write(record);
    await sink.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[70]).toBe('{"timestamp":"2026-11-0');
    expect((JSON.parse(lines[71] ?? '') as UsageRecord).request_id).toBe(records[70]?.request_id);
    const { indexed, parsed, indexedWarnings } = await loadBothWays(path);
    expect(indexed.records()).toHaveLength(210);
    expect(indexedWarnings.map((warning) => warning.message)).toEqual([expect.stringContaining('Skipped line 71 ')]);
    expectSameLedger(indexed, parsed);
    expect((await countFromIndex(path)).fromIndex).toBe(210);
  });

  it('indexes what a line says, not a record object the caller changed after write()', async () => {
    const sink = new JsonlSink(path);
    const record = { ...oddRecord(0) };
    const metadata = { user_id: 'alice' };
    for (let index = 0; index < 100; index += 1) {
      record.request_id = `reused-${index}`;
      record.input_tokens = 100 * (index + 1);
      record.cost_usd = index;
      record.metadata = metadata;
      metadata.user_id = `user-${index}`;
      sink.write(record);
    }
    await sink.close();
    expect((await countFromIndex(path)).fromIndex).toBe(100);
    const { indexed, parsed, indexedWarnings } = await loadBothWays(path);
    expect(indexedWarnings).toEqual([]);
    expect(indexed.records().map((loaded) => [loaded.request_id, loaded.input_tokens, loaded.metadata.user_id])[42]).toEqual(['reused-42', 4_300, 'user-42']);
    expectSameLedger(indexed, parsed);
  });

  it('keeps indexing when another writer appends between this sink\'s writes', async () => {
    const first = new JsonlSink(path);
    const second = new JsonlSink(path);
    for (let round = 0; round < 4; round += 1) {
      for (let index = 0; index < 80; index += 1) first.write(oddRecord(round * 1_000 + index));
      await first.flush();
      for (let index = 0; index < 80; index += 1) second.write(oddRecord(round * 1_000 + 500 + index, 'session-b'));
      await second.flush();
    }
    await first.close();
    await second.close();
    // Every run of 80 lines was written between the other sink's: each is a segment of its own.
    expect((await countFromIndex(path)).fromIndex).toBe(640);
    const { indexed, parsed } = await loadBothWays(path);
    expect(indexed.records()).toHaveLength(640);
    expectSameLedger(indexed, parsed);
  });
});
