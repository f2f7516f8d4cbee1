import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lifecycleEntrySchema, modelsSchema } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { lifecycleStatus, shippedLifecycle } from '../../src/registry/model-lifecycle.js';
import shipped from '../../src/registry/model-lifecycle.json' with { type: 'json' };

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
    'https://ai.google.dev/gemini-api/docs/deprecations',
    'https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
  ];

  it('carries its as_of date and, for every entry, valid dates and a provider deprecation page', () => {
    expect(shippedLifecycle.asOf).toBe('2026-11-23');
    expect(shippedLifecycle.entries.length).toBe(shipped.entries.length);
    const seen = new Set<string>();
    for (const entry of shipped.entries as unknown as Array<Record<string, string>>) {
      const parsed = lifecycleEntrySchema.safeParse({ provider: entry.provider, model: entry.model, deprecated_at: entry.deprecatedAt, retires_at: entry.retiresAt, replacement: entry.replacement, source: entry.source });
      expect(parsed.success, entry.model).toBe(true);
      expect(['openai', 'anthropic', 'gemini', 'bedrock', 'vertex']).toContain(entry.provider);
      expect(officialPages, entry.model).toContain(entry.source);
      expect(entry.retiresAt, entry.model).toBeDefined();
      if (entry.deprecatedAt) expect(entry.deprecatedAt < entry.retiresAt!, entry.model).toBe(true);
      const key = `${entry.provider}/${entry.model}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('reads an entry against a date: announced, deprecated, retired', () => {
    const entry = { provider: 'openai', model: 'm', deprecatedAt: '2026-06-11', retiresAt: '2026-12-11' };
    expect(lifecycleStatus(entry, new Date('2026-06-10T12:00:00Z'))).toEqual({ deprecated: false, retired: false, daysToRetirement: 184 });
    expect(lifecycleStatus(entry, new Date('2026-11-23T00:00:00Z'))).toEqual({ deprecated: true, retired: false, daysToRetirement: 18 });
    expect(lifecycleStatus(entry, new Date('2026-12-11T00:00:00Z'))).toEqual({ deprecated: true, retired: true, daysToRetirement: 0 });
    expect(lifecycleStatus({ provider: 'gemini', model: 'g', retiresAt: '2027-01-01' }, new Date('2026-11-23T00:00:00Z'))).toMatchObject({ deprecated: true, retired: false });
  });
});
