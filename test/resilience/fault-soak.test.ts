import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrchestratorError } from '../../src/errors/orchestrator-error.js';
import type { ConfigInput } from '../../src/config/config-input.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { createRandom } from '../soak/faulty-provider.js';
import { faultProviderEntry } from './fault-adapters.js';
import { eventsBeforeText, startFaultServer, type Fault, type FaultProvider, type FaultRequest, type FaultServer } from './fault-server.js';

const REQUESTS = 1_500;
const WARM_UP = 200;
const CONCURRENCY = 32;
const SEED = 0x7e57_fa17;
/** Every call's deadline; a call must settle within it (+10% + 50 ms). */
const CALL_TIMEOUT_MS = 3_000;
/**
 * The stream deadlines that end stalls: generous enough that a loaded machine (32 calls in
 * flight, 2 shared cores) never trips them by itself, or attempts would time out before their
 * request reached the server and the ledger would rightly hold more records than served requests.
 */
const STREAM_TIMEOUT_MS = 500;

const soakProviders: FaultProvider[] = ['openai', 'anthropic', 'gemini'];
const soakModels: Record<string, string[]> = {
  openai: ['gpt-4.1-nano', 'gpt-4.1-mini'],
  anthropic: ['claude-haiku-4-5', 'claude-opus-4-5'],
  gemini: ['gemini-2.5-flash', 'gemini-2.5-pro'],
};

/** The faults of the soak and their weights (the rest of the time: a normal answer). */
const faultMenu: { weight: number; fault: (request: FaultRequest) => Fault }[] = [
  { weight: 6, fault: () => ({ type: 'status', status: 500 }) },
  { weight: 4, fault: (request) => ({ type: 'status', status: request.provider === 'anthropic' ? 529 : 503 }) },
  { weight: 4, fault: () => ({ type: 'status', status: 429 }) },
  { weight: 4, fault: () => ({ type: 'reset', afterEvents: 0 }) },
  { weight: 3, fault: (request) => ({ type: 'reset', afterEvents: eventsBeforeText(request.provider) + 1 }) },
  { weight: 2, fault: (request) => ({ type: 'stall', afterEvents: eventsBeforeText(request.provider) }) },
  { weight: 2, fault: (request) => ({ type: 'stall', afterEvents: eventsBeforeText(request.provider) + 1 }) },
  { weight: 3, fault: (request) => ({ type: 'malformed', afterEvents: eventsBeforeText(request.provider) + (request.index % 2) }) },
  { weight: 3, fault: (request) => ({ type: 'in-band-error', afterEvents: eventsBeforeText(request.provider) + (request.index % 2) }) },
  { weight: 3, fault: () => ({ type: 'no-terminal' }) },
  { weight: 6, fault: () => ({ type: 'ok', delayMs: 15 }) },
];
/** Share of requests that get a fault from the menu. */
const FAULT_RATE = 0.3;
/** The first model of the chain fails much more often, so its circuit opens and closes many times. */
const FLAKY_MODEL = 'gpt-4.1-nano';
const FLAKY_MODEL_FAULT_RATE = 0.7;

interface Outcome {
  mode: CallMode;
  settled: 'result' | 'typed-error' | 'other';
  elapsedMs: number;
}

/**
 * Thousands of calls (sends and streams) at concurrency 32 through LLMOrchestrator and the real
 * OpenAI, Anthropic and Gemini adapters, against the fault server injecting seeded random faults.
 */
