import { describe, expect, it } from 'vitest';
import { CATALOGUE_PRICE_SOURCE } from '../../src/cost/catalogue-version.js';
import { PriceBook } from '../../src/cost/price-book.js';
import { mapAnthropicUsage, mergeAnthropicUsage, type AnthropicUsage } from '../../src/providers/anthropic/map-anthropic-usage.js';
import { mapBedrockUsage } from '../../src/providers/bedrock/map-bedrock-usage.js';
import type { GeminiUsageMetadata } from '../../src/providers/gemini/gemini-wire-types.js';
import { mapGeminiUsage } from '../../src/providers/gemini/map-gemini-usage.js';
import { mapOpenAIUsage, type OpenAIUsage } from '../../src/providers/openai/map-openai-usage.js';
import { createUsage, type Usage } from '../../src/spec/usage.js';
import { readRecorded, recordedLines } from '../setup/recorded-fixtures.js';

// Rates below are USD per 1M tokens, read from @pydantic/genai-prices 0.1.8's bundled data
// (`calcPrice(...).model_price`), which follows the providers' pricing pages. Every expected
// cost is worked out by hand in the comment above it.
const catalogue = CATALOGUE_PRICE_SOURCE;
const book = new PriceBook();

/** The token classes of a usage add up: input = uncached + cache read + cache write, total = in + out. */
function expectPartsAddUp(usage: Usage): void {
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  expect(uncached).toBeGreaterThanOrEqual(0);
  expect(uncached + usage.cacheReadTokens + usage.cacheWriteTokens).toBe(usage.inputTokens);
  expect(usage.reasoningTokens).toBeLessThanOrEqual(usage.outputTokens);
  expect(usage.totalTokens).toBe(usage.inputTokens + usage.outputTokens);
}

describe('long-context tiers (>200k input tokens)', () => {
  it('gemini-2.5-pro: input 1.25 -> 2.5, cache read 0.125 -> 0.25, output 10 -> 15 past 200k', () => {
    // Catalogue: input_mtok {base 1.25, tiers [{start 200000, price 2.5}]}, cache_read_mtok
    // {base 0.125, [{200000, 0.25}]}, output_mtok {base 10, [{200000, 15}]} (ai.google.dev/pricing).
    const model = 'gemini-2.5-pro';
    // Below: 100,000 uncached * 1.25 + 50,000 cached * 0.125 + 2,000 * 10 = 125,000 + 6,250 + 20,000 = 151,250
    const small = createUsage({ inputTokens: 150_000, cacheReadTokens: 50_000, outputTokens: 2_000 });
    // Above: 200,000 uncached * 2.5 + 50,000 cached * 0.25 + 2,000 * 15 = 500,000 + 12,500 + 30,000 = 542,500
    const large = createUsage({ inputTokens: 250_000, cacheReadTokens: 50_000, outputTokens: 2_000 });
    expect(book.price({ provider: 'gemini', providerType: 'gemini', model, usage: small })).toEqual({ costUsd: 0.15125, priceSource: catalogue });
    expect(book.price({ provider: 'vertex', providerType: 'vertex', model, usage: large })).toEqual({ costUsd: 0.5425, priceSource: catalogue });
  });

  it('claude-sonnet-4-5 past 200k also raises the cache-read and cache-write rates', () => {
    // Catalogue: input {3, >200k 6}, cache_read {0.3, 0.6}, cache_write {3.75, 7.5}, output {15, 22.5}
    // (anthropic.com/pricing, "long context"). 300,000 input = 200,000 uncached + 60,000 read + 40,000 written:
    // 200,000 * 6 + 60,000 * 0.6 + 40,000 * 7.5 + 1,000 * 22.5 = 1,200,000 + 36,000 + 300,000 + 22,500 = 1,558,500
    const usage = createUsage({ inputTokens: 300_000, cacheReadTokens: 60_000, cacheWriteTokens: 40_000, outputTokens: 1_000 });
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage })).toEqual({
      costUsd: 1.5585,
      priceSource: catalogue,
    });
  });
});

