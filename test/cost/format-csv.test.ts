import { describe, expect, it } from 'vitest';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import { csvHeader, formatCsvCell, toCsvRow } from '../../src/cost/format-csv.js';
import { LEDGER_COLUMNS } from '../../src/cost/usage-record.js';
import { makeInput, parseCsv } from './helpers.js';

describe('csvHeader', () => {
  it('is the ledger columns in the documented order', () => {
    expect(csvHeader()).toBe(
      'timestamp,session_id,request_id,attempt,provider,model,status,input_tokens,output_tokens,total_tokens,' +
        'cache_read_tokens,cache_write_tokens,reasoning_tokens,cost_usd,latency_ms,error_kind,metadata,usage_source,price_source',
    );
  });
});

describe('formatCsvCell', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(formatCsvCell('a,b')).toBe('"a,b"');
    expect(formatCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvCell('two\nlines')).toBe('"two\nlines"');
    expect(formatCsvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(formatCsvCell('plain')).toBe('plain');
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    expect(formatCsvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(formatCsvCell('+1')).toBe("'+1");
    expect(formatCsvCell('-2')).toBe("'-2");
    expect(formatCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(formatCsvCell('\tx')).toBe("'\tx");
    expect(formatCsvCell('\rx')).toBe(`"'\rx"`);
  });

  it('leaves numbers as numbers, negative ones included, and writes small ones without exponent', () => {
    expect(formatCsvCell(-5)).toBe('-5');
    expect(formatCsvCell(0.0015)).toBe('0.0015');
    expect(formatCsvCell(1e-7)).toBe('0.0000001');
    expect(formatCsvCell(1.5e-9)).toBe('0.0000000015');
    expect(formatCsvCell(0)).toBe('0');
  });

  it('writes null as an empty cell', () => {
    expect(formatCsvCell(null)).toBe('');
  });
});

describe('toCsvRow', () => {
  it('writes every column in order, an unpriced cost as an empty cell and metadata as JSON text', () => {
    const record = buildUsageRecord(
      makeInput({ metadata: { team: 'a,b', note: 'say "hi"\nbye' }, errorKind: 'rate_limit', status: 'error' }),
      'session-1',
      null,
    );
    const row = toCsvRow(record);
    const [cells] = parseCsv(`${row}\n`);
    expect(cells).toHaveLength(LEDGER_COLUMNS.length);
    const byColumn = Object.fromEntries(LEDGER_COLUMNS.map((column, index) => [column, cells?.[index]]));
    expect(byColumn).toEqual({
      timestamp: '2026-11-23T10:00:00.000Z',
      session_id: 'session-1',
      request_id: 'request-1',
      attempt: '1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 'error',
      input_tokens: '100',
      output_tokens: '20',
      total_tokens: '120',
      cache_read_tokens: '0',
      cache_write_tokens: '0',
      reasoning_tokens: '0',
      cost_usd: '',
      latency_ms: '250',
      error_kind: 'rate_limit',
      metadata: '{"team":"a,b","note":"say \\"hi\\"\\nbye"}',
      usage_source: 'provider',
      price_source: '',
    });
    expect(JSON.parse(byColumn.metadata ?? '')).toEqual({ team: 'a,b', note: 'say "hi"\nbye' });
  });

  it('neutralises a formula in a model id', () => {
    const record = buildUsageRecord(makeInput({ model: '=cmd|calc' }), 'session-1', 0.5);
    expect(toCsvRow(record).split(',')[5]).toBe("'=cmd|calc");
  });
});
