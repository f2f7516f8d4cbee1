import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_PRICE_SOURCE, CATALOGUE_VERSION } from '../../src/cost/catalogue-version.js';
import { PriceBook } from '../../src/cost/price-book.js';
import { createUsage } from '../../src/spec/usage.js';
import { recordedDirectory } from '../setup/recorded-fixtures.js';

// Source numbers below are USD per 1M tokens, as the providers' pricing pages list them and as
// @pydantic/genai-prices 0.1.8 carries them. Every expected cost is worked out by hand.
const catalogue = CATALOGUE_PRICE_SOURCE;

describe('PriceBook with the catalogue', () => {
  const book = new PriceBook();

  it('names the installed catalogue version in its price source', () => {
    const installed = JSON.parse(
      readFileSync(join(process.cwd(), 'node_modules/@pydantic/genai-prices/package.json'), 'utf8'),
    ) as { version: string };
    expect(CATALOGUE_VERSION).toBe(installed.version);
    expect(catalogue).toBe(`catalogue@${installed.version}`);
  });

  it('prices gpt-4o-mini with cached input apart (input 0.15, cached 0.075, output 0.60)', () => {
    // 6,000 uncached * 0.15 + 4,000 cached * 0.075 + 500 out * 0.60 = 900 + 300 + 300 = 1,500 per 1M
    const usage = createUsage({ inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 500 });
    expect(book.price({ provider: 'openai', providerType: 'openai', model: 'gpt-4o-mini', usage })).toEqual({
      costUsd: 0.0015,
      priceSource: catalogue,
    });
  });

  it('prices gpt-4.1-nano (input 0.10, output 0.40)', () => {
    const usage = createUsage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(book.price({ provider: 'openai', providerType: 'openai', model: 'gpt-4.1-nano', usage }).costUsd).toBe(0.5);
  });

  it('prices claude-3-5-haiku-latest with cache reads and writes (0.80, read 0.08, write 1.00, output 4.00)', () => {
    // input_tokens is the total: 500 uncached * 0.8 + 1,000 read * 0.08 + 1,500 written * 1.0 + 200 out * 4
    // = 400 + 80 + 1,500 + 800 = 2,780 per 1M
    const usage = createUsage({ inputTokens: 3_000, cacheReadTokens: 1_000, cacheWriteTokens: 1_500, outputTokens: 200 });
    expect(
      book.price({ provider: 'anthropic', providerType: 'anthropic', model: 'claude-3-5-haiku-latest', usage }),
    ).toEqual({ costUsd: 0.00278, priceSource: catalogue });
  });

  it('applies the >200k-token tier of claude-sonnet-4-5-20250929 (3/15, then 6/22.50)', () => {
    const small = createUsage({ inputTokens: 100_000, outputTokens: 1_000 });
    const large = createUsage({ inputTokens: 250_000, outputTokens: 1_000 });
    const model = 'claude-sonnet-4-5-20250929';
    // 100,000 * 3 + 1,000 * 15 = 315,000 per 1M; 250,000 * 6 + 1,000 * 22.5 = 1,522,500 per 1M
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model, usage: small }).costUsd).toBe(0.315);
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model, usage: large }).costUsd).toBe(1.5225);
  });

  it('prices gemini-2.5-flash for both gemini and vertex entries (0.30, output 2.50 with thoughts)', () => {
    // 2,000 * 0.3 + 1,000 * 2.5 = 600 + 2,500 = 3,100 per 1M; the 600 reasoning tokens are in the 1,000
    const usage = createUsage({ inputTokens: 2_000, outputTokens: 1_000, reasoningTokens: 600 });
    for (const providerType of ['gemini', 'vertex']) {
      expect(book.price({ provider: providerType, providerType, model: 'gemini-2.5-flash', usage })).toEqual({
        costUsd: 0.0031,
        priceSource: catalogue,
      });
    }
  });

  it('prices Bedrock model ids, with and without a cross-region prefix', () => {
    // claude-3-haiku 0.25/1.25: 4,000 * 0.25 + 1,000 * 1.25 = 2,250 per 1M
    const haiku3 = book.price({
      provider: 'bedrock',
      providerType: 'bedrock',
      model: 'anthropic.claude-3-haiku-20240307-v1:0',
      usage: createUsage({ inputTokens: 4_000, outputTokens: 1_000 }),
    });
    expect(haiku3).toEqual({ costUsd: 0.00225, priceSource: catalogue });
    // claude-3-5-haiku 0.80/4.00: 1,000 * 0.8 + 100 * 4 = 1,200 per 1M
    const haiku35 = book.price({
      provider: 'aws',
      providerType: 'bedrock',
      model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
      usage: createUsage({ inputTokens: 1_000, outputTokens: 100 }),
    });
    expect(haiku35).toEqual({ costUsd: 0.0012, priceSource: catalogue });
  });

  it("prices an openai-type entry named after a vendor the catalogue knows with that vendor's prices", () => {
    // Together's Llama-3.3-70B-Instruct-Turbo: 0.88 in and out: 2,000 * 0.88 = 1,760 per 1M
    const usage = createUsage({ inputTokens: 1_000, outputTokens: 1_000 });
    const together = book.price({
      provider: 'together',
      providerType: 'openai',
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      usage,
    });
    expect(together).toEqual({ costUsd: 0.00176, priceSource: catalogue });
    // Groq does not sell gpt-4o-mini: not priced at OpenAI's rate by mistake.
    expect(book.price({ provider: 'groq', providerType: 'openai', model: 'gpt-4o-mini', usage })).toEqual({
      costUsd: null,
      priceSource: '',
    });
    // An entry name the catalogue does not know falls back to the type: gpt-4o-mini at 0.15/0.60.
    expect(book.price({ provider: 'primary', providerType: 'openai', model: 'gpt-4o-mini', usage }).costUsd).toBe(0.00075);
  });

  it('returns null and an empty source for an unknown model', () => {
    const usage = createUsage({ inputTokens: 10, outputTokens: 10 });
    expect(book.price({ provider: 'openai', providerType: 'openai', model: 'no-such-model-xyz', usage })).toEqual({
      costUsd: null,
      priceSource: '',
    });
    expect(book.price({ provider: 'custom', providerType: 'my-adapter', model: 'gpt-4o-mini', usage })).toEqual({
      costUsd: null,
      priceSource: '',
    });
  });

  it('costs 0 for an attempt with no tokens, priced or not', () => {
    const usage = createUsage();
    expect(book.price({ provider: 'openai', providerType: 'openai', model: 'no-such-model-xyz', usage })).toEqual({
      costUsd: 0,
      priceSource: '',
    });
    expect(book.price({ provider: 'openai', providerType: 'openai', model: 'gpt-4o-mini', usage })).toEqual({
      costUsd: 0,
      priceSource: catalogue,
    });
  });

  it('does not throw when an adapter reports more cached tokens than input', () => {
    // Treated as 1,000 input tokens, all cache reads: 1,000 * 0.075 + 10 * 0.6 = 81 per 1M.
    const usage = createUsage({ inputTokens: 100, cacheReadTokens: 1_000, outputTokens: 10 });
    expect(book.price({ provider: 'openai', providerType: 'openai', model: 'gpt-4o-mini', usage }).costUsd).toBe(0.000081);
  });

  it('gives the same answer from its cache on repeated calls', () => {
    const usage = createUsage({ inputTokens: 1_000, outputTokens: 1_000 });
    const model = 'gpt-4.1-nano';
    const first = book.price({ provider: 'openai', providerType: 'openai', model, usage });
    const second = book.price({ provider: 'openai', providerType: 'openai', model, usage: createUsage({ inputTokens: 2_000 }) });
    expect(first.costUsd).toBe(0.0005);
    expect(second.costUsd).toBe(0.0002);
  });
});

