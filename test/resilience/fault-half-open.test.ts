import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import type { ConfigInput } from '../../src/config/config-input.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import type { OrchestratorEvents } from '../../src/orchestrator/orchestrator-events.js';
import type { ChatResponse } from '../../src/spec/chat-response.js';
import { faultModels, faultOrchestratorOptions, faultProviderEntry } from './fault-adapters.js';
import { eventsBeforeText, startFaultServer, type Fault, type FaultProvider, type FaultServer } from './fault-server.js';

/**
 * Cool-downs over real sockets, so real timers: the cool-downs are short and every assertion
 * about "still cooling down" is made well inside them (a call to the local server takes a few
 * milliseconds; the cool-down leaves a margin of a hundred times that).
 */
const COOLDOWN_MS = 250;
const FAILURE_THRESHOLD = 3;
/** How long after a cool-down's end the next calls start (timers fire a little late, never early). */
const PAST_COOLDOWN_MS = 5;

const messages = [{ role: 'user' as const, content: 'How many r in strawberry?' }];

/** How each case calls, and what fails on its first model. */
interface HalfOpenCase {
  provider: FaultProvider;
  mode: 'send' | 'stream';
  fault: Fault;
}

const cases: HalfOpenCase[] = [
  { provider: 'openai', mode: 'send', fault: { type: 'status', status: 500 } },
  // Vertex (through @google/genai) with a stream whose in-band error comes before any text.
  { provider: 'vertex', mode: 'stream', fault: { type: 'in-band-error', afterEvents: eventsBeforeText('vertex') } },
];

/** Records the breaker's events with when they came. */
function listen(orch: LLMOrchestrator) {
  const opens: OrchestratorEvents['circuit-open'][] = [];
  const closes: OrchestratorEvents['circuit-close'][] = [];
  orch.on('circuit-open', (event) => opens.push(event));
  orch.on('circuit-close', (event) => closes.push(event));
  return { opens, closes };
}

/** Waits until `until` has passed (plus a margin), however late it is now. */
async function sleepUntil(until: Date): Promise<void> {
  await sleep(Math.max(0, until.getTime() - Date.now()) + PAST_COOLDOWN_MS);
}

