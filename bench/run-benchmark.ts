/**
 * The benchmark of issue 8: every contender of `contenders.ts` (raw SDK, llm-orchestrator, and
 * the Vercel AI SDK as the peer) against a mock server in a child process, interleaved figure by
 * figure within each round (sends A B C, throughput A B C, streams A B C) so machine drift hits
 * all alike. Prints a table of each figure with its ratio to the raw SDK (the geometric mean of
 * the rounds' paired ratios) and writes it as JSON to `bench/results/latest.json`.
 *
 * Run: `npm run bench` (full, about 6 minutes) or `npm run bench -- --quick` (under a minute with the
 * build: 6 rounds of fewer calls, RSS with 250 open streams; a smoke check).
 * Options: `--quick`, `--no-build` (use the existing dist/: the orchestrator contender and the
 * import figure run the built package),
 * `--out <file>`, `--chunks <n>`, `--chunk-size <n>`, `--provider <openai|anthropic>` (repeatable;
 * default both).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CostTracker, JsonlSink, createUsage } from '../src/index.js';
import { type BenchProvider, type Contender, type ContenderSession, contenders } from './contenders.js';
import { measureImportBreakdown, measurePackageImport, probeLoadedModules } from './measure-import.js';
import { spawnMockServer } from './mock-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results', 'latest.json') },
    chunks: { type: 'string', default: '20' },
    'chunk-size': { type: 'string', default: '16' },
    provider: { type: 'string', multiple: true },
  },
});
const quick = flags.quick === true;

/** Every loop's bound, by mode. */
const plan = quick
  ? { rounds: 6, warmup: 30, sends: 30, throughputRequests: 192, streams: 15, rssStreams: 250, rssRepeats: 1, importRuns: 5, breakdownRuns: 3, ledgerRecords: 30_000 }
  : // Many short rounds rather than a few long ones: the loops a ratio pairs run a fraction of a
    // second apart. With 12 rounds of 150 streams (0.2 s loops), the rounds' stream ratios still
    // ranged from 0.57 to 1.50 on a 2-core machine shared with other work.
    { rounds: 36, warmup: 300, sends: 60, throughputRequests: 512, streams: 40, rssStreams: 1000, rssRepeats: 3, importRuns: 11, breakdownRuns: 7, ledgerRecords: 200_000 };
const concurrency = 64;
/** The unmeasured loop run right before each measured one, per figure. */
const loopWarmup = { sends: 20, throughputRequests: concurrency * 2, streams: 10 };
const rawColumn = 'raw SDK';
const serverOptions = { chunks: Number(flags.chunks), chunkSize: Number(flags['chunk-size']) };

/** The figures of one contender: per round (the send latencies and first chunks of each round in their own array). */
interface Samples {
  sendLatencies: number[][];
  throughputs: number[];
  chunkRates: number[];
  firstChunkMs: number[][];
  /**
   * CPU microseconds of this process (user + system, all its threads) per request of the
   * concurrent loop and per stream: what the client side costs, far less moved by other load
   * on the machine than wall-clock rates (the mock server runs in a child process).
   */
  cpuPerRequestUs: number[];
  cpuPerStreamUs: number[];
}

/** The contenders' order in each round, per provider (kept with the results). */
const roundOrders: Record<string, string[][]> = {};

/** CPU microseconds of this process since `since`. */
function cpuMicrosSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** A full garbage collection when the process runs with `--expose-gc` (`npm run bench` does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Every ordering of `items`. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

async function sequentialSends(session: ContenderSession, count: number, into: number[] | undefined): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const began = performance.now();
    const text = await session.send();
    const elapsed = performance.now() - began;
    if (text.length === 0) throw new Error('empty answer');
    into?.push(elapsed);
  }
}

async function concurrentSends(session: ContenderSession, total: number, cpuPerRequestUs?: number[]): Promise<number> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await session.send();
      }
    }),
  );
  const elapsed = performance.now() - began;
  cpuPerRequestUs?.push(cpuMicrosSince(cpuBefore) / total);
  return total / (elapsed / 1000);
}