describe('fault soak through LLMOrchestrator', () => {
  let server: FaultServer;
  let orch: LLMOrchestrator;
  const outcomes: Outcome[] = [];
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled += 1;
  };
  const random = createRandom(SEED);
  let durationMs = 0;
  let circuitOpens = 0;
  let fallbacks = 0;
  /** Ledger records of the warm-up calls, before the soak. */
  let recordsBefore = 0;
  /** The soak's ledger records. */
  const soakRecords = () => orch.tracker.records().slice(recordsBefore);
  let heapAfterWarmUp: number | undefined;
  let heapAtEnd: number | undefined;
  const gc = (globalThis as { gc?: () => void }).gc;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startFaultServer();
    orch = new LLMOrchestrator(
      {
        active_provider: 'openai',
        cross_provider_fallback: true,
        provider_order: soakProviders,
        providers: Object.fromEntries(soakProviders.map((provider) => [provider, faultProviderEntry(provider, server, soakModels[provider] ?? [])])),
        retry: { max_attempts: 2, initial_delay_ms: 1, max_delay_ms: 4, max_retry_after_ms: 20, max_total_attempts: 6 },
        circuit_breaker: { failure_threshold: 5, cooldown_ms: 20 },
        timeouts: { first_chunk_timeout_ms: STREAM_TIMEOUT_MS, idle_timeout_ms: STREAM_TIMEOUT_MS },
      } satisfies ConfigInput,
      { logger: { warn: () => {} }, sessionId: 'fault-soak' },
    );
    orch.on('circuit-open', () => {
      circuitOpens += 1;
    });
    orch.on('fallback', () => {
      fallbacks += 1;
    });
    // Loads each SDK (lazily imported on first use) before the clock matters, without faults.
    for (const provider of soakProviders) await orch.send({ messages: [{ role: 'user', content: 'warm up' }], provider });
    recordsBefore = orch.tracker.records().length;
    server.resetCounts();

    const faultRandom = createRandom(SEED + 1);
    const totalWeight = faultMenu.reduce((sum, entry) => sum + entry.weight, 0);
    server.setDecider((request) => {
      if (faultRandom() >= (request.model === FLAKY_MODEL ? FLAKY_MODEL_FAULT_RATE : FAULT_RATE)) return { type: 'ok' };
      let pick = faultRandom() * totalWeight;
      for (const entry of faultMenu) {
        pick -= entry.weight;
        if (pick < 0) return entry.fault(request);
      }
      return { type: 'ok' };
    });

    const started = performance.now();
    let next = 0;
    const runUpTo = async (limit: number) => {
      const worker = async (): Promise<void> => {
        while (next < limit) {
          const index = next;
          next += 1;
          const pick = random();
          outcomes[index] = await runOne(orch, pick < 0.45 ? 'send' : pick < 0.9 ? 'stream' : 'stream-left-early');
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    await runUpTo(WARM_UP);
    if (gc) {
      gc();
      heapAfterWarmUp = process.memoryUsage().heapUsed;
    }
    await runUpTo(REQUESTS);
    durationMs = performance.now() - started;
    if (gc) {
      gc();
      heapAtEnd = process.memoryUsage().heapUsed;
    }
  }, 60_000);

  afterAll(async () => {
    await orch.close();
    await server.close();
    process.off('unhandledRejection', onUnhandled);
  });

  it('settles every request with a result or a typed error, within its deadline', () => {
    expect(outcomes).toHaveLength(REQUESTS);
    expect(outcomes.filter((outcome) => outcome === undefined)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.settled === 'other')).toEqual([]);
    // The faults are frequent, but the chain has six models: most calls end with an answer.
    expect(outcomes.filter((outcome) => outcome.settled === 'result').length).toBeGreaterThan(REQUESTS / 2);
    expect(Math.max(...outcomes.map((outcome) => outcome.elapsedMs))).toBeLessThanOrEqual(CALL_TIMEOUT_MS * 1.1 + 50);
  });

  it('leaves no unhandled rejection', () => {
    expect(unhandled).toBe(0);
  });

  it('records exactly one ledger record per request the server received', () => {
    expect(soakRecords()).toHaveLength(server.totalServed());
    const served = [...server.served.values()].reduce((sum, count) => sum + count, 0);
    expect(served).toBe(server.totalServed());
    // A consumer that leaves after its first chunk cancels the attempt: one `aborted` record each.
    const leftEarly = outcomes.filter((outcome) => outcome.mode === 'stream-left-early' && outcome.settled === 'result').length;
    expect(leftEarly).toBeGreaterThan(0);
    expect(soakRecords().filter((record) => record.status === 'aborted')).toHaveLength(leftEarly);
  });

  it('injected every kind of fault and spent at most the attempt budget per request', () => {
    for (const type of ['status', 'reset', 'stall', 'malformed', 'in-band-error', 'no-terminal']) {
      expect(server.faultCounts.get(type) ?? 0, type).toBeGreaterThan(0);
    }
    const attemptsByRequest = new Map<string, number>();
    for (const record of soakRecords()) attemptsByRequest.set(record.request_id, (attemptsByRequest.get(record.request_id) ?? 0) + 1);
    expect(Math.max(...attemptsByRequest.values())).toBeLessThanOrEqual(6);
    expect(circuitOpens).toBeGreaterThan(0);
    expect(fallbacks).toBeGreaterThan(0);
    const attempts = soakRecords().length;
    const summary = {
      requests: REQUESTS,
      served: server.totalServed(),
      faults: Object.fromEntries(server.faultCounts),
      attemptsPerRequest: Number((attempts / REQUESTS).toFixed(3)),
      recordStatuses: Object.fromEntries(['ok', 'error', 'interrupted', 'aborted'].map((status) => [status, soakRecords().filter((record) => record.status === status).length])),
      modes: Object.fromEntries(['send', 'stream', 'stream-left-early'].map((mode) => [mode, outcomes.filter((outcome) => outcome.mode === mode).length])),
      results: outcomes.filter((outcome) => outcome.settled === 'result').length,
      typedErrors: outcomes.filter((outcome) => outcome.settled === 'typed-error').length,
      fallbacks,
      circuitOpens,
      durationMs: Math.round(durationMs),
      maxCallMs: Math.round(Math.max(...outcomes.map((outcome) => outcome.elapsedMs))),
      heap: gc ? { afterWarmUp: heapAfterWarmUp, atEnd: heapAtEnd } : 'global.gc not exposed',
    };
    console.info(`fault soak: ${JSON.stringify(summary)}`);
  });

  it('keeps the heap after GC within 20% of its value after warm-up', () => {
    // vitest.config.ts runs the forks with --expose-gc: without gc() a heap figure is noise.
    expect(gc, 'global.gc must be exposed (vitest.config.ts execArgv)').toBeTypeOf('function');
    expect(heapAfterWarmUp).toBeGreaterThan(0);
    expect(heapAtEnd).toBeLessThanOrEqual(heapAfterWarmUp! * 1.2);
  });
});

/** How a call is made: `send`, a stream read to its end, or one whose consumer leaves after the first chunk. */
type CallMode = 'send' | 'stream' | 'stream-left-early';

async function runOne(orch: LLMOrchestrator, mode: CallMode): Promise<Outcome> {
  const started = performance.now();
  const request = { messages: [{ role: 'user' as const, content: 'How many r in strawberry?' }], timeoutMs: CALL_TIMEOUT_MS };
  try {
    if (mode !== 'send') {
      const stream = orch.stream(request);
      let text = '';
      try {
        for await (const chunk of stream) {
          text += chunk.text;
          if (mode === 'stream-left-early') break;
        }
      } finally {
        // `response` rejects with the stream's error: observe it so it never goes unhandled.
        await stream.response.catch(() => undefined);
      }
      if (text === '') throw new Error('a stream that succeeded delivered no text');
    } else {
      const response = await orch.send(request);
      if (response.content === '') throw new Error('a send that succeeded returned no content');
    }
    return { mode, settled: 'result', elapsedMs: performance.now() - started };
  } catch (error) {
    return { mode, settled: error instanceof OrchestratorError ? 'typed-error' : 'other', elapsedMs: performance.now() - started };
  }
}
