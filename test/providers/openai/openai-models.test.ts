import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { OpenAIProvider } from '../../../src/providers/openai/openai-provider.js';
import { createMswServer } from '../../setup/msw-server.js';
import { chatCompletionsUrl, openAIMockOrigin, recordedCompletion, recordedLegacyParameterError } from './openai-recorded.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const provider = () => new OpenAIProvider({ name: 'openai', apiKey: 'sk-test', baseUrl: `${openAIMockOrigin}/v1` });
const model = (id: string) => ({ id, object: 'model', created: 1_700_000_000, owned_by: id.startsWith('ft:') ? 'user-abc' : 'system' });

describe('OpenAI listModels', () => {
  it('reads every page (has_more + after) and leaves out fine-tuned ft: models', async () => {
    const afters: (string | null)[] = [];
    server.use(
      http.get(`${openAIMockOrigin}/v1/models`, ({ request }) => {
        const after = new URL(request.url).searchParams.get('after');
        afters.push(after);
        if (after === null) return HttpResponse.json({ object: 'list', data: [model('gpt-4o-mini'), model('ft:gpt-4o-mini:acme::abc123')], has_more: true });
        if (after === 'ft:gpt-4o-mini:acme::abc123') return HttpResponse.json({ object: 'list', data: [model('gpt-4.1-nano'), model('o3-mini')], has_more: true });
        return HttpResponse.json({ object: 'list', data: [model('text-embedding-3-small')], has_more: false });
      }),
    );
    expect(await provider().listModels()).toEqual(['gpt-4o-mini', 'gpt-4.1-nano', 'o3-mini', 'text-embedding-3-small']);
    expect(afters).toEqual([null, 'ft:gpt-4o-mini:acme::abc123', 'o3-mini']);
  });

  it('reads OpenAI’s single-page answer (no has_more)', async () => {
    let calls = 0;
    server.use(
      http.get(`${openAIMockOrigin}/v1/models`, () => {
        calls += 1;
        return HttpResponse.json({ object: 'list', data: [model('gpt-4o'), model('ft:gpt-4o:acme::x')] });
      }),
    );
    expect(await provider().listModels()).toEqual(['gpt-4o']);
    expect(calls).toBe(1);
  });

  it('throws a ProviderError for a failed listing', async () => {
    server.use(http.get(`${openAIMockOrigin}/v1/models`, () => HttpResponse.json({ error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' } }, { status: 401 })));
    await expect(provider().listModels()).rejects.toMatchObject({ name: 'ProviderError', kind: 'auth', provider: 'openai' });
  });
});

describe('OpenAI validateModel', () => {
  it('is true when the model answers a one-token request', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(chatCompletionsUrl, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(recordedCompletion);
      }),
    );
    expect(await provider().validateModel('gpt-4.1-nano')).toBe(true);
    expect(bodies).toEqual([{ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }]);
  });

  it('is false when the model does not exist', async () => {
    server.use(
      http.post(chatCompletionsUrl, () =>
        HttpResponse.json({ error: { message: 'The model `gpt-9` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' } }, { status: 404 }),
      ),
    );
    expect(await provider().validateModel('gpt-9')).toBe(false);
  });

  it('retries with max_completion_tokens when a reasoning model rejects max_tokens (recorded 400)', async () => {
    const bodies: Record<string, unknown>[] = [];
    server.use(
      http.post(chatCompletionsUrl, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return 'max_tokens' in body ? HttpResponse.json(recordedLegacyParameterError, { status: 400 }) : HttpResponse.json(recordedCompletion);
      }),
    );
    expect(await provider().validateModel('o3-mini')).toBe(true);
    expect(bodies.map((body) => body.max_tokens ?? `max_completion_tokens=${String(body.max_completion_tokens)}`)).toEqual([1, 'max_completion_tokens=1']);
  });

  it('throws other failures', async () => {
    server.use(http.post(chatCompletionsUrl, () => HttpResponse.json({ error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, { status: 429 })));
    await expect(provider().validateModel('gpt-4o')).rejects.toMatchObject({ kind: 'quota', model: 'gpt-4o' });
  });
});
