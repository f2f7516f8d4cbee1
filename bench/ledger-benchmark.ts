/**
 * Ledger benchmark (not part of `npm test`):
 * 1. throughput of `tracker.record` with a `JsonlSink`, until the lines are on disk;
 * 2. `CostTracker.fromJsonl` + `report({ groupBy: 'day' })` on a 1,000,000-record ledger written
 *    through a `JsonlSink` (target: under 2 s together), with its index and again without it,
 *    with CPU seconds (on a shared machine wall time also counts waiting for a core) and the RSS
 *    once loaded.
 * Run: `node --import tsx bench/ledger-benchmark.ts [records=1000000]`
 */
import { mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUsageRecord } from '../src/cost/build-usage-record.js';
import { CostTracker } from '../src/cost/cost-tracker.js';
import { JsonlSink } from '../src/cost/jsonl-sink.js';
import { ledgerIndexPath } from '../src/cost/ledger-index-format.js';
import type { UsageRecordInput } from '../src/cost/usage-record-input.js';
import { createUsage } from '../src/spec/usage.js';

const ledgerSize = Number(process.argv[2] ?? 1_000_000);
const recordRuns = 200_000;
const directory = mkdtempSync(join(tmpdir(), 'ledger-benchmark-'));
const models = ['gpt-4o-mini', 'gpt-4.1-nano', 'claude-sonnet-4-5-20250929', 'gemini-2.5-flash'] as const;
const start = Date.parse('2026-11-01T00:00:00.000Z');

function inputFor(index: number): UsageRecordInput {
  const failed = index % 10 === 9;
  return {
    timestamp: new Date(start + (index % 30) * 86_400_000 + index),
    requestId: `request-${Math.floor(index / 2)}`,
    attempt: (index % 2) + 1,
    provider: index % 3 === 0 ? 'anthropic' : 'openai',
    model: models[index % models.length] ?? 'gpt-4o-mini',
    status: failed ? 'error' : 'ok',
    usage: createUsage({ inputTokens: 100 + (index % 4_000), outputTokens: 20 + (index % 700), cacheReadTokens: index % 5 === 0 ? 64 : 0 }),
    usageSource: 'provider',
    costUsd: index % 97 === 0 ? null : 0.000_001 * (1 + (index % 1_000)),
    priceSource: 'catalogue@0.1.8',
    latencyMs: 200 + (index % 3_000),
    ...(failed ? { errorKind: 'server' as const } : {}),
    metadata: { user_id: `user-${index % 50}` },
  };
}

function seconds(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e9;
}

async function measureRecordThroughput(): Promise<void> {
  const path = join(directory, 'throughput.jsonl');
  const tracker = new CostTracker({ sessionId: 'bench', sinks: [new JsonlSink(path)] });
  const inputs = Array.from({ length: recordRuns }, (_, index) => inputFor(index));
  const began = process.hrtime.bigint();
  for (const input of inputs) tracker.record(input);
  const recorded = seconds(began);
  await tracker.close();
  const onDisk = seconds(began);
  console.log(`tracker.record + JsonlSink: ${recordRuns.toLocaleString('en-US')} records`);
  console.log(`  record() calls:  ${Math.round(recordRuns / recorded).toLocaleString('en-US')} records/s (${recorded.toFixed(3)} s)`);
  console.log(`  until on disk:   ${Math.round(recordRuns / onDisk).toLocaleString('en-US')} records/s (${onDisk.toFixed(3)} s, ${(statSync(path).size / 1e6).toFixed(1)} MB)`);
}

/** Writes the ledger the way a tracker does: through a `JsonlSink`, which also writes its index. */
async function writeLedger(path: string): Promise<void> {
  const sink = new JsonlSink(path);
  for (let index = 0; index < ledgerSize; index += 1) {
    const input = inputFor(index);
    sink.write(buildUsageRecord(input, 'bench', input.costUsd));
    if (index % 10_000 === 9_999) await sink.flush();
  }
  await sink.close();
}

async function measureLoadAndReport(): Promise<void> {
  const path = join(directory, 'ledger.jsonl');
  await writeLedger(path);
  console.log(`CostTracker.fromJsonl + report: ${ledgerSize.toLocaleString('en-US')} records, ${(statSync(path).size / 1e6).toFixed(1)} MB, index ${(statSync(ledgerIndexPath(path)).size / 1e6).toFixed(1)} MB`);
  const indexed = await loadAndReport(path, 'with its index');
  // The same ledger without its index: every line parsed.
  renameSync(ledgerIndexPath(path), `${ledgerIndexPath(path)}.aside`);
  const parsed = await loadAndReport(path, 'without index');
  if (indexed !== parsed) throw new Error(`The two loads disagree: ${indexed} vs ${parsed}`);
}

/** Loads and reports once; returns the report as JSON, so two ways of loading can be compared. */
async function loadAndReport(path: string, label: string): Promise<string> {
  globalThis.gc?.();
  const began = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const tracker = await CostTracker.fromJsonl(path);
  const loaded = seconds(began);
  const cpuLoaded = process.cpuUsage(cpuBefore);
  const rssLoaded = process.memoryUsage().rss;
  const report = tracker.report({ groupBy: 'day' });
  const total = seconds(began);
  const cpuTotal = process.cpuUsage(cpuBefore);
  // CPU seconds beside wall seconds: on a shared machine, wall time also counts waiting for a core.
  const cpu = (usage: NodeJS.CpuUsage): string => `${((usage.user + usage.system) / 1e6).toFixed(3)} s CPU`;
  console.log(`  ${label}:`);
  console.log(`    fromJsonl:       ${loaded.toFixed(3)} s (${cpu(cpuLoaded)}), RSS after load ${(rssLoaded / 1e6).toFixed(0)} MB`);
  console.log(`    report (by day): ${(total - loaded).toFixed(3)} s`);
  console.log(`    load + report:   ${total.toFixed(3)} s (${cpu(cpuTotal)}) (target < 2 s) ${total < 2 ? 'OK' : 'SLOW'}`);
  console.log(`    check: ${report.totals.attempts} attempts, ${Object.keys(report.groups ?? {}).length} days, $${report.totals.costUsd.toFixed(4)}, ${tracker.loadWarnings.length} lines skipped`);
  return JSON.stringify(report);
}

try {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  await measureRecordThroughput();
  await measureLoadAndReport();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
