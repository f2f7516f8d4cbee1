import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchemaParts } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { BedrockProvider } from '../../src/providers/bedrock/bedrock-provider.js';
import { lifecycleStatus, ModelLifecycle, shippedLifecycle } from '../../src/registry/model-lifecycle.js';
import shipped from '../../src/registry/model-lifecycle.json' with { type: 'json' };

const { lifecycleEntrySchema, modelsSchema } = configSchemaParts();

const examplePath = join(import.meta.dirname, '..', '..', 'config.example.yaml');
const exampleEnv = { OPENAI_API_KEY: 'a', TOGETHER_API_KEY: 'b', ANTHROPIC_API_KEY: 'c', GEMINI_API_KEY: 'd', AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 'f' };

describe('models config', () => {
  it('config.example.yaml loads its models section, normalized', () => {
    const { config } = loadConfig(examplePath, { env: exampleEnv, baseDirectory: '/srv/app' });
    expect(config.models).toEqual({
      onRetired: 'skip',
      cachePath: '/srv/app/llm_models.json',
      lifecycle: [
        { provider: 'together', model: 'my-old-model', deprecatedAt: '2026-01-15', retiresAt: '2026-07-15', replacement: 'my-new-model', source: 'https://example.com/our-model-policy' },
      ],
    });
  });

  it('config.example.yaml documents every key of models and of a lifecycle entry', () => {
    const text = readFileSync(examplePath, 'utf8');
    for (const key of ['models', ...Object.keys(modelsSchema.shape), ...Object.keys(lifecycleEntrySchema.shape)]) {
      expect(text, key).toMatch(new RegExp(`(^|[\\s{,-])${key}:`, 'm'));
    }
  });

  it('defaults on_retired to skip and lifecycle to []; leaves models out when absent', () => {
    const base = { active_provider: 'openai', providers: { openai: { api_key: 'k', fallback_models: ['m'] } } };
    expect(loadConfig({ ...base, models: {} }, { env: {} }).config.models).toEqual({ lifecycle: [], onRetired: 'skip' });
    expect(loadConfig(base, { env: {} }).config).not.toHaveProperty('models');
  });

  it('reports every bad models key with its path', () => {
    let caught: unknown;
    try {
      loadConfig(
        {
          active_provider: 'openai',
          providers: { openai: { api_key: 'k', fallback_models: ['m'] } },
          models: {
            on_retired: 'explode' as 'skip',
            cache_path: '',
            lifecycle: [
              { provider: 'nobody', model: 'x', retires_at: '2026-02-30' },
              { provider: 'openai', model: 'y', deprecated_at: 'soon', colour: 'blue' } as never,
            ],
          },
        },
        { env: {} },
      );
    } catch (error) {
      caught = error;
    }
    expect(ConfigurationError.isInstance(caught)).toBe(true);
    expect((caught as ConfigurationError).issues.map((issue) => issue.path).sort()).toEqual([
      'models.cache_path',
      'models.lifecycle[0].provider',
      'models.lifecycle[0].retires_at',
      'models.lifecycle[1].colour',
      'models.lifecycle[1].deprecated_at',
      'models.on_retired',
    ]);
  });
});

