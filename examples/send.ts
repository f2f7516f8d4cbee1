/**
 * Send one request. Run: `node --import tsx examples/send.ts [config.yaml]`.
 * Without a config path it starts the local provider server, so it runs offline.
 */
import { LLMOrchestrator } from '../src/index.js';
import { startLocalProviderServer } from './local-provider-server.js';

const configPath = process.argv[2];
const server = configPath ? undefined : await startLocalProviderServer();
const orch = new LLMOrchestrator(
  configPath ?? {
    active_provider: 'openai',
    providers: { openai: { base_url: server!.baseUrl, api_key: 'local', fallback_models: ['gpt-4o-mini'] } },
  },
);

const res = await orch.send({
  messages: [
    { role: 'system', content: 'You answer in one sentence.' },
    { role: 'user', content: 'What is an orchestrator?' },
  ],
  maxTokens: 200,
  metadata: { user_id: 'example-user' },
});
console.log(res.content);
console.log({ provider: res.provider, model: res.model, usage: res.usage, cost: res.cost, attempts: res.attempts.length });

await orch.close();
await server?.close();
