/**
 * Where each contender's CPU goes, compared in one process: the raw SDK and `LLMOrchestrator`
 * run in alternating windows under one CPU profile, and every sample is charged to the contender
 * whose window it fell in, by kind of code (ours, the SDK, undici, web streams, Node internals,
 * garbage collection). Separate profiles of separate processes differ by ±10% on a shared
 * machine; this compares both under the same conditions.
 *
 * Run: `node --expose-gc --import tsx bench/profile-split.ts [--provider anthropic] [--mode send|stream] [--calls 2000] [--rounds 6]`
 * (`npm run build` first: the orchestrator is the built package). Prints µs per call of each
 * kind for each contender, largest difference first, and writes the profile to
 * `bench/results/split-<mode>-<provider>.cpuprofile` (open it in Chrome DevTools).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchProvider, type ContenderSession, contenders } from './contenders.js';
import { spawnMockServer } from './mock-server.js';

const { values: flags } = parseArgs({
  options: {
    provider: { type: 'string', default: 'anthropic' },
    mode: { type: 'string', default: 'send' },
    calls: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '6' },
  },
});
const provider = flags.provider as BenchProvider;
const mode = flags.mode === 'stream' ? 'stream' : 'send';
// Bounded: at most 20,000 calls per window and 20 rounds.
const calls = Math.min(Math.max(1, Number(flags.calls)), 20_000);
const rounds = Math.min(Math.max(1, Number(flags.rounds)), 20);
const concurrency = 64;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Sends at 64 concurrent, or streams one after the other. */
async function run(session: ContenderSession, count: number): Promise<void> {
  if (mode === 'stream') {
    for (let index = 0; index < count; index += 1) for await (const text of session.stream()) if (text.length === 0) throw new Error('empty chunk');
    return;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await session.send();
      }
    }),
  );
}

/** The kind of code a profile node runs. */
function kindOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url.includes('/dist/index.')) return 'llm-orchestrator';
  if (url.includes('/node_modules/')) {
    const path = url.slice(url.lastIndexOf('/node_modules/') + '/node_modules/'.length);
    return path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : (path.split('/')[0] ?? 'other');
  }
  if (url.includes('undici')) return 'undici (node)';
  if (url.includes('webstreams')) return 'web streams (node)';
  if (url.startsWith('node:')) return url.includes('/') ? `node:${url.split('/').at(-1) ?? ''}` : url;
  if (url === '') return functionName === '' ? '(native)' : functionName;
  return 'benchmark';
}

const now = () => Number(process.hrtime.bigint() / 1000n);
const server = await spawnMockServer();
try {
  const entries = contenders.filter((contender) => contender.provider === provider && contender.kind !== 'peer');
  if (entries.length !== 2) throw new Error(`unknown provider '${provider}'`);
  const sessions = await Promise.all(entries.map((contender) => contender.create(server.origin)));
  // Warm-up (JIT, connection pool), not profiled.
  for (let index = 0; index < 3; index += 1) for (const session of sessions) await run(session, Math.ceil(calls / 2));
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 50 });
  const windows: { contender: number; from: number; to: number }[] = [];
  await inspector.post('Profiler.start');
  for (let round = 0; round < rounds; round += 1) {
    // Each contender first in every other round.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const contender of order) {
      (globalThis as { gc?: () => void }).gc?.();
      const from = now();
      await run(sessions[contender] as ContenderSession, calls);
      windows.push({ contender, from, to: now() });
    }
  }
  const { profile } = (await inspector.post('Profiler.stop')) as { profile: Profile };
  inspector.disconnect();
  for (const session of sessions) await session.close();

  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = entries.map(() => new Map<string, number>());
  let time = profile.startTime;
  let windowIndex = 0;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    while (windowIndex < windows.length && time > (windows[windowIndex]?.to ?? 0)) windowIndex += 1;
    const window = windows[windowIndex];
    const node = byId.get(id);
    if (!window || !node || time < window.from) return;
    const kind = kindOf(node);
    const into = totals[window.contender] as Map<string, number>;
    into.set(kind, (into.get(kind) ?? 0) + (profile.timeDeltas[index + 1] ?? 0));
  });
  const perCall = (contender: number, kind: string) => (totals[contender]?.get(kind) ?? 0) / (calls * rounds);
  const kinds = [...new Set(totals.flatMap((map) => [...map.keys()]))].sort((a, b) => perCall(1, b) - perCall(0, b) - (perCall(1, a) - perCall(0, a)));
  const labels = entries.map((contender) => (contender.kind === 'raw' ? 'raw SDK' : contender.label));
  console.log(`${provider} ${mode}${mode === 'send' ? ` @${concurrency}` : ''}: µs of main-thread time per call, ${rounds} rounds of ${calls} calls each`);
  console.log(`${'kind'.padEnd(34)} ${labels.map((label) => label.padStart(16)).join(' ')}       diff`);
  const sum = (contender: number) => kinds.reduce((total, kind) => total + perCall(contender, kind), 0);
  for (const kind of kinds) {
    const values = entries.map((_, contender) => perCall(contender, kind));
    console.log(`${kind.slice(0, 34).padEnd(34)} ${values.map((value) => value.toFixed(1).padStart(16)).join(' ')} ${(perCall(1, kind) - perCall(0, kind)).toFixed(1).padStart(10)}`);
  }
  console.log(`${'total (idle included)'.padEnd(34)} ${entries.map((_, contender) => sum(contender).toFixed(1).padStart(16)).join(' ')} ${(sum(1) - sum(0)).toFixed(1).padStart(10)}`);
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `split-${mode}-${provider}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`written: ${file}`);
} finally {
  await server.close();
}
