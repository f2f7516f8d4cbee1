import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { lazyRequire } from '../../src/internal/lazy-require.js';

describe('lazyRequire', () => {
  it('loads a package on the first call and hands back the same module after', () => {
    const load = lazyRequire<typeof import('yaml')>('yaml');
    const first = load();
    expect(typeof first.parse).toBe('function');
    expect(load()).toBe(first);
  });

  it('names a missing package and the bundling rule in a ConfigurationError, not a bare "Cannot find module"', () => {
    const load = lazyRequire('llm-orchestrator-no-such-package');
    let thrown: unknown;
    try {
      load();
    } catch (error) {
      thrown = error;
    }
    expect(ConfigurationError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain("'llm-orchestrator-no-such-package'");
    expect((thrown as Error).message).toContain('keep zod, yaml and @pydantic/genai-prices external');
    expect(((thrown as Error).cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
  });
});
