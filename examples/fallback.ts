/**
 * Fallback across models and providers, watched through events.
 * Run: `node --import tsx examples/fallback.ts` (offline: two local "providers", the first broken).
 */
import { AllFallbacksFailedError, LLMOrchestrator } from '../src/index.js';
import { startLocalProviderServer } from './local-provider-server.js';

const broken = await startLocalProviderServer({
  models: {
    'gpt-4o': { status: 500, type: 'server_error', message: 'Internal error' },
    'gpt-4o-mini': { status: 429, type: 'rate_limit_exceeded', message: 'Rate limit reached' },
  },
});
const healthy = await startLocalProviderServer();

const orch = new LLMOrchestrator({
  active_provider: 'primary',
  cross_provider_fallback: true,
  provider_order: ['primary', 'backup'],
  providers: {
    primary: { type: 'openai', base_url: broken.baseUrl, api_key: 'local', fallback_models: ['gpt-4o', 'gpt-4o-mini'] },
    backup: { type: 'openai', base_url: healthy.baseUrl, api_key: 'local', fallback_models: ['gpt-4o-mini'] },
  },
  retry: { max_attempts: 2, initial_delay_ms: 100, max_total_attempts: 6 },
  // Two retryable failures in a row cool a model down for a minute: later calls skip it.
  circuit_breaker: { failure_threshold: 2, cooldown_ms: 60_000 },
});
orch.on('attempt', (e) => console.log(`attempt ${e.attempt}: ${e.provider}/${e.model}`));
orch.on('retry', (e) => console.log(`  retry in ${e.delayMs} ms (${e.error.kind})`));
orch.on('fallback', (e) => console.log(`  fallback ${e.from.provider}/${e.from.model} -> ${e.to.provider}/${e.to.model} (${e.error.kind})`));
orch.on('circuit-open', (e) => console.log(`  cooling down ${e.provider}/${e.model} until ${e.until.toISOString()} (${e.reason})`));

try {
  const res = await orch.send({ messages: [{ role: 'user', content: 'Hello' }] });
  console.log(`answered by ${res.provider}/${res.model} after ${res.attempts.length} attempts`);
  // What the next call would try, and why not.
  for (const c of orch.explain().candidates) console.log(`${c.provider}/${c.model}: ${c.willTry ? 'tried' : 'skipped'} (${c.detail})`);
} catch (error) {
  if (AllFallbacksFailedError.isInstance(error)) console.error(error.errors.map((e) => e.message));
  else throw error;
} finally {
  await orch.close();
  await broken.close();
  await healthy.close();
}