describe('cache classes under overrides', () => {
  const overrides = new PriceBook({
    overrides: {
      anthropic: { 'claude-sonnet-4-5-20250929': { input: 2, output: 10, cache_read: 0.2 } },
      local: {
        'write-only': { input: 1, output: 2, cache_write: 4 },
        'free-cache': { input: 1, output: 2, cache_read: 0, cache_write: 0 },
      },
    },
  });
  // 10,000 input = 5,000 uncached + 3,000 cache reads + 2,000 cache writes; 1,000 output.
  const usage = createUsage({ inputTokens: 10_000, cacheReadTokens: 3_000, cacheWriteTokens: 2_000, outputTokens: 1_000 });

  it("uses the override's cache-read rate and the catalogue's base cache-write rate it leaves out", () => {
    // 5,000 * 2 + 3,000 * 0.2 + 2,000 * 3.75 (catalogue base) + 1,000 * 10 = 10,000 + 600 + 7,500 + 10,000 = 28,100
    const priced = overrides.price({ provider: 'anthropic', providerType: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage });
    expect(priced).toEqual({ costUsd: 0.0281, priceSource: 'override' });
  });

  it('uses the cache-write override and the input rate for reads on a model the catalogue lacks', () => {
    // 5,000 * 1 + 3,000 * 1 (input rate) + 2,000 * 4 + 1,000 * 2 = 5,000 + 3,000 + 8,000 + 2,000 = 18,000
    expect(overrides.price({ provider: 'local', providerType: 'openai', model: 'write-only', usage }).costUsd).toBe(0.018);
  });

  it('keeps a cache rate of 0 (free cache) rather than falling back', () => {
    // 5,000 * 1 + 0 + 0 + 1,000 * 2 = 7,000
    expect(overrides.price({ provider: 'local', providerType: 'openai', model: 'free-cache', usage }).costUsd).toBe(0.007);
  });
});

