import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import type { ErrorKind } from '../../src/errors/error-kind.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { StreamInterruptedError } from '../../src/errors/stream-interrupted-error.js';
import type { ConfigInput } from '../../src/config/config-input.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { collectEvents, createFaultAdapter, faultModels, faultOrchestratorOptions, faultProviderEntry } from './fault-adapters.js';
import { eventsBeforeText, faultProviders, recordedStreamText, startFaultServer, type Fault, type FaultProvider, type FaultServer } from './fault-server.js';

/** Each provider's second model: the fallback target of the orchestrator rows. */
const backupModels: Record<FaultProvider, string> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.5-pro',
  bedrock: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  vertex: 'gemini-2.5-pro',
};

const messages = [{ role: 'user' as const, content: 'How many r in strawberry?' }];

/** What the chain does after the fault on the first model. */
type Decision = 'falls-back' | 'stops' | 'skips-provider';

/** One row of the status/transport matrix: the same fault for send and stream, before any text. */
interface StatusRow {
  name: string;
  fault: (provider: FaultProvider) => Fault;
  kind: ErrorKind | ((provider: FaultProvider) => ErrorKind);
  decision: Decision;
  status?: (provider: FaultProvider) => number;
  retryAfterMs?: (provider: FaultProvider) => number | undefined;
  /** A 404 marks the model not found: the next call of the same orchestrator skips it. */
  marksNotFound?: boolean;
}

/** The status each provider uses for "overloaded". */
const overloadedStatus = (provider: FaultProvider) => (provider === 'anthropic' ? 529 : 503);

/** The status each provider answers "quota exhausted" with. */
const quotaStatus = (provider: FaultProvider) => (provider === 'anthropic' || provider === 'bedrock' ? 400 : 429);

const statusRows: StatusRow[] = [
  { name: '500', fault: () => ({ type: 'status', status: 500 }), kind: 'server', decision: 'falls-back', status: () => 500 },
  { name: 'overloaded (503 / Anthropic 529)', fault: (provider) => ({ type: 'status', status: overloadedStatus(provider) }), kind: 'overloaded', decision: 'falls-back', status: overloadedStatus },
  {
    name: '429 with retry-after',
    fault: () => ({ type: 'status', status: 429, retryAfterSeconds: 2 }),
    kind: 'rate_limit',
    decision: 'falls-back',
    status: () => 429,
    // Gemini carries its retry delay in the body's RetryInfo (the recorded per-minute 429: 34.4 s);
    // Vertex's shared-capacity 429 carries none, and Google's SDKs read no retry-after header.
    retryAfterMs: (provider) => (provider === 'gemini' ? 34_400 : provider === 'vertex' ? undefined : 2000),
  },
  {
    name: 'quota exhausted',
    fault: (provider) => ({ type: 'status', status: quotaStatus(provider), quota: true }),
    kind: 'quota',
    decision: 'skips-provider',
    status: quotaStatus,
  },
  { name: '404', fault: () => ({ type: 'status', status: 404 }), kind: 'not_found', decision: 'falls-back', status: () => 404, marksNotFound: true },
  { name: '403', fault: () => ({ type: 'status', status: 403 }), kind: 'auth', decision: 'skips-provider', status: () => 403 },
  { name: '400', fault: () => ({ type: 'status', status: 400 }), kind: 'invalid_request', decision: 'stops', status: () => 400 },
  { name: 'reset before any byte', fault: () => ({ type: 'reset', afterEvents: 0 }), kind: 'network', decision: 'falls-back' },
];

/** One row of the stream-only matrix. */
interface StreamRow {
  name: string;
  fault: (provider: FaultProvider) => Fault;
  /** Kind of the adapter's error; `undefined`: the adapter ends without error and without `finish`. */
  kind: ErrorKind | readonly ErrorKind[] | ((provider: FaultProvider) => readonly ErrorKind[]) | undefined;
  /** Before the first text: invisible fallback; after it: StreamInterruptedError. */
  afterText: boolean;
}

const before = (provider: FaultProvider) => eventsBeforeText(provider);
const after = (provider: FaultProvider) => eventsBeforeText(provider) + 1;

