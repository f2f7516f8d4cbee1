import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { OpenAIProvider } from '../../src/providers/openai/openai-provider.js';
import type { OrchestratorEvents } from '../../src/orchestrator/orchestrator-events.js';
import { createMswServer } from '../setup/msw-server.js';
import { anthropicOrigin, createAnthropicProvider } from '../providers/anthropic/anthropic-test-helpers.js';
import { bedrockControlOrigin, createBedrockProvider } from '../providers/bedrock/bedrock-test-helpers.js';
import { createGeminiProvider, geminiOrigin } from '../providers/gemini/gemini-test-helpers.js';
import { createVertexProvider, vertexOrigin } from '../providers/vertex/vertex-test-helpers.js';
import { openAIMockOrigin } from '../providers/openai/openai-recorded.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  for (const provider of Object.keys(cursors)) delete cursors[provider];
});
afterAll(() => server.close());

/** Which answer the model-list endpoints give: the first refresh sees `old`, the second `new`. */
let round: 1 | 2 = 1;
/** Every page request, per provider, with its cursor. */
const cursors: Record<string, Array<string | null>> = {};
const seen = (provider: string, cursor: string | null) => (cursors[provider] ??= []).push(cursor);
const last = () => (round === 1 ? 'old' : 'new');

const openAIModel = (id: string) => ({ id, object: 'model', created: 1_700_000_000, owned_by: id.startsWith('ft:') ? 'user-abc' : 'system' });
const anthropicModel = (id: string) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' });

