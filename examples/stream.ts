/**
 * Stream a reply. Run: `node --import tsx examples/stream.ts [config.yaml]`.
 * Without a config path it starts the local provider server, so it runs offline.
 */
import { LLMOrchestrator, StreamInterruptedError } from '../src/index.js';
import { startLocalProviderServer } from './local-provider-server.js';

const configPath = process.argv[2];
const server = configPath ? undefined : await startLocalProviderServer();
const orch = new LLMOrchestrator(
  configPath ?? {
    active_provider: 'openai',
    providers: { openai: { base_url: server!.baseUrl, api_key: 'local', fallback_models: ['gpt-4o-mini'] } },
  },
);

const stream = orch.stream({ messages: [{ role: 'user', content: 'Count to 20' }], timeoutMs: 30_000 });
try {
  for await (const chunk of stream) process.stdout.write(chunk.text);
  const done = await stream.response;
  console.log(`\n${done.finishReason}: ${done.usage.outputTokens} output tokens, $${done.cost}`);
} catch (error) {
  // After the first text a failure cannot fall back: you get what arrived and its usage.
  if (StreamInterruptedError.isInstance(error)) console.error(`\ninterrupted after: ${error.partialText}`);
  else throw error;
} finally {
  await orch.close();
  await server?.close();
}