describe('PriceBook on the recorded provider responses (shared/fixtures/recorded)', () => {
  const book = new PriceBook();
  const fixture = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(recordedDirectory, name), 'utf8')) as Record<string, unknown>;

  it('prices openai-text.json: gpt-4.1-nano-2025-04-14, 16 in / 363 out at 0.10 / 0.40', () => {
    const body = fixture('openai-text.json') as { model: string; usage: { prompt_tokens: number; completion_tokens: number } };
    const usage = createUsage({ inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens });
    // 16 * 0.1 + 363 * 0.4 = 1.6 + 145.2 = 146.8 per 1M
    expect(book.price({ provider: 'openai', providerType: 'openai', model: body.model, usage }).costUsd).toBe(0.0001468);
  });

  it('prices anthropic-text.json: claude-sonnet-4-5-20250929, 12 in / 29 out at 3 / 15', () => {
    const body = fixture('anthropic-text.json') as { model: string; usage: { input_tokens: number; output_tokens: number } };
    const usage = createUsage({ inputTokens: body.usage.input_tokens, outputTokens: body.usage.output_tokens });
    // 12 * 3 + 29 * 15 = 36 + 435 = 471 per 1M
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model: body.model, usage }).costUsd).toBe(0.000471);
  });

  it('prices google-text.json: gemini-3-pro-preview with thoughts billed as output, at 2 / 12', () => {
    const body = fixture('google-text.json') as {
      modelVersion: string;
      usageMetadata: { promptTokenCount: number; candidatesTokenCount: number; thoughtsTokenCount: number };
    };
    const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount } = body.usageMetadata;
    const usage = createUsage({
      inputTokens: promptTokenCount,
      outputTokens: candidatesTokenCount + thoughtsTokenCount,
      reasoningTokens: thoughtsTokenCount,
    });
    // 9 * 2 + (28 + 244) * 12 = 18 + 3,264 = 3,282 per 1M
    expect(book.price({ provider: 'gemini', providerType: 'gemini', model: body.modelVersion, usage }).costUsd).toBe(0.003282);
  });
});