const handlers = [
  http.get(`${openAIMockOrigin}/v1/models`, ({ request }) => {
    const after = new URL(request.url).searchParams.get('after');
    seen('openai', after);
    if (after === null) return HttpResponse.json({ object: 'list', data: [openAIModel('gpt-a'), openAIModel('ft:gpt-a:acme::tuned')], has_more: true });
    return HttpResponse.json({ object: 'list', data: [openAIModel(`gpt-${last()}`)], has_more: false });
  }),
  http.get(`${anthropicOrigin}/v1/models`, ({ request }) => {
    const afterId = new URL(request.url).searchParams.get('after_id');
    seen('anthropic', afterId);
    if (afterId === null) return HttpResponse.json({ data: [anthropicModel('claude-a')], has_more: true, first_id: 'claude-a', last_id: 'claude-a' });
    const id = `claude-${last()}`;
    return HttpResponse.json({ data: [anthropicModel(id)], has_more: false, first_id: id, last_id: id });
  }),
  http.get(`${geminiOrigin}/v1beta/models`, ({ request }) => {
    const pageToken = new URL(request.url).searchParams.get('pageToken');
    seen('gemini', pageToken);
    if (pageToken === null) {
      return HttpResponse.json({
        models: [
          { name: 'models/gemini-a', supportedGenerationMethods: ['generateContent'] },
          { name: 'tunedModels/my-tune', supportedGenerationMethods: ['generateContent'] },
        ],
        nextPageToken: 'page-2',
      });
    }
    return HttpResponse.json({ models: [{ name: `models/gemini-${last()}`, supportedGenerationMethods: ['generateContent'] }] });
  }),
  http.get(`${vertexOrigin}/v1beta1/publishers/google/models`, ({ request }) => {
    const pageToken = new URL(request.url).searchParams.get('pageToken');
    seen('vertex', pageToken);
    if (pageToken === null) {
      return HttpResponse.json({ publisherModels: [{ name: 'publishers/google/models/gemini-a', launchStage: 'GA' }], nextPageToken: 'page-2' });
    }
    return HttpResponse.json({ publisherModels: [{ name: `publishers/google/models/gemini-${last()}`, launchStage: 'GA' }] });
  }),
  http.get(`${bedrockControlOrigin}/foundation-models`, () => {
    seen('bedrock', null);
    const text = (modelId: string) => ({ modelId, modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`, outputModalities: ['TEXT'], inferenceTypesSupported: ['ON_DEMAND'] });
    return HttpResponse.json({
      modelSummaries: [
        text('anthropic.claude-a-v1:0'),
        text(`anthropic.claude-${last()}-v1:0`),
        // Only usable with provisioned throughput (custom deployments): never listed.
        { ...text('meta.llama-a-v1:0:8k'), inferenceTypesSupported: ['PROVISIONED'] },
      ],
    });
  }),
];

function createOrchestrator() {
  const warnings: OrchestratorEvents['warning'][] = [];
  const orch = new LLMOrchestrator(
    {
      active_provider: 'openai',
      providers: {
        openai: { api_key: 'sk-test', fallback_models: ['gpt-a'] },
        anthropic: { api_key: 'sk-ant-test', fallback_models: ['claude-a'] },
        gemini: { api_key: 'AIza-test', fallback_models: ['gemini-a'] },
        bedrock: { region: 'us-east-1', fallback_models: ['anthropic.claude-a-v1:0'] },
        vertex: { project_id: 'test-project', location: 'us-central1', fallback_models: ['gemini-a'] },
      },
    },
    {
      // The real adapters, pointed at msw (the Vertex one with an injected auth client).
      providers: {
        openai: new OpenAIProvider({ name: 'openai', apiKey: 'sk-test', baseUrl: `${openAIMockOrigin}/v1` }),
        anthropic: createAnthropicProvider(),
        gemini: createGeminiProvider('generative-ai'),
        bedrock: createBedrockProvider(),
        vertex: createVertexProvider('vertexai'),
      },
      logger: { warn() {} },
    },
  );
  orch.on('warning', (warning) => warnings.push(warning));
  return { orch, warnings };
}

const ids = (models: Array<{ id: string }>) => models.map((model) => model.id);

describe('refreshModels across the five providers (real adapters, msw)', () => {
  it('adds new models, marks missing ones deprecated, never lists fine-tuned ones', async () => {
    server.use(...handlers);
    round = 1;
    const { orch, warnings } = createOrchestrator();
    const first = await orch.refreshModels();
    expect(first.map((result) => [result.provider, result.ok, result.added.length])).toEqual([
      ['openai', true, 2],
      ['anthropic', true, 2],
      ['gemini', true, 2],
      ['bedrock', true, 2],
      ['vertex', true, 2],
    ]);
    expect(ids(await orch.listModels('openai'))).toEqual(['gpt-a', 'gpt-old']);
    expect(ids(await orch.listModels('gemini'))).toEqual(['gemini-a', 'gemini-old']);

    round = 2;
    const second = await orch.refreshModels();
    const expected = {
      openai: ['gpt-new', 'gpt-old'],
      anthropic: ['claude-new', 'claude-old'],
      gemini: ['gemini-new', 'gemini-old'],
      bedrock: ['anthropic.claude-new-v1:0', 'anthropic.claude-old-v1:0'],
      vertex: ['gemini-new', 'gemini-old'],
    };
    for (const [provider, [added, gone]] of Object.entries(expected)) {
      const result = second.find((entry) => entry.provider === provider);
      expect(result, provider).toMatchObject({ ok: true, added: [added], deprecated: [gone] });
      expect(orch.registry.get(provider, gone!), provider).toMatchObject({ deprecated: true, deprecatedAt: expect.any(String), deprecationReason: 'no longer listed by the provider' });
      expect(ids(await orch.listModels(provider)), provider).not.toContain(gone);
      expect(ids(await orch.listModels(provider)), provider).toContain(added);
      const all = ids(await orch.listModels(provider, { includeDeprecated: true }));
      expect(all, provider).toContain(gone);
      expect(all.some((id) => id.startsWith('ft:') || id.startsWith('tunedModels/') || id.includes('llama')), provider).toBe(false);
    }
    // Every paginated endpoint was read to its last page, twice.
    expect(cursors).toEqual({
      openai: [null, 'ft:gpt-a:acme::tuned', null, 'ft:gpt-a:acme::tuned'],
      anthropic: [null, 'claude-a', null, 'claude-a'],
      gemini: [null, 'page-2', null, 'page-2'],
      vertex: [null, 'page-2', null, 'page-2'],
      bedrock: [null, null],
    });
    const deprecatedWarnings = warnings.filter((warning) => warning.code === 'model_unlisted');
    expect(deprecatedWarnings.map((warning) => `${warning.provider}/${warning.model}`).sort()).toEqual(
      Object.entries(expected).map(([provider, [, gone]]) => `${provider}/${gone}`).sort(),
    );
    await orch.refreshModels();
    expect(warnings.filter((warning) => warning.code === 'model_unlisted')).toHaveLength(5);
  });

  it('keeps the previous list of a provider that fails, and reports it', async () => {
    server.use(...handlers);
    round = 1;
    const { orch, warnings } = createOrchestrator();
    await orch.refreshModels();
    server.use(http.get(`${anthropicOrigin}/v1/models`, () => HttpResponse.json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { status: 529 })));
    round = 2;
    const results = await orch.refreshModels();
    expect(results.find((result) => result.provider === 'anthropic')).toMatchObject({ ok: false, added: [], deprecated: [] });
    expect(ids(await orch.listModels('anthropic'))).toEqual(['claude-a', 'claude-old']);
    expect(warnings.filter((warning) => warning.code === 'model_refresh_failed').map((warning) => warning.provider)).toEqual(['anthropic']);
  });
});
