import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { type RealSocketServer, startRealSocketServer } from '../setup/real-socket-server.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const silentLogger = { warn: () => undefined };

const providers = [
  { provider: 'openai', model: 'gpt-4.1-nano', baseUrl: (origin: string) => `${origin}/v1` },
  { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', baseUrl: (origin: string) => origin },
] as const;

let server: RealSocketServer;
beforeAll(async () => {
  // Loaded up front, so a request sent anyway would go out at once rather than after the SDK's first load.
  await Promise.all([import('openai'), import('@anthropic-ai/sdk')]);
  server = await startRealSocketServer();
  // Never answers: a request that reaches it stays open until the client gives up.
  server.setBehaviour(() => undefined);
});
afterAll(() => server.close());

describe.each(providers)('a $provider stream only its consumer can end, left before its request went out', ({ provider, model, baseUrl }) => {
  it('sends no request at all and ends as kind aborted', async () => {
    const orch = new LLMOrchestrator(
      { active_provider: provider, providers: { [provider]: { api_key: 'sk-test', base_url: baseUrl(server.url), fallback_models: [model] } } },
      { logger: silentLogger },
    );
    const before = server.exchanges.length;
    const iterator = orch.stream({ messages })[Symbol.asyncIterator]();
    // The attempt has started (the adapter is loading its SDK or client) when the consumer leaves.
    const pending = iterator.next().catch((error: unknown) => error);
    await iterator.return?.();
    expect(await pending).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
    // Time for a request that was sent anyway to reach the server.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.exchanges.length - before).toBe(0);
    expect(orch.tracker.records().map((record) => record.status)).toEqual(['aborted']);
    await orch.close();
  });
});
