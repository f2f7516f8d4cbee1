/**
 * Child process of the benchmark: peak RSS growth of one contender holding N streams open.
 * Run: `node --expose-gc --import tsx bench/rss-probe.ts <contender-id> <origin> <streams>`
 * against a mock server started with `stall: true`. Warms up with one full stream, takes the
 * baseline RSS, opens N streams and reads each one's first text chunk (the server then holds
 * them), samples RSS every 5 ms, releases the server, drains every stream. Prints one JSON line.
 * Bounded: 60 s at most, then exits with code 2.
 */
import { findContender } from './contenders.js';

const [id, origin, countText] = process.argv.slice(2);
if (id === undefined || origin === undefined) throw new Error('usage: rss-probe.ts <contender-id> <origin> [streams]');
const count = Number(countText ?? 1000);
const deadline = setTimeout(() => {
  process.stderr.write(`rss-probe ${id}: not done within 60 s\n`);
  process.exit(2);
}, 60_000);

const gc = (globalThis as { gc?: () => void }).gc;
const contender = findContender(id);
const session = await contender.create(origin);

async function release(): Promise<void> {
  const response = await fetch(`${origin}/__release`, { method: 'POST' });
  await response.arrayBuffer();
}

// Warm-up: the SDK loaded, one stream through (stalled, then released), so the baseline holds the code.
{
  const warm = session.stream()[Symbol.asyncIterator]();
  await warm.next();
  await release();
  while (!(await warm.next()).done);
}
gc?.();
const baselineMemory = process.memoryUsage();
const baseline = baselineMemory.rss;
let peak = baseline;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
}, 5);

const began = performance.now();
const iterators = Array.from({ length: count }, () => session.stream()[Symbol.asyncIterator]());
const firsts = await Promise.all(iterators.map((iterator) => iterator.next()));
const openMs = performance.now() - began;
// With every stream held: where the growth sits (JS heap vs. buffers outside it), after a GC so
// only live objects count.
gc?.();
const heldMemory = process.memoryUsage();
const heldRss = heldMemory.rss;
const heldHeapDelta = heldMemory.heapUsed - baselineMemory.heapUsed;
const heldExternalDelta = heldMemory.external + heldMemory.arrayBuffers - baselineMemory.external - baselineMemory.arrayBuffers;
if (heldRss > peak) peak = heldRss;
const opened = firsts.filter((first) => !first.done).length;
await release();
let chunks = 0;
await Promise.all(
  iterators.map(async (iterator) => {
    while (!(await iterator.next()).done) chunks += 1;
  }),
);
clearInterval(sampler);
await session.close();
clearTimeout(deadline);
process.stdout.write(
  `${JSON.stringify({ id, streams: count, opened, chunksAfterRelease: chunks, baselineRss: baseline, heldRss, peakRss: peak, peakDeltaRss: peak - baseline, heldHeapDelta, heldExternalDelta, openMs })}\n`,
);
process.exit(0);
