import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { loadOptionalSdk } from '../../src/internal/load-optional-sdk.js';

// A package that is not installed; a variable so no bundler resolves it ahead of time.
const missing = 'llm-orchestrator-missing-sdk-for-tests';

describe('loadOptionalSdk', () => {
  it('turns a missing package into a ConfigurationError that names the package and the provider', async () => {
    const error = await loadOptionalSdk(missing, 'mine', () => import(missing)).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as ConfigurationError).issues).toEqual([
      { path: 'providers.mine', message: `the package '${missing}' is not installed: run \`npm install ${missing}\` to use provider 'mine'` },
    ]);
  });

  it('tries again after a failure, and loads a present package once', async () => {
    let calls = 0;
    const flaky = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('disk hiccup')) : Promise.resolve({ ok: calls });
    };
    await expect(loadOptionalSdk('flaky-sdk', 'p', flaky)).rejects.toThrow('disk hiccup');
    await expect(loadOptionalSdk('flaky-sdk', 'p', flaky)).resolves.toEqual({ ok: 2 });
    await expect(loadOptionalSdk('flaky-sdk', 'p', flaky)).resolves.toEqual({ ok: 2 });
    expect(calls).toBe(2);
  });
});
