import type { ConfigInput } from '../../src/config/config-schema.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import type { OrchestratorEvents } from '../../src/orchestrator/orchestrator-events.js';
import type { ScriptedProvider } from './scripted-provider.js';

/** An orchestrator over scripted providers, with every event and warning captured. */
export function orchestratorOver(config: ConfigInput, providers: ScriptedProvider[]) {
  const events: Array<{ name: keyof OrchestratorEvents; payload: unknown }> = [];
  const logged: string[] = [];
  const orch = new LLMOrchestrator(config, {
    providers: Object.fromEntries(providers.map((provider) => [provider.name, provider])),
    logger: { warn: (message) => logged.push(message) },
    sessionId: 'session-test',
  });
  for (const name of ['attempt', 'retry', 'fallback', 'usage', 'warning'] as const) {
    orch.on(name, (payload) => events.push({ name, payload }));
  }
  const named = <E extends keyof OrchestratorEvents>(name: E) =>
    events.filter((event) => event.name === name).map((event) => event.payload as OrchestratorEvents[E]);
  return { orch, events, named, logged };
}

/** Two providers `a` (models a1, a2) and `b` (b1), priced by override so costs are exact. */
export function twoProviderConfig(overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    active_provider: 'a',
    providers: {
      a: { type: 'openai', api_key: 'sk-a-secret', base_url: 'http://127.0.0.1:9/v1', fallback_models: ['a1', 'a2'] },
      b: { type: 'openai', api_key: 'sk-b-secret', base_url: 'http://127.0.0.1:9/v1', fallback_models: ['b1'] },
    },
    retry: { max_attempts: 2 },
    cost_tracking: {
      pricing: {
        a: { a1: { input: 1, output: 2 }, a2: { input: 1, output: 2 } },
        b: { b1: { input: 10, output: 20 } },
      },
    },
    ...overrides,
  } as ConfigInput;
}
