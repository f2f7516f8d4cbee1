import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UsageRecordInput } from '../../src/cost/usage-record-input.js';
import { createUsage } from '../../src/spec/usage.js';

/** A record input with plausible defaults; override what the test is about. */
export function makeInput(parts: Partial<UsageRecordInput> = {}): UsageRecordInput {
  return {
    timestamp: new Date('2026-11-23T10:00:00.000Z'),
    requestId: 'request-1',
    attempt: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    status: 'ok',
    usage: createUsage({ inputTokens: 100, outputTokens: 20 }),
    usageSource: 'provider',
    costUsd: 0.000027,
    priceSource: 'catalogue@0.1.8',
    latencyMs: 250,
    ...parts,
  };
}

/** A fresh temporary directory and a function that removes it. */
export function makeTempDirectory(): { directory: string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'llm-orchestrator-cost-'));
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** A minimal RFC 4180 reader, to check what the CSV writer produced. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
