import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_COLUMNS } from '../../src/cost/usage-record.js';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { createMswServer } from '../setup/msw-server.js';

import { recordedDirectory as recorded } from '../setup/recorded-fixtures.js';
const completion = JSON.parse(readFileSync(join(recorded, 'openai-text.json'), 'utf8'));
const chunkLines = readFileSync(join(recorded, 'openai-text.chunks.txt'), 'utf8').trim().split('\n');
const sse = chunkLines.map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n';
const streamedText = chunkLines
  .map((line) => JSON.parse(line).choices?.[0]?.delta?.content ?? '')
  .join('');

const PRIMARY = 'https://primary.test/v1';
const BACKUP = 'https://backup.test/v1';
const SECRETS = { PRIMARY_KEY: 'sk-primary-VERY-SECRET-1234', BACKUP_KEY: 'sk-backup-VERY-SECRET-5678' };
const seen: Array<{ host: string; model: string; authorization: string | null }> = [];

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

/** Answers per host: `fail` maps model -> [status, body]; everything else gets the recording. */
function serve(host: string, fail: Record<string, [number, Record<string, unknown>]> = {}) {
  return http.post(`${host}/chat/completions`, async ({ request }) => {
    const body = (await request.json()) as { model: string; stream?: boolean };
    seen.push({ host, model: body.model, authorization: request.headers.get('authorization') });
    const failure = fail[body.model];
    if (failure) return HttpResponse.json(failure[1] as never, { status: failure[0] });
    if (body.stream) return new HttpResponse(sse, { headers: { 'content-type': 'text/event-stream' } });
    return HttpResponse.json({ ...completion, model: body.model });
  });
}

function setup(crossProviderFallback: boolean, directory = mkdtempSync(join(tmpdir(), 'llm-orch-'))) {
  const logged: string[] = [];
  const orch = new LLMOrchestrator(
    {
      active_provider: 'primary',
      cross_provider_fallback: crossProviderFallback,
      providers: {
        primary: { type: 'openai', base_url: PRIMARY, api_key: '${PRIMARY_KEY}', fallback_models: ['gpt-4o-mini', 'gpt-4o'] },
        backup: { type: 'openai', base_url: BACKUP, api_key: '${BACKUP_KEY}', fallback_models: ['gpt-4.1-nano'] },
      },
      retry: { max_attempts: 1 },
      cost_tracking: { log_path: join(directory, 'ledger.jsonl'), sinks: [{ type: 'csv', path: join(directory, 'ledger.csv') }] },
    },
    { env: SECRETS, logger: { warn: (message) => logged.push(message) }, sessionId: 's-1' },
  );
  return { orch, directory, logged };
}

const serverError = { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } };
const badKey = { error: { message: 'Incorrect API key provided: sk-prim***1234.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };

describe('orchestrator over the real openai SDK', () => {
  it('replays the recorded completion with its exact usage and the right key per provider', async () => {
    server.use(serve(PRIMARY));
    const { orch } = setup(false);
    const res = await orch.send({ messages: [{ role: 'user', content: 'Invent a holiday' }] });
    expect(res.content).toBe(completion.choices[0].message.content);
    expect(res.usage).toEqual({ inputTokens: 16, outputTokens: 363, totalTokens: 379, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect(res.cost).toBeGreaterThan(0);
    expect(seen).toEqual([{ host: PRIMARY, model: 'gpt-4o-mini', authorization: `Bearer ${SECRETS.PRIMARY_KEY}` }]);
    await orch.close();
  });

  it('streams the recorded chunks exactly', async () => {
    server.use(serve(PRIMARY));
    const { orch } = setup(false);
    const stream = orch.stream({ messages: [{ role: 'user', content: 'Invent a holiday' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.text;
    expect(text).toBe(streamedText);
    const done = await stream.response;
    expect(done.usage).toMatchObject({ inputTokens: 16, outputTokens: 300, totalTokens: 316 });
    expect(done.finishReason).toBe('stop');
    await orch.close();
  });

  it('falls across providers on 500 then 401 when cross-provider fallback is on', async () => {
    server.use(serve(PRIMARY, { 'gpt-4o-mini': [500, serverError], 'gpt-4o': [401, badKey] }), serve(BACKUP));
    const { orch, directory, logged } = setup(true);
    const res = await orch.send({ messages: [{ role: 'user', content: 'hi' }], metadata: { tenant: 'acme, inc' } });
    expect(res).toMatchObject({ provider: 'backup', model: 'gpt-4.1-nano' });
    expect(seen.map((s) => `${s.host}|${s.model}`)).toEqual([`${PRIMARY}|gpt-4o-mini`, `${PRIMARY}|gpt-4o`, `${BACKUP}|gpt-4.1-nano`]);
    expect(res.attempts.map((a) => [a.status, a.error?.kind, a.error?.status])).toEqual([
      ['error', 'server', 500],
      ['error', 'auth', 401],
      ['ok', undefined, undefined],
    ]);
    await orch.close();

    const lines = readFileSync(join(directory, 'ledger.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => Object.keys(r))).toEqual(records.map(() => [...LEDGER_COLUMNS]));
    expect(records.map((r) => [r.attempt, r.provider, r.status, r.error_kind])).toEqual([
      [1, 'primary', 'error', 'server'],
      [2, 'primary', 'error', 'auth'],
      [3, 'backup', 'ok', null],
    ]);
    const csv = readFileSync(join(directory, 'ledger.csv'), 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toBe(LEDGER_COLUMNS.join(','));
    expect(csv).toHaveLength(4);
    expect(csv[3]).toContain('"{""tenant"":""acme, inc""}"');

    const everything = [readFileSync(join(directory, 'ledger.jsonl'), 'utf8'), readFileSync(join(directory, 'ledger.csv'), 'utf8'), ...logged, inspect(orch, { depth: 8 }), inspect(res, { depth: 8 }), JSON.stringify(res.attempts)];
    for (const text of everything) {
      expect(text).not.toContain(SECRETS.PRIMARY_KEY);
      expect(text).not.toContain(SECRETS.BACKUP_KEY);
    }
  });

  it('stays on the active provider when cross-provider fallback is off, keeping every error', async () => {
    server.use(serve(PRIMARY, { 'gpt-4o-mini': [500, serverError], 'gpt-4o': [500, serverError] }), serve(BACKUP));
    const { orch } = setup(false);
    const error = await orch.send({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllFallbacksFailedError);
    expect((error as AllFallbacksFailedError).errors.map((e) => [e.provider, e.model, e.kind, e.status])).toEqual([
      ['primary', 'gpt-4o-mini', 'server', 500],
      ['primary', 'gpt-4o', 'server', 500],
    ]);
    expect(seen.every((s) => s.host === PRIMARY)).toBe(true);
    for (const text of [String(error), inspect(error, { depth: 10 }), JSON.stringify((error as AllFallbacksFailedError).attempts)]) {
      expect(text).not.toContain(SECRETS.PRIMARY_KEY);
    }
    await orch.close();
  });

  it('falls back invisibly when the first stream fails before any text', async () => {
    server.use(serve(PRIMARY, { 'gpt-4o-mini': [503, serverError] }));
    const { orch } = setup(false);
    const stream = orch.stream({ messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) {
      expect(chunk.model).toBe('gpt-4o');
      text += chunk.text;
    }
    expect(text).toBe(streamedText);
    expect((await stream.response).attempts.map((a) => a.status)).toEqual(['error', 'ok']);
    await orch.close();
  });
});
