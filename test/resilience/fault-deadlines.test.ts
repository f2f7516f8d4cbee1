import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { StreamInterruptedError } from '../../src/errors/stream-interrupted-error.js';
import type { ConfigInput } from '../../src/config/config-input.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { faultModels, faultOrchestratorOptions, faultProviderEntry } from './fault-adapters.js';
import { eventsBeforeText, faultProviders, recordedStreamText, startFaultServer, type Fault, type FaultProvider, type FaultServer } from './fault-server.js';

/** The deadline of every test here: small, so the file stays fast; real timers. */
const DEADLINE_MS = 300;
/** The bound: a call ends within 10% + 50 ms of its deadline. */
const LATEST_MS = DEADLINE_MS * 1.1 + 50;
/** A delay far beyond every deadline. */
const FOREVER_MS = 10_000;

const messages = [{ role: 'user' as const, content: 'How many r in strawberry?' }];

/** An orchestrator over `provider` with its one model, no retry, no cool-downs. */
function orchestratorFor(provider: FaultProvider, server: FaultServer, timeouts: Record<string, number> = {}): LLMOrchestrator {
  return new LLMOrchestrator(
    {
      active_provider: provider,
      providers: { [provider]: faultProviderEntry(provider, server, [faultModels[provider]]) },
      retry: { max_attempts: 1 },
      circuit_breaker: { enabled: false },
      timeouts,
    } satisfies ConfigInput,
    { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: `deadlines-${provider}` },
  );
}

/** Reads `stream` to its end; returns the error, the text and when the last chunk arrived. */
async function drain(stream: AsyncIterable<{ text: string }>) {
  let text = '';
  let lastChunkAt: number | undefined;
  let error: unknown;
  try {
    for await (const chunk of stream) {
      text += chunk.text;
      lastChunkAt = performance.now();
    }
  } catch (caught) {
    error = caught;
  }
  return { text, error, lastChunkAt, endedAt: performance.now() };
}

/** The `timeout` error a failed call carries, directly or as its only attempt's error. */
function timeoutErrorOf(error: unknown): ProviderError {
  const single = error instanceof AllFallbacksFailedError ? error.errors[0] : error;
  expect(single).toBeInstanceOf(ProviderError);
  expect((single as ProviderError).kind).toBe('timeout');
  return single as ProviderError;
}