// A malformed line is `unknown` for some SDKs and `network` for others (see the report); both move
// on. Vertex's @google/genai throws the raw SyntaxError: after a stream's first event,
// map-vertex-error.ts reads it as a malformed event (`network`); before it or for a whole JSON
// body, as a non-JSON answer from a proxy (`server`). All of them move on.
const malformedKinds = (provider: FaultProvider): readonly ErrorKind[] => (provider === 'vertex' ? ['network', 'server'] : ['unknown', 'network']);
const malformedBodyKinds = (provider: FaultProvider): readonly ErrorKind[] => (provider === 'vertex' ? ['server'] : ['unknown', 'network']);

const streamRows: StreamRow[] = [
  { name: 'reset after the head, before text', fault: (provider) => ({ type: 'reset', afterEvents: before(provider) }), kind: 'network', afterText: false },
  { name: 'reset after text', fault: (provider) => ({ type: 'reset', afterEvents: after(provider) }), kind: 'network', afterText: true },
  { name: 'in-band error before text', fault: (provider) => ({ type: 'in-band-error', afterEvents: before(provider) }), kind: ['server', 'overloaded'], afterText: false },
  { name: 'in-band error after text', fault: (provider) => ({ type: 'in-band-error', afterEvents: after(provider) }), kind: ['server', 'overloaded'], afterText: true },
  { name: 'malformed event before text', fault: (provider) => ({ type: 'malformed', afterEvents: before(provider) }), kind: malformedKinds, afterText: false },
  { name: 'malformed event after text', fault: (provider) => ({ type: 'malformed', afterEvents: after(provider) }), kind: malformedKinds, afterText: true },
  { name: 'end without the terminal event', fault: () => ({ type: 'no-terminal' }), kind: undefined, afterText: true },
];

function kindOf(row: StatusRow, provider: FaultProvider): ErrorKind {
  return typeof row.kind === 'function' ? row.kind(provider) : row.kind;
}

/** The kinds a stream row allows for `provider` (`network` for a row whose adapter ends without error). */
function streamKindsOf(row: StreamRow, provider: FaultProvider): ErrorKind | readonly ErrorKind[] {
  if (row.kind === undefined) return 'network';
  return typeof row.kind === 'function' ? row.kind(provider) : row.kind;
}

