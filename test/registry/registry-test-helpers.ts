import type { ConfigInput } from '../../src/config/config-schema.js';
import type { LifecycleEntryInput } from '../../src/config/config-input.js';
import { twoProviderConfig } from '../support/orchestrator-fixture.js';

/** The UTC date `days` from today, YYYY-MM-DD (negative: in the past). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The two-provider config (a: a1, a2; b: b1) with a `models` section. */
export function configWithModels(models: { lifecycle?: LifecycleEntryInput[]; on_retired?: 'skip' | 'warn' | 'error'; cache_path?: string }, overrides: Partial<ConfigInput> = {}): ConfigInput {
  return { ...twoProviderConfig(overrides), models };
}