function expectWithinDeadline(elapsedMs: number): void {
  expect(elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
  expect(elapsedMs).toBeLessThanOrEqual(LATEST_MS);
}

describe('deadlines against a slow or stalled server (real timers)', () => {
  let server: FaultServer;

  beforeAll(async () => {
    server = await startFaultServer();
    // Loads, before any deadline is timed, what a first call loads: every SDK (each adapter
    // imports its own on first use, some in 200 ms or more on a busy machine) and the price
    // catalogue (required synchronously by the first priced record, which blocks the timers).
    // Else a first call could overrun its deadline, or end before its request was served.
    for (const provider of faultProviders) {
      const orch = orchestratorFor(provider, server);
      try {
        await orch.send({ messages });
      } finally {
        await orch.close();
      }
    }
  });
  afterAll(async () => {
    await server.close();
  });

  function inject(fault: Fault): void {
    server.resetCounts();
    server.setDecider(() => fault);
  }

  describe.each(faultProviders)('%s', (provider) => {
    it(`send with timeoutMs ${DEADLINE_MS} ends in time when the first byte never comes`, async () => {
      inject({ type: 'ok', delayMs: FOREVER_MS });
      const orch = orchestratorFor(provider, server);
      try {
        const started = performance.now();
        const error = await orch.send({ messages, timeoutMs: DEADLINE_MS }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expectWithinDeadline(performance.now() - started);
        timeoutErrorOf(error);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });

    it(`stream with timeoutMs ${DEADLINE_MS} ends in time when the stream stalls before text`, async () => {
      inject({ type: 'stall', afterEvents: eventsBeforeText(provider) });
      const orch = orchestratorFor(provider, server);
      try {
        const started = performance.now();
        const stream = orch.stream({ messages, timeoutMs: DEADLINE_MS });
        const result = await drain(stream);
        expectWithinDeadline(result.endedAt - started);
        expect(result.text).toBe('');
        timeoutErrorOf(result.error);
        await expect(stream.response).rejects.toBe(result.error);
      } finally {
        await orch.close();
      }
    });

    it(`first_chunk_timeout_ms ${DEADLINE_MS} (config) ends the attempt in time when the first byte is late`, async () => {
      inject({ type: 'ok', delayMs: FOREVER_MS });
      const orch = orchestratorFor(provider, server, { first_chunk_timeout_ms: DEADLINE_MS });
      try {
        const started = performance.now();
        const result = await drain(orch.stream({ messages }));
        expectWithinDeadline(result.endedAt - started);
        expect(result.text).toBe('');
        timeoutErrorOf(result.error);
      } finally {
        await orch.close();
      }
    });

    it(`firstChunkTimeoutMs ${DEADLINE_MS} (request) ends the attempt in time when the stream stalls before text`, async () => {
      inject({ type: 'stall', afterEvents: eventsBeforeText(provider) });
      const orch = orchestratorFor(provider, server, { first_chunk_timeout_ms: FOREVER_MS });
      try {
        const started = performance.now();
        const result = await drain(orch.stream({ messages, firstChunkTimeoutMs: DEADLINE_MS } satisfies ChatRequest));
        expectWithinDeadline(result.endedAt - started);
        timeoutErrorOf(result.error);
      } finally {
        await orch.close();
      }
    });

    it(`idleTimeoutMs ${DEADLINE_MS} interrupts in time a stream that stalls after text`, async () => {
      inject({ type: 'stall', afterEvents: eventsBeforeText(provider) + 1 });
      const orch = orchestratorFor(provider, server, { idle_timeout_ms: FOREVER_MS });
      try {
        const result = await drain(orch.stream({ messages, idleTimeoutMs: DEADLINE_MS }));
        expect(result.lastChunkAt).toBeDefined();
        expectWithinDeadline(result.endedAt - (result.lastChunkAt ?? 0));
        expect(result.error).toBeInstanceOf(StreamInterruptedError);
        const interrupted = result.error as StreamInterruptedError;
        expect(interrupted.partialText).toBe(result.text);
        expect(recordedStreamText[provider].startsWith(result.text)).toBe(true);
        timeoutErrorOf(interrupted.cause);
        expect(orch.tracker.records().map((record) => record.status)).toEqual(['interrupted']);
      } finally {
        await orch.close();
      }
    });

    it(`idle_timeout_ms ${DEADLINE_MS} (config) before text falls back to the next model in time`, async () => {
      server.resetCounts();
      const backup = `${faultModels[provider]}-backup`;
      server.setDecider((request) => (request.model === backup ? { type: 'ok' } : { type: 'stall', afterEvents: eventsBeforeText(provider) }));
      const orch = new LLMOrchestrator(
        {
          active_provider: provider,
          providers: { [provider]: faultProviderEntry(provider, server, [faultModels[provider], backup]) },
          retry: { max_attempts: 1 },
          circuit_breaker: { enabled: false },
          // The idle clock starts at the first event, so the deadline is first_chunk's when no event came.
          timeouts: { first_chunk_timeout_ms: DEADLINE_MS, idle_timeout_ms: DEADLINE_MS },
        } satisfies ConfigInput,
        { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: `deadlines-${provider}` },
      );
      try {
        const stream = orch.stream({ messages });
        const result = await drain(stream);
        expect(result.error).toBeUndefined();
        expect(result.text).toBe(recordedStreamText[provider]);
        const done = await stream.response;
        expect(done.model).toBe(backup);
        expect(done.attempts[0]?.error?.kind).toBe('timeout');
        expect(done.attempts[0]?.latencyMs).toBeLessThanOrEqual(LATEST_MS);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });
  });
});
