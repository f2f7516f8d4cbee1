import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { ChatResponse } from '../../src/spec/chat-response.js';
import { makeTempDirectory, parseCsv } from '../cost/helpers.js';
import { createRandom, FaultyProvider } from './faulty-provider.js';

const REQUESTS = 4_000;
const CONCURRENCY = 32;
const SEED = 0x5eed_1e6e;

interface Outcome {
  kind: 'send' | 'stream';
  settled: 'fulfilled' | 'rejected';
  response?: ChatResponse;
}

/**
 * A soak of the ledger through the whole orchestrator: thousands of calls, sends and streams
 * mixed, against providers that fail at random (seeded) before and after the first text, with
 * caller aborts, deadlines and consumers that stop reading. Whatever happens, the ledger must
 * hold one record per attempt the providers served, and its files and totals must agree.
 */
describe('ledger soak through LLMOrchestrator', () => {
  const temp = makeTempDirectory();
  const jsonlPath = join(temp.directory, 'ledger.jsonl');
  const csvPath = join(temp.directory, 'ledger.csv');
  const random = createRandom(SEED);
  // a fails often, so calls reach a2, b1 and b2 too.
  const providers = [new FaultyProvider('a', createRandom(SEED + 1), 0.5), new FaultyProvider('b', createRandom(SEED + 2), 0.3)];
  const warnings: string[] = [];
  let orch: LLMOrchestrator;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    orch = new LLMOrchestrator(
      {
        active_provider: 'a',
        cross_provider_fallback: true,
        providers: {
          a: { type: 'openai', api_key: 'sk-a-soak', base_url: 'http://127.0.0.1:9/v1', fallback_models: ['a1', 'a2'] },
          b: { type: 'openai', api_key: 'sk-b-soak', base_url: 'http://127.0.0.1:9/v1', fallback_models: ['b1', 'b2'] },
        },
        // A budget of every attempt the chain holds (4 models x 2), so calls still reach b2.
        retry: { max_attempts: 2, initial_delay_ms: 1, max_delay_ms: 2, max_retry_after_ms: 2, max_total_attempts: 8 },
        // Short cool-downs: circuits open, wait, half-open and close many times during the soak.
        circuit_breaker: { failure_threshold: 5, cooldown_ms: 1 },
        cost_tracking: {
          log_path: jsonlPath,
          sinks: [{ type: 'csv', path: csvPath }],
          // b2 has no price on purpose: its records are unpriced and add nothing to the totals.
          pricing: {
            a: { a1: { input: 1.5, output: 6, cache_read: 0.15 }, a2: { input: 0.4, output: 1.6 } },
            b: { b1: { input: 3, output: 15, cache_read: 0.3 } },
          },
        },
      },
      {
        providers: Object.fromEntries(providers.map((provider) => [provider.name, provider])),
        logger: { warn: (message) => warnings.push(message) },
        sessionId: 'soak',
      },
    );
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < REQUESTS) {
        const index = next;
        next += 1;
        outcomes[index] = await runOne(orch, index, random);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await orch.close();
  }, 60_000);

  afterAll(() => temp.remove());

  it('settles every request, with every kind of ending exercised', () => {
    expect(outcomes.filter(Boolean)).toHaveLength(REQUESTS);
    const statuses = new Set(orch.tracker.records().map((record) => record.status));
    expect([...statuses].sort()).toEqual(['aborted', 'error', 'interrupted', 'ok']);
    expect(outcomes.some((outcome) => outcome.kind === 'send' && outcome.settled === 'rejected')).toBe(true);
    expect(outcomes.some((outcome) => outcome.kind === 'stream' && outcome.settled === 'rejected')).toBe(true);
  });

  it('holds exactly one record per attempt the providers served, per provider and model', () => {
    const served = new Map<string, number>();
    for (const provider of providers) {
      for (const [model, count] of provider.served) served.set(`${provider.name}/${model}`, count);
    }
    const recorded = new Map<string, number>();
    for (const record of orch.tracker.records()) {
      const key = `${record.provider}/${record.model}`;
      recorded.set(key, (recorded.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(recorded)).toEqual(Object.fromEntries(served));
    const total = [...served.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThan(REQUESTS);
    expect(orch.tracker.records()).toHaveLength(total);
  });

  it('writes each (request_id, attempt) once, numbered 1..n within each request, in a JSONL file whose every line parses', () => {
    const lines = readFileSync(jsonlPath, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(orch.tracker.records().length);
    const attemptsByRequest = new Map<string, number[]>();
    for (const line of lines) {
      const record = JSON.parse(line) as { request_id: string; attempt: number };
      attemptsByRequest.set(record.request_id, [...(attemptsByRequest.get(record.request_id) ?? []), record.attempt]);
    }
    for (const attempts of attemptsByRequest.values()) {
      expect(attempts.sort((left, right) => left - right)).toEqual(attempts.map((_, index) => index + 1));
    }
  });

  it('agrees on the total cost: records, report, JSONL reloaded and CSV', async () => {
    const records = orch.tracker.records();
    const recordSum = records.reduce((sum, record) => sum + (record.cost_usd ?? 0), 0);
    const report = orch.tracker.report();
    const reloaded = await CostTracker.fromJsonl(jsonlPath, { onWarning: () => undefined });
    const [header, ...rows] = parseCsv(readFileSync(csvPath, 'utf8'));
    const costColumn = header?.indexOf('cost_usd') ?? -1;
    const csvSum = rows.reduce((sum, row) => sum + (row[costColumn] === '' ? 0 : Number(row[costColumn])), 0);
    expect(rows).toHaveLength(records.length);
    expect(reloaded.records()).toHaveLength(records.length);
    expect(reloaded.loadWarnings).toEqual([]);
    expect(report.totals.costUsd).toBeGreaterThan(0);
    expect(Math.abs(recordSum - report.totals.costUsd)).toBeLessThan(1e-9);
    expect(Math.abs(reloaded.totalCost() - report.totals.costUsd)).toBeLessThan(1e-9);
    expect(Math.abs(csvSum - report.totals.costUsd)).toBeLessThan(1e-9);
    expect(report.totals.unpriced).toBe(records.filter((record) => record.cost_usd === null).length);
    expect(report.totals.unpriced).toBeGreaterThan(0);
  });

  it("matches each answered call's attempts and cost with its records", () => {
    const byRequest = new Map<string, ReturnType<CostTracker['records']>>();
    for (const record of orch.tracker.records()) byRequest.set(record.request_id, [...(byRequest.get(record.request_id) ?? []), record]);
    const answered = outcomes.flatMap((outcome) => (outcome.response ? [outcome.response] : []));
    expect(answered.length).toBeGreaterThan(REQUESTS / 2);
    expect(answered.some((response) => response.cost === null)).toBe(true);
    for (const response of answered) {
      const records = byRequest.get(response.requestId) ?? [];
      expect(records.map((record) => record.attempt).sort((left, right) => left - right)).toEqual(response.attempts.map((attempt) => attempt.attempt));
      if (response.cost === null) expect(records.some((record) => record.cost_usd === null)).toBe(true);
      else expect(Math.abs(records.reduce((sum, record) => sum + (record.cost_usd ?? 0), 0) - response.cost)).toBeLessThan(1e-9);
    }
  });
});

/** One call: a send or a stream, sometimes aborted by its caller, given a deadline, or abandoned mid-stream. */
async function runOne(orch: LLMOrchestrator, index: number, random: () => number): Promise<Outcome> {
  const kind = random() < 0.5 ? 'send' : 'stream';
  const ending = random();
  const controller = new AbortController();
  const request: ChatRequest = {
    messages: [{ role: 'user', content: `soak request ${index}: ${'x'.repeat(Math.floor(random() * 200))}` }],
    metadata: { index: String(index) },
    signal: controller.signal,
    ...(ending >= 0.05 && ending < 0.1 ? { timeoutMs: 1 + Math.floor(random() * 4) } : {}),
  };
  if (ending < 0.05) setTimeout(() => controller.abort(new Error('caller left')), Math.floor(random() * 4));
  if (kind === 'send') {
    return orch.send(request).then(
      (response) => ({ kind, settled: 'fulfilled', response }),
      () => ({ kind, settled: 'rejected' }),
    );
  }
  const stream = orch.stream(request);
  const breakAfterFirst = ending >= 0.1 && ending < 0.15;
  const abortAfterFirst = ending >= 0.15 && ending < 0.18;
  try {
    for await (const chunk of stream) {
      expect(chunk.text).not.toBe('');
      if (breakAfterFirst) break;
      if (abortAfterFirst) controller.abort(new Error('caller left mid-stream'));
    }
  } catch {
    // The stream's error also rejects `response`, read below.
  }
  return stream.response.then(
    (response) => ({ kind, settled: 'fulfilled', response }),
    () => ({ kind, settled: 'rejected' }),
  );
}