async function sequentialStreams(session: ContenderSession, count: number, samples: Samples | undefined): Promise<void> {
  const firstChunks: number[] = [];
  samples?.firstChunkMs.push(firstChunks);
  let chunks = 0;
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    let first = true;
    for await (const text of session.stream()) {
      if (first) {
        firstChunks.push(performance.now() - start);
        first = false;
      }
      if (text.length === 0) throw new Error('empty chunk');
      chunks += 1;
    }
    if (first) throw new Error('a stream ended without text');
  }
  const elapsed = performance.now() - began;
  samples?.cpuPerStreamUs.push(cpuMicrosSince(cpuBefore) / count);
  samples?.chunkRates.push(chunks / (elapsed / 1000));
}

async function runProvider(provider: BenchProvider, origin: string): Promise<Map<Contender, Samples>> {
  const entries = contenders.filter((contender) => contender.provider === provider);
  const sessions = new Map<Contender, ContenderSession>();
  const samples = new Map<Contender, Samples>();
  for (const contender of entries) {
    const session = await contender.create(origin);
    sessions.set(contender, session);
    samples.set(contender, { sendLatencies: [], throughputs: [], chunkRates: [], firstChunkMs: [], cpuPerRequestUs: [], cpuPerStreamUs: [] });
    // Warm-up (JIT, connection pool), not counted: as many streams as sends, so every
    // contender's stream path is compiled before the first measured round.
    await sequentialSends(session, plan.warmup, undefined);
    await concurrentSends(session, concurrency * 2);
    await sequentialStreams(session, plan.warmup, undefined);
  }
  // Every ordering of the contenders in turn (6 for 3), so each runs first, last and right
  // after each other one equally often over a multiple of that many rounds (`plan.rounds` is one).
  const orderings = permutations(entries);
  // Within a round, each figure's loops of all contenders run back to back (sends A B C, then
  // throughput A B C, then streams A B C): the loops a ratio compares run seconds apart, not
  // tens of seconds, so the machine's drift between them stays small.
  // Each measured loop is preceded by a short one of the same kind, not counted: the loop then
  // starts in its steady state whatever ran before it (measured without it, the first contender
  // of a figure after another figure's loops lost up to 20% of its throughput).
  const phases: ((session: ContenderSession, into: Samples | undefined) => Promise<void>)[] = [
    async (session, into) => {
      await sequentialSends(session, loopWarmup.sends, undefined);
      const latencies: number[] = [];
      into?.sendLatencies.push(latencies);
      await sequentialSends(session, plan.sends, latencies);
    },
    async (session, into) => {
      await concurrentSends(session, loopWarmup.throughputRequests);
      const throughput = await concurrentSends(session, plan.throughputRequests, into?.cpuPerRequestUs);
      into?.throughputs.push(throughput);
    },
    async (session, into) => {
      await sequentialStreams(session, loopWarmup.streams, undefined);
      await sequentialStreams(session, plan.streams, into);
    },
  ];
  // Round -1 is a whole round run and thrown away: the first measured round then finds every
  // contender's code as compiled as the later ones do.
  for (let round = -1; round < plan.rounds; round += 1) {
    const order = orderings[Math.max(0, round) % orderings.length] ?? entries;
    if (round >= 0) (roundOrders[provider] ??= []).push(order.map((contender) => contender.kind));
    for (const phase of phases) {
      for (const contender of order) {
        const session = sessions.get(contender);
        if (!session) continue;
        // Collect the garbage before each measured loop, so no contender pays for the heap the one
        // before it left (the peer allocates about five times what the others do per stream).
        collectGarbage();
        await phase(session, round >= 0 ? samples.get(contender) : undefined);
      }
    }
    process.stderr.write(`  ${provider}: round ${round + 1}/${plan.rounds}${round < 0 ? ' (warm-up, not counted)' : ''}\n`);
  }
  for (const session of sessions.values()) await session.close();
  return samples;
}

