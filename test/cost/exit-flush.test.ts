import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildUsageRecord } from '../../src/cost/build-usage-record.js';
import type { CostSink } from '../../src/cost/cost-sink.js';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { JsonlSink } from '../../src/cost/jsonl-sink.js';
import { makeInput, makeTempDirectory } from './helpers.js';

const run = promisify(execFile);
const childScript = fileURLToPath(new URL('./fixtures/record-and-exit.ts', import.meta.url));

describe('flush on beforeExit', () => {
  let temp: ReturnType<typeof makeTempDirectory>;
  beforeEach(() => {
    temp = makeTempDirectory();
  });
  afterEach(() => temp.remove());

  it('writes the records of a process that ends without flush() or close()', async () => {
    const jsonlPath = join(temp.directory, 'usage.jsonl');
    const bufferedPath = join(temp.directory, 'buffered.txt');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', childScript, jsonlPath, bufferedPath], {
      cwd: process.cwd(),
      timeout: 10_000,
    });
    // One listener for the tracker and its writer together, not one each.
    expect(stdout).toContain('listeners=1');
    const lines = readFileSync(jsonlPath, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { attempt: number }).attempt)).toEqual([1, 2]);
    // The buffering sink writes only in flush(): only the beforeExit flush can have stored these.
    expect(existsSync(bufferedPath)).toBe(true);
    expect(readFileSync(bufferedPath, 'utf8')).toBe('request-exit#1\nrequest-exit#2\n');
  });

  it('adds one process listener for any number of trackers and removes it once all are flushed', async () => {
    const before = process.listenerCount('beforeExit');
    const noop: CostSink = { write: () => undefined, flush: async () => undefined };
    const trackers = Array.from({ length: 20 }, (_, index) => new CostTracker({ sessionId: `s${index}`, sinks: [noop], onWarning: () => undefined }));
    for (const tracker of trackers) tracker.record(makeInput());
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    await Promise.all(trackers.slice(0, 19).map((tracker) => tracker.flush()));
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    await trackers[19]?.close();
    expect(process.listenerCount('beforeExit')).toBe(before);
    // Recording again registers again; a tracker without sinks never registers.
    new CostTracker({ onWarning: () => undefined }).record(makeInput());
    expect(process.listenerCount('beforeExit')).toBe(before);
    trackers[0]?.record(makeInput({ attempt: 2 }));
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    await trackers[0]?.flush();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });

  it('keeps a tracker registered when a record arrives while it flushes', async () => {
    const before = process.listenerCount('beforeExit');
    let release: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const slow: CostSink = { write: () => undefined, flush: () => gate };
    const tracker = new CostTracker({ sinks: [slow], onWarning: () => undefined });
    tracker.record(makeInput());
    const flushing = tracker.flush();
    tracker.record(makeInput({ attempt: 2 }));
    release();
    await flushing;
    // The second record came after the flush began: the exit flush must still cover it.
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    gate = Promise.resolve();
    await tracker.flush();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });

  it('leaves the exit flush to the file writers when a tracker has only file sinks', async () => {
    const before = process.listenerCount('beforeExit');
    const tracker = new CostTracker({ sinks: [new JsonlSink(join(temp.directory, 'only-files.jsonl'))], onWarning: () => undefined });
    tracker.record(makeInput());
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    // Drained without any flush() call: nothing keeps the tracker (or the listener) alive.
    await vi.waitFor(() => expect(process.listenerCount('beforeExit')).toBe(before));
    await tracker.close();
  });

  it('releases the listener of a standalone file sink once its lines are on disk', async () => {
    const before = process.listenerCount('beforeExit');
    const sink = new JsonlSink(join(temp.directory, 'alone.jsonl'));
    sink.write(buildUsageRecord(makeInput(), 'session-1', 0.001));
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    await sink.flush();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });
});
