import { describe, expect, it } from 'vitest';
import { configSchemaParts, createConfigSchema } from '../../src/config/config-schema.js';

const customConfig = {
  active_provider: 'local',
  providers: { local: { type: 'my-runtime', fallback_models: ['tiny'] } },
};

describe('config schema built on first use', () => {
  it('shares one schema for configs without adapters and builds one per adapter list', () => {
    const shared = createConfigSchema();
    expect(createConfigSchema({ customProviders: [] })).toBe(shared);
    const custom = createConfigSchema({ customProviders: ['local'] });
    expect(custom).not.toBe(shared);
    expect(custom.safeParse(customConfig).success).toBe(true);
    expect(shared.safeParse(customConfig).success).toBe(false);
  });

  it('builds the section schemas once', () => {
    expect(configSchemaParts()).toBe(configSchemaParts());
  });

  it('builds section schemas that parse with their defaults', () => {
    const { modelsSchema, retrySchema } = configSchemaParts();
    expect(Object.keys(retrySchema.shape)).toEqual(['max_attempts', 'initial_delay_ms', 'max_delay_ms', 'max_retry_after_ms', 'max_total_attempts']);
    expect(modelsSchema.parse({})).toEqual({ lifecycle: [], on_retired: 'skip' });
  });
});