/** One RSS probe's result (MB, ms). */
interface RssResult {
  peakDeltaMb: number;
  heapPerStreamKb: number;
  openMs: number;
  opened: number;
}

async function measureRss(contender: Contender): Promise<RssResult> {
  const server = await spawnMockServer({ ...serverOptions, stall: true });
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', 'rss-probe.ts'), contender.id, server.origin, String(plan.rssStreams)], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (part: Buffer) => {
        text += part.toString('utf8');
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`rss-probe ${contender.id} exited with code ${String(code)}`))));
    });
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { peakDeltaRss: number; heldHeapDelta: number; openMs: number; opened: number };
    if (result.opened !== plan.rssStreams) throw new Error(`rss-probe ${contender.id} opened ${result.opened} of ${plan.rssStreams} streams`);
    return { peakDeltaMb: result.peakDeltaRss / 1024 / 1024, heapPerStreamKb: result.heldHeapDelta / 1024 / plan.rssStreams, openMs: result.openMs, opened: result.opened };
  } finally {
    await server.close();
  }
}

async function measureLedger(records: number): Promise<{ recordsPerSecond: number; onDiskPerSecond: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'bench-ledger-'));
  try {
    const tracker = new CostTracker({ sessionId: 'bench', sinks: [new JsonlSink(join(directory, 'ledger.jsonl'))] });
    const usage = createUsage({ inputTokens: 120, outputTokens: 40 });
    const timestamp = new Date('2026-11-01T00:00:00.000Z');
    const began = performance.now();
    for (let index = 0; index < records; index += 1) {
      tracker.record({
        timestamp,
        requestId: `request-${index}`,
        attempt: 1,
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'ok',
        usage,
        usageSource: 'provider',
        costUsd: 0.000_042,
        priceSource: 'catalogue@0.1.8',
        latencyMs: 200 + (index % 300),
        metadata: { user_id: `user-${index % 50}` },
      });
    }
    const recorded = (performance.now() - began) / 1000;
    await tracker.close();
    const onDisk = (performance.now() - began) / 1000;
    return { recordsPerSecond: records / recorded, onDiskPerSecond: records / onDisk };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** One row of the printed table and the JSON file. */
interface Row {
  provider: string;
  figure: string;
  unit: string;
  /** Contender label to value. */
  values: Record<string, number>;
  /** Contender label to value / raw value (absent for the raw SDK itself). */
  ratios: Record<string, number>;
  target: string;
  /** Whether llm-orchestrator meets the target (absent when there is none). */
  met?: boolean;
  /** llm-orchestrator's ratio, 95% interval over the rounds (figures measured per round). */
  interval?: [number, number];
}

function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return value < 10 ? value.toFixed(3) : value.toFixed(1);
  if (unit === 'MB' || unit === 'KB') return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

function printTable(rows: readonly Row[]): void {
  const baselines = contenders.filter((contender) => contender.kind === 'raw').map((contender) => `${contender.provider}: ${contender.label}`);
  console.log(
    `${rawColumn}: ${baselines.join(', ')} (maxRetries: 0); values: medians of the run; ratio: geometric mean over the ${plan.rounds} rounds (every ordering of the contenders equally often) of value / ${rawColumn} value of the same round (send p99, RSS, heap: whole-run values); 95%: the interval of llm-orchestrator's ratio from the rounds' spread`,
  );
  const labels = [rawColumn, ...new Set(rows.flatMap((row) => Object.keys(row.values)).filter((label) => label !== rawColumn))];
  const header = ['provider', 'figure', ...labels.flatMap((label, index) => (index === 0 ? [label] : [label, 'ratio'])), 'target', 'met', 'llm-orchestrator ratio, 95%'];
  const lines = rows.map((row) => [
    row.provider,
    `${row.figure} (${row.unit})`,
    ...labels.flatMap((label, index) => {
      const value = row.values[label];
      const cell = value === undefined ? '' : format(value, row.unit);
      if (index === 0) return [cell];
      const ratio = row.ratios[label];
      return [cell, ratio === undefined ? '' : ratio.toFixed(3)];
    }),
    row.target,
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
    row.interval === undefined ? '' : `${row.interval[0].toFixed(3)}-${row.interval[1].toFixed(3)}`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const render = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(render(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(render(line));
}

interface FigureSpec {
  figure: string;
  unit: string;
  /** The contender's value over the whole run. */
  pick: (samples: Samples) => number;
  /**
   * The contender's value in one round. With it, the ratio is the geometric mean over the
   * rounds of value / raw value of the same round (paired: both loops ran seconds apart);
   * without it, the ratio is the whole-run values' ratio.
   */
  inRound?: (samples: Samples, round: number) => number;
  target: string;
  /** Given the orchestrator's value, the raw SDK's value and the ratio shown. */
  check: (value: number, raw: number, ratio: number) => boolean;
}

const at = (values: readonly number[], round: number) => values[round] ?? Number.NaN;

const figures: FigureSpec[] = [
  {
    figure: 'send p50',
    unit: 'ms',
    pick: (samples) => median(samples.sendLatencies.flat()),
    inRound: (samples, round) => median(samples.sendLatencies[round] ?? []),
    target: '<= 1.05x',
    check: (_value, _raw, ratio) => ratio <= 1.05,
  },
  { figure: 'send p99', unit: 'ms', pick: (samples) => percentile(samples.sendLatencies.flat(), 0.99), target: '', check: () => true },
  {
    figure: `throughput @${concurrency}`,
    unit: 'req/s',
    pick: (samples) => median(samples.throughputs),
    inRound: (samples, round) => at(samples.throughputs, round),
    target: '>= 0.95x',
    check: (_value, _raw, ratio) => ratio >= 0.95,
  },
  {
    figure: 'stream chunks/s',
    unit: 'chunks/s',
    pick: (samples) => median(samples.chunkRates),
    inRound: (samples, round) => at(samples.chunkRates, round),
    target: '>= 0.95x',
    check: (_value, _raw, ratio) => ratio >= 0.95,
  },
  {
    figure: 'first chunk p50',
    unit: 'ms',
    pick: (samples) => median(samples.firstChunkMs.flat()),
    inRound: (samples, round) => median(samples.firstChunkMs[round] ?? []),
    target: '<= raw + 1 ms',
    check: (value, raw) => value <= raw + 1,
  },
  {
    figure: `CPU per request @${concurrency}`,
    unit: 'µs',
    pick: (samples) => median(samples.cpuPerRequestUs),
    inRound: (samples, round) => at(samples.cpuPerRequestUs, round),
    target: '',
    check: () => true,
  },
  {
    figure: 'CPU per stream',
    unit: 'µs',
    pick: (samples) => median(samples.cpuPerStreamUs),
    inRound: (samples, round) => at(samples.cpuPerStreamUs, round),
    target: '',
    check: () => true,
  },
];

/**
 * The ratio of `spec` for `samples` against the raw SDK's: for a figure with rounds, the
 * geometric mean of the rounds' paired ratios. Where a contender runs in a round moves its
 * figures by up to 20% on this machine (the first of a figure's loops, the one after the
 * peer...); the rounds go through every ordering equally often, and the mean of the ratios'
 * logarithms then weighs each position alike, which a median does not.
 */
function ratioOf(spec: FigureSpec, samples: Samples, rawSamples: Samples): number {
  if (spec.inRound === undefined) return spec.pick(samples) / spec.pick(rawSamples);
  return Math.exp(mean(roundLogRatios(spec.inRound, samples, rawSamples)));
}

/**
 * The 95% interval of {@link ratioOf} for a figure with rounds (the mean of the rounds' log
 * ratios ± 1.96 standard errors): how far the run's own spread leaves the ratio uncertain.
 */
function ratioInterval(spec: FigureSpec, samples: Samples, rawSamples: Samples): [number, number] | undefined {
  if (spec.inRound === undefined || plan.rounds < 2) return undefined;
  const logs = roundLogRatios(spec.inRound, samples, rawSamples);
  const center = mean(logs);
  const variance = logs.reduce((sum, log) => sum + (log - center) ** 2, 0) / (logs.length - 1);
  const margin = 1.96 * Math.sqrt(variance / logs.length);
  return [Math.exp(center - margin), Math.exp(center + margin)];
}

function roundLogRatios(inRound: NonNullable<FigureSpec['inRound']>, samples: Samples, rawSamples: Samples): number[] {
  return Array.from({ length: plan.rounds }, (_, round) => Math.log(inRound(samples, round) / inRound(rawSamples, round)));
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Table column of a contender: every provider's baseline shares the `raw SDK` column. */
function columnOf(contender: Contender): string {
  return contender.kind === 'raw' ? rawColumn : contender.label;
}

function rowsFor(provider: BenchProvider, samples: Map<Contender, Samples>): Row[] {
  const raw = [...samples.keys()].find((contender) => contender.kind === 'raw');
  const rawSamples = raw ? samples.get(raw) : undefined;
  return figures.map((spec) => {
    const values: Record<string, number> = {};
    const ratios: Record<string, number> = {};
    const rawValue = rawSamples ? spec.pick(rawSamples) : Number.NaN;
    let met: boolean | undefined;
    let interval: [number, number] | undefined;
    for (const [contender, contenderSamples] of samples) {
      const value = spec.pick(contenderSamples);
      values[columnOf(contender)] = value;
      const ratio = rawSamples ? ratioOf(spec, contenderSamples, rawSamples) : Number.NaN;
      if (contender.kind !== 'raw') ratios[columnOf(contender)] = ratio;
      if (contender.kind === 'orchestrator' && spec.target !== '') met = spec.check(value, rawValue, ratio);
      if (contender.kind === 'orchestrator' && rawSamples) interval = ratioInterval(spec, contenderSamples, rawSamples);
    }
    return {
      provider,
      figure: spec.figure,
      unit: spec.unit,
      values,
      ratios,
      ...(interval === undefined ? {} : { interval }),
      target: spec.target,
      ...(met === undefined ? {} : { met }),
    };
  });
}

function machine(): Record<string, string | number> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    mode: quick ? 'quick' : 'full',
    chunks: serverOptions.chunks,
    chunkSize: serverOptions.chunkSize,
  };
}

// The orchestrator contender runs the built package (dist/), what users install: build it first.
if (flags['no-build'] !== true) {
  process.stderr.write('building (npm run build): the contenders and the import figure use dist/\n');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
}

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  process.stderr.write('warning: run with node --expose-gc (npm run bench does): without it no garbage is collected between contenders\n');
}

const began = performance.now();
const rows: Row[] = [];
const details: Record<string, unknown> = { plan, roundOrders };
console.log(`llm-orchestrator benchmark (${quick ? 'quick' : 'full'}): ${JSON.stringify(machine())}`);

const providers = [...new Set(contenders.map((contender) => contender.provider))].filter((provider) => flags.provider === undefined || flags.provider.includes(provider));
for (const provider of providers) {
  const server = await spawnMockServer(serverOptions);
  try {
    process.stderr.write(`${provider}: send, throughput, stream (${plan.rounds} rounds)\n`);
    const samples = await runProvider(provider, server.origin);
    rows.push(...rowsFor(provider, samples));
    // Every round's figures, to see how they spread.
    details[`rounds-${provider}`] = Object.fromEntries(
      [...samples].map(([contender, { throughputs, chunkRates, cpuPerRequestUs, cpuPerStreamUs }]) => [contender.id, { throughputs, chunkRates, cpuPerRequestUs, cpuPerStreamUs }]),
    );
  } finally {
    await server.close();
  }
  const rssValues: Record<string, number> = {};
  const rssRatios: Record<string, number> = {};
  let rawRss = Number.NaN;
  let met: boolean | undefined;
  const heapValues: Record<string, number> = {};
  const heapRatios: Record<string, number> = {};
  const entries = contenders.filter((entry) => entry.provider === provider);
  const runs = new Map<Contender, RssResult[]>(entries.map((contender) => [contender, []]));
  // A fresh child process per contender and run, interleaved (A B A B…); the median run counts.
  for (let repeat = 0; repeat < plan.rssRepeats; repeat += 1) {
    for (const contender of entries) {
      process.stderr.write(`${provider}: peak RSS, ${plan.rssStreams} open streams, ${contender.id} (${repeat + 1}/${plan.rssRepeats})\n`);
      runs.get(contender)?.push(await measureRss(contender));
    }
  }
  let rawHeap = Number.NaN;
  for (const contender of entries) {
    const results = runs.get(contender) ?? [];
    details[`rss-${contender.id}`] = results;
    const peak = median(results.map((result) => result.peakDeltaMb));
    const heap = median(results.map((result) => result.heapPerStreamKb));
    rssValues[columnOf(contender)] = peak;
    heapValues[columnOf(contender)] = heap;
    if (contender.kind === 'raw') {
      rawRss = peak;
      rawHeap = heap;
    } else {
      rssRatios[columnOf(contender)] = peak / rawRss;
      heapRatios[columnOf(contender)] = heap / rawHeap;
    }
    if (contender.kind === 'orchestrator') met = peak / rawRss <= 1.1;
  }
  rows.push({ provider, figure: `RSS delta, ${plan.rssStreams} streams`, unit: 'MB', values: rssValues, ratios: rssRatios, target: '<= 1.10x', ...(met === undefined ? {} : { met }) });
  rows.push({ provider, figure: 'JS heap per held stream', unit: 'KB', values: heapValues, ratios: heapRatios, target: '' });
}

process.stderr.write(`import: ${plan.importRuns} fresh processes\n`);
const imported = measurePackageImport(plan.importRuns);
const required = measurePackageImport(plan.importRuns, 'cjs');
const loaded = probeLoadedModules();
const breakdown = measureImportBreakdown(plan.breakdownRuns);
details.import = { samplesMs: imported.samplesMs, requireSamplesMs: required.samplesMs, packages: loaded.packages, sdkModules: loaded.sdk, breakdownMs: breakdown };
for (const [figure, measured] of [
  ['import, ESM', imported],
  ['require, CJS', required],
] as const) {
  rows.push({
    provider: '-',
    figure: `${figure} (median of ${plan.importRuns})`,
    unit: 'ms',
    values: { 'llm-orchestrator': measured.medianMs },
    ratios: {},
    target: '<= 30 ms',
    met: measured.medianMs <= 30,
  });
}
rows.push({ provider: '-', figure: 'SDK modules loaded by import', unit: 'count', values: { 'llm-orchestrator': loaded.sdk.length }, ratios: {}, target: '0', met: loaded.sdk.length === 0 });
for (const [name, milliseconds] of Object.entries(breakdown)) {
  rows.push({ provider: '-', figure: `  ${name}`, unit: 'ms', values: { 'llm-orchestrator': milliseconds }, ratios: {}, target: '' });
}

process.stderr.write(`ledger: ${plan.ledgerRecords.toLocaleString('en-US')} records\n`);
const ledger = await measureLedger(plan.ledgerRecords);
rows.push({ provider: '-', figure: 'ledger record() + JsonlSink', unit: 'records/s', values: { 'llm-orchestrator': ledger.recordsPerSecond }, ratios: {}, target: '>= 100,000', met: ledger.recordsPerSecond >= 100_000 });
rows.push({ provider: '-', figure: 'ledger until on disk', unit: 'records/s', values: { 'llm-orchestrator': ledger.onDiskPerSecond }, ratios: {}, target: '' });

console.log('');
printTable(rows);
const elapsedSeconds = (performance.now() - began) / 1000;
console.log(`\n${rows.filter((row) => row.met === false).length} target(s) missed; ${elapsedSeconds.toFixed(1)} s`);
mkdirSync(dirname(flags.out ?? ''), { recursive: true });
writeFileSync(flags.out ?? '', `${JSON.stringify({ machine: machine(), elapsedSeconds, rows, details }, null, 2)}\n`);
console.log(`written: ${flags.out ?? ''}`);
