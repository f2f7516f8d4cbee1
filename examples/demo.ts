/**
 * `npm run demo`: the library's main job, offline. A local server that speaks the OpenAI wire
 * format stands in for the provider; the real `openai` SDK talks to it. Shows a fallback after a
 * failing model, a stream, and the cost ledger exported as CSV.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LLMOrchestrator } from '../src/index.js';
import { startLocalProviderServer } from './local-provider-server.js';

const outputDirectory = join(process.cwd(), '.demo-output');
mkdirSync(outputDirectory, { recursive: true });

const server = await startLocalProviderServer({
  models: { 'flaky-model': { status: 503, type: 'server_error', message: 'The server is overloaded, try again later.' } },
});

const orch = new LLMOrchestrator(
  {
    active_provider: 'local',
    providers: {
      local: { type: 'openai', base_url: server.baseUrl, api_key: 'demo-key', fallback_models: ['flaky-model', 'gpt-4o-mini'] },
    },
    retry: { max_attempts: 2, initial_delay_ms: 50 },
    cost_tracking: { log_path: join(outputDirectory, 'llm_costs.jsonl') },
  },
  { sessionId: 'demo' },
);
orch.on('retry', (event) => console.log(`  retry    ${event.provider}/${event.model} in ${event.delayMs} ms after ${event.error.kind} (${event.error.status})`));
orch.on('fallback', (event) => console.log(`  fallback ${event.from.model} -> ${event.to.model} after ${event.error.kind}`));

try {
  console.log('1. send: the first model fails with 503, is retried, then the chain falls back');
  const res = await orch.send({ messages: [{ role: 'user', content: 'Say hello to the demo.' }], metadata: { feature: 'demo-send' } });
  console.log(`  answer from ${res.provider}/${res.model}: ${res.content}`);
  console.log(`  ${res.attempts.length} attempts, ${res.usage.totalTokens} tokens, cost $${res.cost?.toFixed(8)}`);

  console.log('\n2. stream: text arrives as an async iterable');
  process.stdout.write('  ');
  const stream = orch.stream({ messages: [{ role: 'user', content: 'Count to 10' }], provider: 'local', model: 'gpt-4o-mini' });
  for await (const chunk of stream) process.stdout.write(chunk.text);
  const done = await stream.response;
  console.log(`\n  finish: ${done.finishReason}, ${done.usage.outputTokens} output tokens, cost $${done.cost?.toFixed(8)}`);

  console.log('\n3. the cost ledger, one record per attempt');
  const csvPath = join(outputDirectory, 'usage.csv');
  orch.tracker.exportCsv(csvPath);
  console.log(readFileSync(csvPath, 'utf8').trimEnd().split('\n').map((line) => `  ${line}`).join('\n'));
  console.log(`\n  session cost: $${orch.sessionCost().toFixed(8)}; ledger: ${join('.demo-output', 'llm_costs.jsonl')}, CSV: ${join('.demo-output', 'usage.csv')}`);
} finally {
  await orch.close();
  await server.close();
}
