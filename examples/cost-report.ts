/**
 * A 7-day cost report printed as tables (by day, by model, totals), from a JSONL ledger.
 * The ledger is generated here, offline: a week of priced attempts across three providers,
 * written through a `JsonlSink`, then loaded back with `CostTracker.fromJsonl` as a report job
 * would load the ledger your services write.
 * Run: `node --import tsx examples/cost-report.ts`
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// PriceBook and CostSummary come from the cost module: the package root does not export them.
import { CostTracker, type CostSummary, createUsage, JsonlSink, PriceBook } from '../src/index.js';

const DAY_MS = 86_400_000;
/** The report's last day (exclusive end is the next midnight UTC); fixed so the output repeats. */
const reportEnd = new Date('2026-11-24T00:00:00.000Z');
const reportStart = new Date(reportEnd.getTime() - 7 * DAY_MS);

const models = [
  { provider: 'openai', providerType: 'openai', model: 'gpt-4o-mini' },
  { provider: 'openai', providerType: 'openai', model: 'gpt-4.1-mini' },
  { provider: 'anthropic', providerType: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
  { provider: 'anthropic', providerType: 'anthropic', model: 'claude-haiku-4-5' },
  { provider: 'gemini', providerType: 'gemini', model: 'gemini-2.5-flash' },
  { provider: 'local', providerType: 'openai', model: 'in-house-7b' },
] as const;

/** Mulberry32: a small seeded PRNG, so every run prints the same week. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function writeWeekOfRecords(path: string): Promise<void> {
  const random = createRandom(20261123);
  const priceBook = new PriceBook({ overrides: {} });
  const tracker = new CostTracker({ sessionId: 'example-week', sinks: [new JsonlSink(path)] });
  for (let request = 0; request < 1_400; request += 1) {
    const timestamp = new Date(reportStart.getTime() + Math.floor(random() * 7 * DAY_MS));
    const requestId = `request-${request}`;
    // One call in ten fails on its first model (no tokens billed) and retries on the next one.
    const failsFirst = random() < 0.1;
    const first = Math.floor(random() * models.length);
    const chain = failsFirst ? [first, (first + 1) % models.length] : [first];
    chain.forEach((index, position) => {
      const target = models[index] ?? models[0];
      const failed = failsFirst && position === 0;
      const inputTokens = failed ? 0 : 200 + Math.floor(random() * 4_000);
      const cacheReadTokens = failed || random() < 0.6 ? 0 : Math.floor(inputTokens * 0.5);
      const usage = createUsage({ inputTokens, cacheReadTokens, outputTokens: failed ? 0 : 50 + Math.floor(random() * 800) });
      const { costUsd, priceSource } = priceBook.price({ ...target, usage, timestamp });
      tracker.record({
        timestamp,
        requestId,
        attempt: position + 1,
        provider: target.provider,
        model: target.model,
        status: failed ? 'error' : 'ok',
        usage,
        usageSource: 'provider',
        costUsd,
        priceSource,
        latencyMs: 300 + Math.floor(random() * 2_000),
        ...(failed ? { errorKind: 'server' as const } : {}),
        metadata: { team: random() < 0.5 ? 'search' : 'support' },
      });
    });
  }
  await tracker.close();
}

/** Prints rows as a fixed-width table: the first column left-aligned, the others right-aligned. */
function printTable(title: string, rows: Array<[string, CostSummary]>, totals: CostSummary): void {
  const header = [title, 'requests', 'attempts', 'input tok', 'cached tok', 'output tok', 'unpriced', 'cost USD'];
  const cells = (label: string, summary: CostSummary): string[] => [
    label,
    String(summary.requests),
    String(summary.attempts),
    summary.inputTokens.toLocaleString('en-US'),
    summary.cacheReadTokens.toLocaleString('en-US'),
    summary.outputTokens.toLocaleString('en-US'),
    String(summary.unpriced),
    // A cost with unpriced records in it is a lower bound, never a silent total.
    summary.unpriced > 0 ? `>= ${summary.costUsd.toFixed(4)}` : summary.costUsd.toFixed(4),
  ];
  const body = rows.map(([label, summary]) => cells(label, summary));
  const footer = cells('total', totals);
  const widths = header.map((_, column) => Math.max(...[header, ...body, footer].map((row) => (row[column] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  console.log([line(header), rule, ...body.map(line), rule, line(footer)].join('\n'));
  if (totals.unpriced > 0) console.log('>= : some records of the row have no price, so its cost is a lower bound');
  console.log();
}

const path = join(mkdtempSync(join(tmpdir(), 'llm-cost-report-')), 'ledger.jsonl');
await writeWeekOfRecords(path);

const ledger = await CostTracker.fromJsonl(path);
const week = { from: reportStart, to: reportEnd };
const byDay = ledger.report({ ...week, groupBy: 'day' });
const days = Object.entries(byDay.groups ?? {}).sort(([left], [right]) => left.localeCompare(right));
const byModel = Object.entries(byDay.byModel).sort(([, left], [, right]) => right.costUsd - left.costUsd);

console.log(`Cost report ${reportStart.toISOString().slice(0, 10)} .. ${new Date(reportEnd.getTime() - 1).toISOString().slice(0, 10)} (UTC)\n`);
printTable('day', days, byDay.totals);
printTable('model', byModel, byDay.totals);
for (const { provider, model, records } of ledger.unpriced()) {
  console.log(`unpriced: ${provider}/${model} (${records} records): add it under cost_tracking.pricing`);
}
console.log(`ledger: ${path}`);
