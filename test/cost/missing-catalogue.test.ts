import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';

// As if the app was bundled without the catalogue: every lazily loaded package is missing.
vi.mock('../../src/internal/lazy-require.js', () => ({
  lazyRequire: (name: string) => () => {
    throw new ConfigurationError([{ path: name, message: `'${name}' was not found` }]);
  },
}));

describe('a price catalogue that cannot be loaded', () => {
  it('is a ConfigurationError for every provider type, never a silent "unpriced"', async () => {
    const { PriceBook } = await import('../../src/cost/price-book.js');
    const book = new PriceBook();
    const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    for (const providerType of ['openai', 'anthropic', 'gemini', 'vertex', 'bedrock']) {
      expect(() => book.price({ provider: `p-${providerType}`, providerType, model: 'some-model', usage }), providerType).toThrow(ConfigurationError);
    }
  });
});
