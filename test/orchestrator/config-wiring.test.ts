import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { MIN_SEGMENT_RECORDS } from '../../src/cost/ledger-index-format.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { bedrockControlOrigin, createBedrockProvider, foundationModelSummary } from '../providers/bedrock/bedrock-test-helpers.js';
import { createMswServer } from '../setup/msw-server.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider } from '../support/scripted-provider.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('cost_tracking.max_records_in_memory', () => {
  it('bounds the tracker while the ledger file and the running totals keep every record', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'llm-orch-window-'));
    try {
      const ledger = join(directory, 'ledger.jsonl');
      const base = twoProviderConfig();
      const provider = new ScriptedProvider('a', { a1: [answer('one', 1_000_000, 0), answer('two', 1_000_000, 0), answer('three', 1_000_000, 0)] });
      const { orch, named } = orchestratorOver({ ...base, cost_tracking: { ...base.cost_tracking, log_path: ledger, max_records_in_memory: 2 } }, [provider]);
      for (let call = 0; call < 3; call += 1) await orch.send({ messages });
      await orch.close();

      expect(orch.tracker.maxRecordsInMemory).toBe(2);
      expect(orch.tracker.records().map((record) => record.attempt)).toEqual([1, 1]);
      // a1 costs $1 per 1M input tokens: three calls of 1M tokens each.
      expect(orch.tracker.totalCost()).toBe(3);
      expect(readFileSync(ledger, 'utf8').trim().split('\n')).toHaveLength(3);
      expect(named('warning').filter((warning) => warning.code === 'records_evicted')).toHaveLength(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('warns that it does not apply to a tracker passed in options.tracker', () => {
    const warnings: Array<{ code: string; message: string }> = [];
    const tracker = new CostTracker();
    new LLMOrchestrator(
      { ...twoProviderConfig(), cost_tracking: { max_records_in_memory: 10 } },
      { providers: { a: new ScriptedProvider('a'), b: new ScriptedProvider('b') }, tracker, logger: { warn: (message) => warnings.push({ code: 'logged', message }) } },
    );
    expect(tracker.maxRecordsInMemory).toBe(Number.POSITIVE_INFINITY);
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('cost_tracking.max_records_in_memory (10) does not apply to the tracker given in options.tracker') })]);
  });

  it('keeps an index beside the ledger unless cost_tracking.ledger_index is false', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'llm-orch-index-'));
    try {
      for (const ledgerIndex of [true, false]) {
        const ledger = join(directory, `ledger-${String(ledgerIndex)}.jsonl`);
        const base = twoProviderConfig();
        // Enough calls for a segment: runs under MIN_SEGMENT_RECORDS records are left unindexed.
        const calls = MIN_SEGMENT_RECORDS + 6;
        const provider = new ScriptedProvider('a', { a1: Array.from({ length: calls }, (_, call) => answer(`answer ${call}`)) });
        const { orch } = orchestratorOver({ ...base, cost_tracking: { ...base.cost_tracking, log_path: ledger, ledger_index: ledgerIndex } }, [provider]);
        for (let call = 0; call < calls; call += 1) await orch.send({ messages });
        await orch.close();
        expect(existsSync(`${ledger}.idx`)).toBe(ledgerIndex);
        const loaded = await CostTracker.fromJsonl(ledger);
        expect(loaded.records()).toEqual(orch.tracker.records());
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('keeps every record by default', async () => {
    const provider = new ScriptedProvider('a', { a1: [answer('one'), answer('two'), answer('three')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [provider]);
    for (let call = 0; call < 3; call += 1) await orch.send({ messages });
    expect(orch.tracker.maxRecordsInMemory).toBe(Number.POSITIVE_INFINITY);
    expect(orch.tracker.records()).toHaveLength(3);
  });
});

describe('a provider listing that calls a model legacy (Bedrock)', () => {
  const summary = (modelId: string, status: string) => foundationModelSummary(modelId, { status });

  it('hides the model from listModels unless includeDeprecated, and warns model_legacy once for a configured one', async () => {
    server.use(
      http.get(`${bedrockControlOrigin}/foundation-models`, () =>
        HttpResponse.json({
          modelSummaries: [
            summary('anthropic.claude-older-v1:0', 'LEGACY'),
            summary('anthropic.claude-newer-v1:0', 'ACTIVE'),
            // Not configured: marked, not warned about (an account lists dozens of these).
            summary('meta.llama-unused-v1:0', 'LEGACY'),
          ],
        }),
      ),
    );
    const warnings: Array<{ code: string; message: string }> = [];
    const orch = new LLMOrchestrator(
      { active_provider: 'bedrock', providers: { bedrock: { region: 'us-east-1', fallback_models: ['anthropic.claude-newer-v1:0', 'anthropic.claude-older-v1:0'] } } },
      { providers: { bedrock: createBedrockProvider() }, logger: { warn: () => undefined } },
    );
    orch.on('warning', (warning) => warnings.push(warning));

    expect((await orch.listModels('bedrock')).map((model) => model.id)).toEqual(['anthropic.claude-newer-v1:0']);
    expect(await orch.listModels('bedrock', { includeDeprecated: true })).toEqual([
      expect.objectContaining({ id: 'anthropic.claude-newer-v1:0', deprecated: false }),
      expect.objectContaining({ id: 'anthropic.claude-older-v1:0', deprecated: true, deprecationReason: 'Bedrock lists it as LEGACY' }),
      expect.objectContaining({ id: 'meta.llama-unused-v1:0', deprecated: true }),
    ]);
    await orch.refreshModels('bedrock');
    expect(warnings.filter((warning) => warning.code === 'model_legacy')).toEqual([
      expect.objectContaining({ message: expect.stringContaining("'anthropic.claude-older-v1:0' of 'bedrock' is shown as deprecated: Bedrock lists it as LEGACY") }),
    ]);
    await orch.close();
  });
});