describe('PriceBook with overrides', () => {
  const book = new PriceBook({
    overrides: {
      'my-openai': { 'gpt-4o-mini': { input: 1, output: 2 } },
      openai: { 'gpt-4o-mini': { input: 10, output: 20 } },
      anthropic: { 'claude-3-5-haiku-latest': { input: 1, output: 5 } },
      local: { 'my-model': { input: 2, output: 4 }, 'cached-model': { input: 2, output: 4, cache_read: 0.5, cache_write: 3 } },
    },
  });
  const usage = createUsage({ inputTokens: 1_000, outputTokens: 1_000 });

  it('prefers the entry name over the type, and the type over the catalogue', () => {
    // entry name: 1,000 * 1 + 1,000 * 2 = 3,000 per 1M
    expect(book.price({ provider: 'my-openai', providerType: 'openai', model: 'gpt-4o-mini', usage })).toEqual({
      costUsd: 0.003,
      priceSource: 'override',
    });
    // type: 1,000 * 10 + 1,000 * 20 = 30,000 per 1M
    expect(book.price({ provider: 'other', providerType: 'openai', model: 'gpt-4o-mini', usage })).toEqual({
      costUsd: 0.03,
      priceSource: 'override',
    });
    // no override for this model: catalogue, 0.10/0.40 -> 500 per 1M
    expect(book.price({ provider: 'my-openai', providerType: 'openai', model: 'gpt-4.1-nano', usage })).toEqual({
      costUsd: 0.0005,
      priceSource: catalogue,
    });
  });

  it("takes a missing cache rate from the catalogue's model when there is one", () => {
    // 500 uncached * 1 + 1,000 read * 0.08 (catalogue) + 1,500 written * 1.00 (catalogue) + 200 * 5
    // = 500 + 80 + 1,500 + 1,000 = 3,080 per 1M
    const cached = createUsage({ inputTokens: 3_000, cacheReadTokens: 1_000, cacheWriteTokens: 1_500, outputTokens: 200 });
    expect(
      book.price({ provider: 'anthropic', providerType: 'anthropic', model: 'claude-3-5-haiku-latest', usage: cached }).costUsd,
    ).toBe(0.00308);
  });

  it('charges cache tokens at the input rate, or at their own override rate', () => {
    const cached = createUsage({ inputTokens: 3_000, cacheReadTokens: 1_000, cacheWriteTokens: 1_000, outputTokens: 100 });
    // all 3,000 input at 2 + 100 * 4 = 6,400 per 1M
    expect(book.price({ provider: 'local', providerType: 'openai', model: 'my-model', usage: cached }).costUsd).toBe(0.0064);
    // 1,000 * 2 + 1,000 * 0.5 + 1,000 * 3 + 100 * 4 = 5,900 per 1M
    expect(book.price({ provider: 'local', providerType: 'openai', model: 'cached-model', usage: cached }).costUsd).toBe(0.0059);
  });

  it('ignores inherited keys as model names', () => {
    expect(book.price({ provider: 'local', providerType: 'openai', model: 'constructor', usage })).toEqual({
      costUsd: null,
      priceSource: '',
    });
  });
});
