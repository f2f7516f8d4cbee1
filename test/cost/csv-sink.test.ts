import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import { CsvSink } from '../../src/cost/csv-sink.js';
import { csvHeader } from '../../src/cost/format-csv.js';
import { makeInput, makeTempDirectory, parseCsv } from './helpers.js';

describe('CsvSink', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  it('writes the header once, then one row a record, across sinks opened on the same file', async () => {
    const path = join(temp.directory, 'out', 'usage.csv');
    const first = new CsvSink(path);
    first.write(buildUsageRecord(makeInput({ metadata: { note: 'a, "b"\nc' } }), 'session-1', 0.0015));
    first.write(buildUsageRecord(makeInput({ attempt: 2 }), 'session-1', null));
    await first.close();
    const second = new CsvSink(path);
    second.write(buildUsageRecord(makeInput({ attempt: 3, model: '-cheap' }), 'session-1', 0.25));
    await second.close();

    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(`${csvHeader()}\n`)).toBe(true);
    expect(text.split(csvHeader())).toHaveLength(2);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(4);
    const costColumn = rows[0]?.indexOf('cost_usd') ?? -1;
    const metadataColumn = rows[0]?.indexOf('metadata') ?? -1;
    expect(rows.map((row) => row[costColumn])).toEqual(['cost_usd', '0.0015', '', '0.25']);
    expect(JSON.parse(rows[1]?.[metadataColumn] ?? '')).toEqual({ note: 'a, "b"\nc' });
    expect(rows[3]?.[5]).toBe("'-cheap");
  });

  it('writes the header into an existing empty file', async () => {
    const path = join(temp.directory, 'empty.csv');
    writeFileSync(path, '');
    const sink = new CsvSink(path);
    sink.write(buildUsageRecord(makeInput(), 'session-1', 0.001));
    await sink.flush();
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(csvHeader());
  });

  it('writes 500 records from one burst as 500 rows under one header', async () => {
    const path = join(temp.directory, 'burst.csv');
    const sink = new CsvSink(path);
    for (let attempt = 1; attempt <= 500; attempt += 1) sink.write(buildUsageRecord(makeInput({ attempt }), 'session-1', 0.001));
    await sink.flush();
    const rows = parseCsv(readFileSync(path, 'utf8'));
    expect(rows).toHaveLength(501);
    expect(rows[500]?.[3]).toBe('500');
  });

  it('reports a write error through onError without throwing', async () => {
    const blocker = join(temp.directory, 'blocker');
    writeFileSync(blocker, 'x');
    const errors: Error[] = [];
    const sink = new CsvSink(join(blocker, 'usage.csv'), { onError: (error) => errors.push(error) });
    sink.write(buildUsageRecord(makeInput(), 'session-1', 0.001));
    await expect(sink.close()).resolves.toBeUndefined();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(sink.pendingCount).toBe(1);
  });
});