describe('circuit breaker over the fault server (real sockets, real timers)', () => {
  let server: FaultServer;

  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const served = (provider: FaultProvider, model: string) => server.served.get(`${provider}/${model}`) ?? 0;

  describe.each(cases)('$provider $mode', ({ provider, mode, fault }) => {
    const flaky = faultModels[provider];
    const backup = `${flaky}-backup`;

    function createOrchestrator(): LLMOrchestrator {
      return new LLMOrchestrator(
        {
          active_provider: provider,
          providers: { [provider]: faultProviderEntry(provider, server, [flaky, backup]) },
          retry: { max_attempts: 1 },
          circuit_breaker: { failure_threshold: FAILURE_THRESHOLD, cooldown_ms: COOLDOWN_MS },
        } satisfies ConfigInput,
        { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: `half-open-${provider}` },
      );
    }

    /** One call in this case's mode; its answer. */
    async function call(orch: LLMOrchestrator): Promise<ChatResponse> {
      if (mode === 'send') return orch.send({ messages });
      const stream = orch.stream({ messages });
      let text = '';
      for await (const chunk of stream) text += chunk.text;
      const response = await stream.response;
      expect(text.length).toBeGreaterThan(0);
      return response;
    }

    const modelsOf = (response: ChatResponse) => response.attempts.map((attempt) => attempt.model);
    /** The attempt chains of concurrent calls, in a stable order. */
    const chainsOf = (responses: ChatResponse[]) => responses.map((response) => modelsOf(response).join(' > ')).sort();

    it(`opens after ${FAILURE_THRESHOLD} failures, skips while cooling down, lets exactly one trial through, re-opens on its failure and closes on its success`, async () => {
      server.resetCounts();
      let flakyFails = true;
      server.setDecider((request) => (request.model === flaky && flakyFails ? fault : { type: 'ok' }));
      const orch = createOrchestrator();
      const { opens, closes } = listen(orch);
      try {
        // Closed: every call tries the flaky model first and falls back; the third failure opens it.
        for (let index = 1; index <= FAILURE_THRESHOLD; index++) {
          expect(opens).toHaveLength(0);
          const response = await call(orch);
          expect(modelsOf(response)).toEqual([flaky, backup]);
        }
        expect(opens).toHaveLength(1);
        const firstOpen = opens[0]!;
        expect(firstOpen).toMatchObject({ provider, model: flaky, reason: 'failures', failures: FAILURE_THRESHOLD });
        expect(firstOpen.until.getTime()).toBeGreaterThan(Date.now());
        expect(served(provider, flaky)).toBe(FAILURE_THRESHOLD);

        // Open: calls skip it; no request reaches the server.
        expect(orch.explain().candidates.find((candidate) => candidate.model === flaky)).toMatchObject({
          willTry: false,
          skipReason: 'cooling_down',
          circuit: 'open',
          coolingDownUntil: firstOpen.until,
        });
        expect(modelsOf(await call(orch))).toEqual([backup]);
        // That call ran inside the cool-down (else the machine is far slower than assumed).
        expect(Date.now()).toBeLessThan(firstOpen.until.getTime());
        expect(served(provider, flaky)).toBe(FAILURE_THRESHOLD);

        // Half-open: of three concurrent calls exactly one is the trial; it fails and re-opens the circuit.
        await sleepUntil(firstOpen.until);
        const trialFailed = await Promise.all([call(orch), call(orch), call(orch)]);
        expect(served(provider, flaky)).toBe(FAILURE_THRESHOLD + 1);
        expect(chainsOf(trialFailed)).toEqual([backup, backup, `${flaky} > ${backup}`].sort());
        expect(opens).toHaveLength(2);
        const reopened = opens[1]!;
        expect(reopened).toMatchObject({ provider, model: flaky, reason: 'trial-failed' });
        // A cool-down only moves later.
        expect(reopened.until.getTime()).toBeGreaterThan(firstOpen.until.getTime());
        expect(closes).toHaveLength(0);
        expect(modelsOf(await call(orch))).toEqual([backup]);
        expect(served(provider, flaky)).toBe(FAILURE_THRESHOLD + 1);

        // Half-open again, the flaky model healthy now: one trial succeeds, the circuit closes.
        flakyFails = false;
        await sleepUntil(reopened.until);
        const trialSucceeded = await Promise.all([call(orch), call(orch), call(orch)]);
        expect(served(provider, flaky)).toBe(FAILURE_THRESHOLD + 2);
        expect(chainsOf(trialSucceeded)).toEqual([backup, backup, flaky].sort());
        expect(closes).toEqual([{ provider, model: flaky }]);

        // Closed: traffic flows to the first model again.
        const backupBefore = served(provider, backup);
        for (let index = 0; index < 3; index++) expect(modelsOf(await call(orch))).toEqual([flaky]);
        expect(served(provider, flaky)).toBe(FAILURE_THRESHOLD + 5);
        expect(served(provider, backup)).toBe(backupBefore);
        expect(opens).toHaveLength(2);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });
  });

  describe('every candidate cooling down', () => {
    const provider: FaultProvider = 'openai';
    const model = faultModels[provider];
    /** Longer than the short deadline below, shorter than the long one. */
    const cooldownMs = 300;

    it('fails at once when the recovery is later than the deadline, waits for it when the deadline allows', async () => {
      server.resetCounts();
      let fails = true;
      server.setDecider(() => (fails ? { type: 'status', status: 503 } : { type: 'ok' }));
      const orch = new LLMOrchestrator(
        {
          active_provider: provider,
          providers: { [provider]: faultProviderEntry(provider, server, [model]) },
          retry: { max_attempts: 1 },
          circuit_breaker: { failure_threshold: 1, cooldown_ms: cooldownMs },
        } satisfies ConfigInput,
        { ...faultOrchestratorOptions, logger: { warn: () => {} }, sessionId: 'all-cooling' },
      );
      const { opens, closes } = listen(orch);
      try {
        await expect(orch.send({ messages })).rejects.toBeInstanceOf(AllFallbacksFailedError);
        expect(opens).toHaveLength(1);
        const until = opens[0]!.until;

        // The deadline ends before the recovery: no wait, no request, a message saying when it recovers.
        const started = performance.now();
        const error = await orch.send({ messages, timeoutMs: 100 }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(performance.now() - started).toBeLessThan(100);
        expect(error).toBeInstanceOf(AllFallbacksFailedError);
        expect((error as Error).message).toContain(`${provider}/${model} at ${until.toISOString()}`);
        expect(served(provider, model)).toBe(1);

        // The deadline allows the wait: the call waits for the recovery, and its request is the trial.
        fails = false;
        const response = await orch.send({ messages, timeoutMs: 2_000 });
        expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
        expect(response.model).toBe(model);
        expect(served(provider, model)).toBe(2);
        expect(closes).toEqual([{ provider, model }]);
        expect(orch.tracker.records()).toHaveLength(server.totalServed());
      } finally {
        await orch.close();
      }
    });
  });
});