/** The JSON objects of a recorded `.chunks.txt`. */
function chunks(name: string): Array<Record<string, unknown>> {
  return recordedLines(name).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function recordedJson<T>(name: string): T {
  return JSON.parse(readRecorded(name)) as T;
}

/** Anthropic stream usage as the adapter folds it: message_start's, then each message_delta's, last value wins. */
function anthropicStreamUsage(name: string): { model: string; usage: AnthropicUsage } {
  let usage: AnthropicUsage = {};
  let model = '';
  for (const event of chunks(name)) {
    if (event.type === 'message_start') {
      const message = event.message as { model: string; usage: AnthropicUsage };
      model = message.model;
      usage = mergeAnthropicUsage(usage, message.usage);
    }
    if (event.type === 'message_delta') usage = mergeAnthropicUsage(usage, event.usage as AnthropicUsage);
  }
  return { model, usage };
}

describe('every recorded response, mapped by its adapter and priced end to end', () => {
  it('OpenAI (gpt-4.1-nano 0.10 / cached 0.025 / 0.40): prompt_tokens already holds cached tokens', () => {
    const body = recordedJson<{ model: string; usage: OpenAIUsage }>('openai-text.json');
    const sent = mapOpenAIUsage(body.usage);
    const streamed = mapOpenAIUsage(chunks('openai-text.chunks.txt').findLast((chunk) => chunk.usage)?.usage as OpenAIUsage);
    if (!sent || !streamed) throw new Error('no usage in the recorded OpenAI response');
    expect(sent).toEqual(createUsage({ inputTokens: 16, outputTokens: 363, totalTokens: 379 }));
    expect(streamed).toEqual(createUsage({ inputTokens: 16, outputTokens: 300, totalTokens: 316 }));
    for (const usage of [sent, streamed]) expectPartsAddUp(usage);
    // 16 * 0.1 + 363 * 0.4 = 1.6 + 145.2 = 146.8; stream: 1.6 + 300 * 0.4 = 121.6
    expect(book.price({ provider: 'openai', providerType: 'openai', model: body.model, usage: sent })).toEqual({ costUsd: 0.0001468, priceSource: catalogue });
    expect(book.price({ provider: 'openai', providerType: 'openai', model: body.model, usage: streamed }).costUsd).toBe(0.0001216);
  });

  it('Anthropic (claude-sonnet-4-5 3 / 15): input excludes cache fields; the stream takes message_delta last', () => {
    const body = recordedJson<{ model: string; usage: AnthropicUsage }>('anthropic-text.json');
    const sent = mapAnthropicUsage(body.usage);
    const stream = anthropicStreamUsage('anthropic-text.chunks.txt');
    const streamed = mapAnthropicUsage(stream.usage);
    expect(sent).toEqual(createUsage({ inputTokens: 12, outputTokens: 29 }));
    // message_start says 1 output token, message_delta 30: the delta wins.
    expect(streamed).toEqual(createUsage({ inputTokens: 12, outputTokens: 30 }));
    for (const usage of [sent, streamed]) expectPartsAddUp(usage);
    // 12 * 3 + 29 * 15 = 36 + 435 = 471; stream: 36 + 30 * 15 = 486
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model: body.model, usage: sent }).costUsd).toBe(0.000471);
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model: stream.model, usage: streamed }).costUsd).toBe(0.000486);
  });

  it('Anthropic message_delta with its own input_tokens (claude-opus-4-5 5 / 25): the later input count is billed', () => {
    const stream = anthropicStreamUsage('anthropic-message-delta-input-tokens.chunks.txt');
    const usage = mapAnthropicUsage(stream.usage);
    // message_start: 43 in / 1 out; message_delta: 61 in / 2 out.
    expect(usage).toEqual(createUsage({ inputTokens: 61, outputTokens: 2 }));
    expectPartsAddUp(usage);
    // 61 * 5 + 2 * 25 = 305 + 50 = 355
    expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model: stream.model, usage })).toEqual({ costUsd: 0.000355, priceSource: catalogue });
  });

  it('Anthropic refusal (claude-fable-5 10 / 50): the refused turn is still billed', () => {
    const body = recordedJson<{ model: string; usage: AnthropicUsage }>('anthropic-refusal.json');
    const stream = anthropicStreamUsage('anthropic-refusal.chunks.txt');
    for (const [model, usage] of [
      [body.model, mapAnthropicUsage(body.usage)],
      [stream.model, mapAnthropicUsage(stream.usage)],
    ] as const) {
      expect(usage).toEqual(createUsage({ inputTokens: 18, outputTokens: 5 }));
      expectPartsAddUp(usage);
      // 18 * 10 + 5 * 50 = 180 + 250 = 430
      expect(book.price({ provider: 'anthropic', providerType: 'anthropic', model, usage })).toEqual({ costUsd: 0.00043, priceSource: catalogue });
    }
  });

  it('Gemini (gemini-3-pro-preview 2 / 12): thoughts are output and the reported total matches', () => {
    const body = recordedJson<{ modelVersion: string; usageMetadata: GeminiUsageMetadata }>('google-text.json');
    const sent = mapGeminiUsage(body.usageMetadata);
    const streamed = mapGeminiUsage(chunks('google-text.chunks.txt').findLast((chunk) => chunk.usageMetadata)?.usageMetadata as GeminiUsageMetadata);
    if (!sent || !streamed) throw new Error('no usage in the recorded Gemini response');
    // 9 prompt, 28 candidates + 244 thoughts = 272 output, total 281
    expect(sent).toEqual(createUsage({ inputTokens: 9, outputTokens: 272, totalTokens: 281, reasoningTokens: 244 }));
    // 9 prompt, 23 candidates + 185 thoughts = 208 output, total 217
    expect(streamed).toEqual(createUsage({ inputTokens: 9, outputTokens: 208, totalTokens: 217, reasoningTokens: 185 }));
    for (const usage of [sent, streamed]) expectPartsAddUp(usage);
    // 9 * 2 + 272 * 12 = 18 + 3,264 = 3,282; stream: 18 + 208 * 12 = 2,514
    expect(book.price({ provider: 'gemini', providerType: 'gemini', model: body.modelVersion, usage: sent }).costUsd).toBe(0.003282);
    expect(book.price({ provider: 'gemini', providerType: 'gemini', model: body.modelVersion, usage: streamed }).costUsd).toBe(0.002514);
  });

  it('Bedrock Converse and ConverseStream (priced as us.anthropic.claude-3-5-haiku, 0.80 / 4.00)', () => {
    type BedrockUsage = Parameters<typeof mapBedrockUsage>[0];
    const sent = mapBedrockUsage(recordedJson<{ usage: BedrockUsage }>('amazon-bedrock-text.json').usage);
    const metadata = chunks('amazon-bedrock-text.chunks.txt').findLast((chunk) => chunk.metadata)?.metadata as { usage: BedrockUsage };
    const streamed = mapBedrockUsage(metadata.usage);
    if (!sent || !streamed) throw new Error('no usage in the recorded Bedrock response');
    // The recording does not name its model; the Bedrock rates of claude-3-5-haiku price it.
    expect(sent).toEqual(createUsage({ inputTokens: 22, outputTokens: 57 }));
    expect(streamed).toEqual(createUsage({ inputTokens: 22, outputTokens: 55 }));
    for (const usage of [sent, streamed]) expectPartsAddUp(usage);
    const model = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
    // 22 * 0.8 + 57 * 4 = 17.6 + 228 = 245.6; stream: 17.6 + 220 = 237.6
    expect(book.price({ provider: 'bedrock', providerType: 'bedrock', model, usage: sent })).toEqual({ costUsd: 0.0002456, priceSource: catalogue });
    expect(book.price({ provider: 'bedrock', providerType: 'bedrock', model, usage: streamed }).costUsd).toBe(0.0002376);
  });

  it('Bedrock cache reads and writes are added back into input and priced at their own rates', () => {
    // Bedrock reports inputTokens without the cache parts: 1,000 + 4,000 read + 2,000 written = 7,000 in.
    const usage = mapBedrockUsage({ inputTokens: 1_000, cacheReadInputTokens: 4_000, cacheWriteInputTokens: 2_000, outputTokens: 100, totalTokens: 7_100 });
    if (!usage) throw new Error('no usage');
    expectPartsAddUp(usage);
    expect(usage.inputTokens).toBe(7_000);
    // claude-3-5-haiku on Bedrock: input 0.8, cache read 0.08, cache write 1.0, output 4:
    // 1,000 * 0.8 + 4,000 * 0.08 + 2,000 * 1 + 100 * 4 = 800 + 320 + 2,000 + 400 = 3,520
    expect(book.price({ provider: 'bedrock', providerType: 'bedrock', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', usage }).costUsd).toBe(0.00352);
  });
});