function expectKind(error: unknown, kind: ErrorKind | readonly ErrorKind[]): asserts error is ProviderError {
  expect(error).toBeInstanceOf(ProviderError);
  const kinds: readonly ErrorKind[] = typeof kind === 'string' ? [kind] : kind;
  expect(kinds).toContain((error as ProviderError).kind);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** An orchestrator over `provider` only, first model faulty (per the server's decider), second healthy. */
function orchestratorFor(provider: FaultProvider, server: FaultServer): LLMOrchestrator {
  return new LLMOrchestrator(
    {
      active_provider: provider,
      providers: { [provider]: faultProviderEntry(provider, server, [faultModels[provider], backupModels[provider]]) },
      retry: { max_attempts: 1, initial_delay_ms: 1, max_delay_ms: 2 },
      circuit_breaker: { enabled: false },
      cost_tracking: { pricing: { [provider]: { [faultModels[provider]]: { input: 1, output: 2 }, [backupModels[provider]]: { input: 1, output: 2 } } } },
    } satisfies ConfigInput,
    { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: `matrix-${provider}` },
  );
}

describe('fault matrix', () => {
  let server: FaultServer;

  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterAll(async () => {
    await server.close();
  });

  /** Installs `fault` for the first model of `provider`; everything else answers normally. */
  function faultFirstModel(provider: FaultProvider, fault: Fault): void {
    server.resetCounts();
    server.setDecider((request) => (request.model === faultModels[provider] ? fault : { type: 'ok' }));
  }

  const served = (provider: FaultProvider, model: string) => server.served.get(`${provider}/${model}`) ?? 0;

  describe.each(faultProviders)('%s adapter', (provider) => {
    const request = () => ({ model: faultModels[provider], messages, signal: new AbortController().signal });

    it('answers send and stream with the recorded response when nothing is injected', async () => {
      faultFirstModel(provider, { type: 'ok' });
      const adapter = createFaultAdapter(provider, server);
      const result = await adapter.doSend(request());
      expect(result.content.length).toBeGreaterThan(0);
      const streamed = await collectEvents(adapter.doStream(request()));
      expect(streamed.error).toBeUndefined();
      expect(streamed.finished).toBe(true);
      expect(streamed.text).toBe(recordedStreamText[provider]);
      expect(served(provider, faultModels[provider])).toBe(2);
    });

    it.each(statusRows)('$name: send and stream fail with the documented kind', async (row) => {
      faultFirstModel(provider, row.fault(provider));
      const adapter = createFaultAdapter(provider, server);
      const sendError = await failureOf(adapter.doSend(request()));
      const streamed = await collectEvents(adapter.doStream(request()));
      for (const error of [sendError, streamed.error]) {
        expectKind(error, kindOf(row, provider));
        expect(error.provider).toBe(provider);
        expect(error.model).toBe(faultModels[provider]);
        if (row.status) expect(error.status).toBe(row.status(provider));
        if (row.retryAfterMs) expect(error.retryAfterMs).toBe(row.retryAfterMs(provider));
        expect(error.message).not.toContain('secret');
      }
      expect(streamed.text).toBe('');
    });

    it.each(streamRows)('$name: the stream ends with the documented kind', async (row) => {
      faultFirstModel(provider, row.fault(provider));
      const streamed = await collectEvents(createFaultAdapter(provider, server).doStream(request()));
      if (row.kind === undefined) expect(streamed.error).toBeUndefined();
      else expectKind(streamed.error, streamKindsOf(row, provider));
      expect(streamed.finished).toBe(false);
      if (row.afterText) {
        expect(streamed.text.length).toBeGreaterThan(0);
        expect(recordedStreamText[provider].startsWith(streamed.text)).toBe(true);
      } else expect(streamed.text).toBe('');
    });

    it('a malformed JSON body fails send with a kind that moves on', async () => {
      faultFirstModel(provider, { type: 'malformed', afterEvents: 0 });
      expectKind(await failureOf(createFaultAdapter(provider, server).doSend(request())), malformedBodyKinds(provider));
    });
  });

  describe.each(faultProviders)('%s through LLMOrchestrator (first model faulty, second healthy)', (provider) => {
    const primary = faultModels[provider];
    const backup = backupModels[provider];

    it.each(statusRows)('$name: send and stream take the documented decision', async (row) => {
      faultFirstModel(provider, row.fault(provider));
      const orch = orchestratorFor(provider, server);
      try {
        const kind = kindOf(row, provider);
        if (row.decision === 'falls-back') {
          const response = await orch.send({ messages });
          expect(response.model).toBe(backup);
          expect(response.attempts.map((attempt) => attempt.model)).toEqual([primary, backup]);
          expect(response.attempts[0]?.error?.kind).toBe(kind);

          const stream = orch.stream({ messages });
          let text = '';
          for await (const chunk of stream) text += chunk.text;
          const done = await stream.response;
          expect(done.model).toBe(backup);
          expect(text).toBe(recordedStreamText[provider]);
          expect(served(provider, backup)).toBe(2);
        } else {
          const sendError = await failureOf(orch.send({ messages }));
          const stream = orch.stream({ messages });
          const streamError = await failureOf(
            (async () => {
              for await (const chunk of stream) expect(chunk.text).toBe('never');
            })(),
          );
          await expect(stream.response).rejects.toBe(streamError);
          for (const error of [sendError, streamError]) {
            if (row.decision === 'stops') expectKind(error, kind);
            else {
              expect(error).toBeInstanceOf(AllFallbacksFailedError);
              expect((error as AllFallbacksFailedError).errors.map((each) => each.kind)).toEqual([kind]);
            }
          }
          expect(served(provider, backup)).toBe(0);
        }
        expect(served(provider, primary)).toBe(row.marksNotFound ? 1 : 2);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });

    it.each(streamRows)('$name: stream falls back before text, is interrupted after it', async (row) => {
      faultFirstModel(provider, row.fault(provider));
      const orch = orchestratorFor(provider, server);
      try {
        const stream = orch.stream({ messages });
        let text = '';
        let error: unknown;
        try {
          for await (const chunk of stream) text += chunk.text;
        } catch (caught) {
          error = caught;
        }
        if (row.afterText) {
          expect(error).toBeInstanceOf(StreamInterruptedError);
          const interrupted = error as StreamInterruptedError;
          expect(interrupted.partialText).toBe(text);
          expect(text.length).toBeGreaterThan(0);
          expect(recordedStreamText[provider].startsWith(text)).toBe(true);
          expectKind(interrupted.cause, streamKindsOf(row, provider));
          await expect(stream.response).rejects.toBe(error);
          expect(served(provider, backup)).toBe(0);
          expect(orch.tracker.records().map((record) => record.status)).toEqual(['interrupted']);
        } else {
          expect(error).toBeUndefined();
          expect(text).toBe(recordedStreamText[provider]);
          const done = await stream.response;
          expect(done.model).toBe(backup);
          expectKind(done.attempts[0]?.error, streamKindsOf(row, provider));
          expect(orch.tracker.records().map((record) => record.status)).toEqual(['error', 'ok']);
        }
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });
  });

  describe.each(faultProviders)('%s with cross_provider_fallback', (provider) => {
    const other = faultProviders[(faultProviders.indexOf(provider) + 1) % faultProviders.length] ?? 'openai';
    const crossRows = statusRows.filter((row) => row.decision === 'skips-provider');

    it.each(crossRows)('$name on the first model skips the rest of the provider and answers from the next provider', async (row) => {
      faultFirstModel(provider, row.fault(provider));
      const orch = new LLMOrchestrator(
        {
          active_provider: provider,
          cross_provider_fallback: true,
          provider_order: [provider, other],
          providers: {
            [provider]: faultProviderEntry(provider, server, [faultModels[provider], backupModels[provider]]),
            [other]: faultProviderEntry(other, server, [faultModels[other]]),
          },
          retry: { max_attempts: 2, initial_delay_ms: 1, max_delay_ms: 2 },
          circuit_breaker: { enabled: false },
        } satisfies ConfigInput,
        { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: `cross-${provider}` },
      );
      try {
        const response = await orch.send({ messages });
        expect(response.provider).toBe(other);
        expect(response.attempts.map((attempt) => [attempt.provider, attempt.error?.kind])).toEqual([
          [provider, kindOf(row, provider)],
          [other, undefined],
        ]);
        // Never retried, and the provider's second model is skipped.
        expect(served(provider, faultModels[provider])).toBe(1);
        expect(served(provider, backupModels[provider])).toBe(0);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });

    it('an in-band error before text on every model of the provider falls back invisibly to the next provider', async () => {
      server.resetCounts();
      server.setDecider((request) => (request.provider === provider ? { type: 'in-band-error', afterEvents: eventsBeforeText(provider) } : { type: 'ok' }));
      const orch = new LLMOrchestrator(
        {
          active_provider: provider,
          cross_provider_fallback: true,
          provider_order: [provider, other],
          providers: {
            [provider]: faultProviderEntry(provider, server, [faultModels[provider]]),
            [other]: faultProviderEntry(other, server, [faultModels[other]]),
          },
          retry: { max_attempts: 2, initial_delay_ms: 1, max_delay_ms: 2 },
          circuit_breaker: { enabled: false },
        } satisfies ConfigInput,
        { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: `cross-${provider}` },
      );
      try {
        const stream = orch.stream({ messages });
        const chunks: { text: string; provider?: string }[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        expect(chunks.every((chunk) => chunk.provider === other)).toBe(true);
        expect(chunks.map((chunk) => chunk.text).join('')).toBe(recordedStreamText[other]);
        const done = await stream.response;
        expect(done.attempts.map((attempt) => attempt.provider)).toEqual([provider, provider, other]);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });
  });
});