describe('shipped lifecycle data', () => {
  const officialPages = [
    'https://developers.openai.com/api/docs/deprecations',
    'https://docs.anthropic.com/zh-CN/docs/about-claude/model-deprecations',
    'https://platform.claude.com/docs/en/about-claude/model-deprecations',
    'https://ai.google.dev/gemini-api/docs/deprecations',
    'https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html',
  ];
  /** An AWS model card (Bedrock's own page per model, with its end-of-life date). */
  const awsModelCard = /^https:\/\/docs\.aws\.amazon\.com\/bedrock\/latest\/userguide\/model-card-[a-z0-9-]+\.html$/;
  /** AWS Labs' copy of the Bedrock legacy lifecycle table, pinned to the commit read (named as a copy in the closing note). */
  const awsLabsCopy = 'https://github.com/awslabs/startups/blob/e45e782c9cd82e0c5cf0db60b65be4cde233fed1/advisor/plugins/aws-startup-advisor/skills/gcp-to-aws/references/shared/ai-model-lifecycle.md';
  const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

  it('carries its as_of date and, for every entry, valid dates and a provider deprecation page', () => {
    expect(shippedLifecycle.asOf).toBe('2026-11-23');
    expect(shippedLifecycle.entries.length).toBe(shipped.entries.length);
    const seen = new Set<string>();
    for (const entry of shipped.entries as unknown as Array<Record<string, string>>) {
      const parsed = lifecycleEntrySchema.safeParse({ provider: entry.provider, model: entry.model, deprecated_at: entry.deprecatedAt, retires_at: entry.retiresAt, replacement: entry.replacement, source: entry.source });
      expect(parsed.success, entry.model).toBe(true);
      expect(['openai', 'anthropic', 'gemini', 'bedrock', 'vertex']).toContain(entry.provider);
      const source = entry.source!;
      const official = officialPages.includes(source) || (entry.provider === 'bedrock' && (awsModelCard.test(source) || source === awsLabsCopy));
      expect(official, `${entry.model}: ${source}`).toBe(true);
      expect(isDay(entry.retiresAt!), entry.model).toBe(true);
      if (entry.deprecatedAt) expect(isDay(entry.deprecatedAt), entry.model).toBe(true);
      expect(entry.retiresAt, entry.model).toBeDefined();
      if (entry.deprecatedAt) expect(entry.deprecatedAt < entry.retiresAt!, entry.model).toBe(true);
      const key = `${entry.provider}/${entry.model}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    // All five providers' well-known chat models are covered.
    expect(new Set(shipped.entries.map((entry) => entry.provider))).toEqual(new Set(['openai', 'anthropic', 'gemini', 'bedrock', 'vertex']));
  });

  it('never names as a replacement a model that the file itself marks retired on its as_of date', () => {
    const asOf = new Date(`${shippedLifecycle.asOf}T00:00:00Z`);
    const retired = new Set(shippedLifecycle.entries.filter((entry) => lifecycleStatus(entry, asOf).retired).map((entry) => `${entry.provider}/${entry.model}`));
    const withReplacement = shippedLifecycle.entries.filter((entry) => entry.replacement !== undefined);
    expect(withReplacement.length).toBeGreaterThan(20);
    for (const entry of withReplacement) {
      expect(entry.replacement, entry.model).not.toBe(entry.model);
      expect(retired.has(`${entry.provider}/${entry.replacement}`), `${entry.model} -> ${entry.replacement}`).toBe(false);
    }
  });

  it('gives Bedrock entries as Bedrock model ids (no inference-profile prefix, version suffix kept)', () => {
    const bedrock = shipped.entries.filter((entry) => entry.provider === 'bedrock');
    expect(bedrock.length).toBeGreaterThanOrEqual(10);
    for (const entry of bedrock) {
      expect(entry.model, entry.model).toMatch(/^(anthropic|meta|amazon|ai21|cohere|mistral)\.[a-z0-9.-]+-v\d+(:\d+)?$/);
      expect(BedrockProvider.isInferenceProfileId(entry.model), entry.model).toBe(false);
    }
  });

  it('gives a Bedrock inference-profile id its base model entry, unless it has its own', () => {
    const own = { provider: 'bedrock', model: 'eu.anthropic.claude-sonnet-4-20250514-v1:0', retiresAt: '2027-02-01' };
    const lifecycle = new ModelLifecycle(shipped.entries, [own], (name) => (name === 'proxy' ? 'openai' : 'bedrock'));
    expect(lifecycle.find('bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0')).toMatchObject({ model: 'anthropic.claude-sonnet-4-20250514-v1:0', retiresAt: '2026-10-14' });
    expect(lifecycle.find('bedrock', 'global.anthropic.claude-opus-4-1-20250805-v1:0')?.retiresAt).toBe('2027-01-08');
    expect(lifecycle.find('bedrock', 'eu.anthropic.claude-sonnet-4-20250514-v1:0')).toBe(own);
    expect(lifecycle.find('bedrock', 'us.anthropic.claude-haiku-4-5-20251001-v1:0')).toBeUndefined();
    // Only Bedrock reads the prefix: elsewhere `us.` is part of the id.
    expect(lifecycle.find('proxy', 'us.anthropic.claude-sonnet-4-20250514-v1:0')).toBeUndefined();
  });

  it('reads an entry against a date: announced, deprecated, retired', () => {
    const entry = { provider: 'openai', model: 'm', deprecatedAt: '2026-06-11', retiresAt: '2026-12-11' };
    expect(lifecycleStatus(entry, new Date('2026-06-10T12:00:00Z'))).toEqual({ deprecated: false, retired: false, daysToRetirement: 184 });
    expect(lifecycleStatus(entry, new Date('2026-11-23T00:00:00Z'))).toEqual({ deprecated: true, retired: false, daysToRetirement: 18 });
    expect(lifecycleStatus(entry, new Date('2026-12-11T00:00:00Z'))).toEqual({ deprecated: true, retired: true, daysToRetirement: 0 });
    expect(lifecycleStatus({ provider: 'gemini', model: 'g', retiresAt: '2027-01-01' }, new Date('2026-11-23T00:00:00Z'))).toMatchObject({ deprecated: true, retired: false });
  });
});
