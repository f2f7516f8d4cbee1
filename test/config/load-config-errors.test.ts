import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config-input.js';
import { loadConfig } from '../../src/config/load-config.js';
import { expectConfigurationError, removeTempFiles, writeTempFile } from './config-test-helpers.js';

afterAll(removeTempFiles);

type Expected = { path: string; message: string | RegExp };
interface BadConfig {
  name: string;
  /** YAML text (written to a file) or an object. */
  input: string | Record<string, unknown>;
  env?: Record<string, string>;
  issues: Expected[];
}

const openai = { api_key: 'sk-test', fallback_models: ['gpt-4o-mini'] };

/** A valid config with `changes` merged over it (one level deep into `providers`). */
function config(changes: Record<string, unknown> = {}, providers: Record<string, unknown> = {}): Record<string, unknown> {
  return { active_provider: 'openai', ...changes, providers: { openai, ...providers } };
}

const badConfigs: BadConfig[] = [
  { name: 'unknown top-level key', input: config({ model_registry: {} }), issues: [{ path: 'model_registry', message: 'unknown key' }] },
  {
    name: 'unknown provider key',
    input: config({}, { openai: { ...openai, colour: 'blue' } }),
    issues: [{ path: 'providers.openai.colour', message: 'unknown key' }],
  },
  {
    name: 'misspelt provider key, with a suggestion',
    input: config({}, { openai: { api_key: 'sk-test', fallback_model: ['gpt-4o'] } }),
    issues: [
      { path: 'providers.openai.fallback_models', message: 'required' },
      { path: 'providers.openai.fallback_model', message: "unknown key (did you mean 'fallback_models'?)" },
    ],
  },
  {
    name: 'wrong type',
    input: config({ cross_provider_fallback: 'yes' }),
    issues: [{ path: 'cross_provider_fallback', message: 'expected boolean, received string' }],
  },
  {
    name: 'missing active_provider',
    input: { providers: { openai } },
    issues: [{ path: 'active_provider', message: 'required' }],
  },
  {
    name: 'no providers at all',
    input: { active_provider: 'openai', providers: {} },
    issues: [
      { path: 'providers', message: 'must have at least 1 provider' },
      { path: 'active_provider', message: "'openai' is not a provider entry" },
    ],
  },
  {
    name: 'empty fallback_models',
    input: config({}, { openai: { ...openai, fallback_models: [] } }),
    issues: [{ path: 'providers.openai.fallback_models', message: 'must have at least 1 model' }],
  },
  {
    name: 'non-string model',
    input: 'active_provider: openai\nproviders:\n  openai:\n    api_key: sk-test\n    fallback_models: [gpt-4o, 5]\n',
    issues: [{ path: 'providers.openai.fallback_models[1]', message: 'expected string, received number' }],
  },
  {
    name: 'empty model id',
    input: config({}, { openai: { ...openai, fallback_models: ['gpt-4o', ''] } }),
    issues: [{ path: 'providers.openai.fallback_models[1]', message: 'must not be an empty model id' }],
  },
  {
    name: 'base_url not http(s)',
    input: config({}, { openai: { ...openai, base_url: 'ftp://example.com' } }),
    issues: [{ path: 'providers.openai.base_url', message: 'must be an http(s) URL' }],
  },
  {
    name: 'base_url not a URL',
    input: config({}, { anthropic: { api_key: 'k', fallback_models: ['m'], base_url: 'localhost:8080' } }),
    issues: [{ path: 'providers.anthropic.base_url', message: 'must be an http(s) URL' }],
  },
  {
    name: 'unknown provider type',
    input: config({}, { together: { type: 'opneai', api_key: 'k', fallback_models: ['m'] } }),
    issues: [{ path: 'providers.together.type', message: 'unknown provider type: expected one of openai, anthropic, gemini, bedrock, vertex' }],
  },
  {
    name: 'entry name that is not a type, without type',
    input: config({}, { mystery: { api_key: 'k', fallback_models: ['m'] } }),
    issues: [{ path: 'providers.mystery.type', message: "required: 'mystery' is not a provider type" }],
  },
  {
    name: 'sdk not allowed for gemini',
    input: config({}, { gemini: { api_key: 'k', fallback_models: ['m'], sdk: 'vertexai' } }),
    issues: [{ path: 'providers.gemini.sdk', message: 'must be one of generative-ai, genai for provider type gemini' }],
  },
  {
    name: 'sdk not allowed for vertex',
    input: config({}, { vertex: { project_id: 'p', location: 'l', fallback_models: ['m'], sdk: 'generative-ai' } }),
    issues: [{ path: 'providers.vertex.sdk', message: 'must be one of vertexai, genai for provider type vertex' }],
  },
  {
    name: 'unknown sdk',
    input: config({}, { gemini: { api_key: 'k', fallback_models: ['m'], sdk: 'google' } }),
    issues: [{ path: 'providers.gemini.sdk', message: 'must be one of generative-ai, genai, vertexai' }],
  },
  {
    name: 'sdk on an openai entry',
    input: config({}, { openai: { ...openai, sdk: 'genai' } }),
    issues: [{ path: 'providers.openai.sdk', message: 'not allowed for provider type openai (only for provider type gemini or vertex)' }],
  },
  {
    name: 'bedrock without region',
    input: config({}, { bedrock: { fallback_models: ['m'] } }),
    issues: [{ path: 'providers.bedrock.region', message: 'required for provider type bedrock' }],
  },
  {
    name: 'vertex without project_id',
    input: config({}, { vertex: { location: 'us-central1', fallback_models: ['m'] } }),
    issues: [{ path: 'providers.vertex.project_id', message: 'required for provider type vertex' }],
  },
  {
    name: 'api_key on bedrock and vertex',
    input: config({}, {
      bedrock: { region: 'us-east-1', api_key: 'k', fallback_models: ['m'] },
      vertex: { project_id: 'p', location: 'l', api_key: 'k', fallback_models: ['m'] },
    }),
    issues: [
      { path: 'providers.bedrock.api_key', message: 'not allowed for provider type bedrock (bedrock uses the AWS credential chain' },
      { path: 'providers.vertex.api_key', message: 'not allowed for provider type vertex (vertex uses Application Default Credentials' },
    ],
  },
  {
    name: 'aws_* and vertex keys on other types',
    input: config({}, {
      openai: { ...openai, aws_access_key_id: 'a', credentials_path: './c.json' },
      bedrock: { region: 'us-east-1', fallback_models: ['m'], location: 'eu' },
    }),
    issues: [
      { path: 'providers.openai.aws_access_key_id', message: 'only for provider type bedrock' },
      { path: 'providers.openai.credentials_path', message: 'only for provider type vertex' },
      { path: 'providers.bedrock.location', message: 'only for provider type vertex' },
    ],
  },
  {
    name: 'aws_access_key_id without its secret',
    input: config({}, { bedrock: { region: 'us-east-1', fallback_models: ['m'], aws_access_key_id: 'AKIA' } }),
    issues: [{ path: 'providers.bedrock.aws_secret_access_key', message: 'required when aws_access_key_id is given' }],
  },
  {
    name: 'vertex base_url with a path',
    input: config({}, { vertex: { project_id: 'p', location: 'l', fallback_models: ['m'], base_url: 'https://host:8443/v1' } }),
    issues: [{ path: 'providers.vertex.base_url', message: 'without a path' }],
  },
  {
    name: 'active_provider not an entry',
    input: config({ active_provider: 'openia' }),
    issues: [{ path: 'active_provider', message: "'openia' is not a provider entry (entries: openai)" }],
  },
  {
    name: 'provider_order naming an unknown entry',
    input: config({ provider_order: ['openai', 'mistral'] }),
    issues: [{ path: 'provider_order[1]', message: "'mistral' is not a provider entry" }],
  },
  {
    name: 'duplicate in provider_order',
    input: config({ provider_order: ['openai', 'anthropic', 'openai'] }, { anthropic: { api_key: 'k', fallback_models: ['m'] } }),
    issues: [{ path: 'provider_order[2]', message: "'openai' is listed more than once" }],
  },
  { name: 'max_attempts 0', input: config({ retry: { max_attempts: 0 } }), issues: [{ path: 'retry.max_attempts', message: 'must be >= 1' }] },
  {
    name: 'max_attempts not an integer',
    input: config({ retry: { max_attempts: 1.5 } }),
    issues: [{ path: 'retry.max_attempts', message: 'expected an integer, received number' }],
  },
  {
    name: 'an infinite delay (YAML .inf)',
    input: 'active_provider: openai\nproviders:\n  openai: { api_key: k, fallback_models: [m] }\nretry:\n  max_delay_ms: .inf\n',
    issues: [{ path: 'retry.max_delay_ms', message: 'expected a finite number' }],
  },
  {
    name: 'an empty provider entry and an empty provider name',
    input: 'active_provider: openai\nproviders:\n  openai:\n  "": { api_key: k, fallback_models: [m] }\n',
    issues: [
      { path: 'providers.openai', message: 'expected object, received null' },
      { path: 'providers[""]', message: 'invalid key: a provider name must not be empty' },
    ],
  },
  {
    name: 'max_delay_ms below initial_delay_ms',
    input: config({ retry: { initial_delay_ms: 1000, max_delay_ms: 10 } }),
    issues: [{ path: 'retry.max_delay_ms', message: 'must be at least initial_delay_ms' }],
  },
  {
    name: 'negative price',
    input: config({ cost_tracking: { pricing: { openai: { 'my-model': { input: -1, output: 2 } } } } }),
    issues: [{ path: 'cost_tracking.pricing.openai.my-model.input', message: 'must be a non-negative number' }],
  },
  {
    name: 'price missing output, model id with dots',
    input: config({ cost_tracking: { pricing: { bedrock: { 'anthropic.claude-3-haiku': { input: 1 } } } } }),
    issues: [{ path: 'cost_tracking.pricing.bedrock["anthropic.claude-3-haiku"].output', message: 'required' }],
  },
  {
    name: 'pricing key that is neither an entry nor a type',
    input: config({ cost_tracking: { pricing: { mistral: { m: { input: 1, output: 1 } } } } }),
    issues: [{ path: 'cost_tracking.pricing.mistral', message: "'mistral' is neither a provider entry (openai) nor a provider type" }],
  },
  {
    name: 'max_records_in_memory of 0',
    input: config({ cost_tracking: { max_records_in_memory: 0 } }),
    issues: [{ path: 'cost_tracking.max_records_in_memory', message: 'must be >= 1' }],
  },
  {
    name: 'unknown sink type',
    input: config({ cost_tracking: { sinks: [{ type: 'parquet', path: './x' }] } }),
    issues: [{ path: 'cost_tracking.sinks[0].type', message: 'must be one of csv, jsonl' }],
  },
  {
    name: 'YAML syntax error',
    input: 'active_provider: openai\nproviders:\n  openai: [unclosed\n  anthropic: {}\n',
    issues: [{ path: '', message: /^YAML syntax error at line \d+, column \d+: / }],
  },
  {
    name: 'unquoted ${VAR} in a YAML flow mapping',
    input: 'active_provider: openai\nproviders:\n  openai: { api_key: ${OPENAI_API_KEY}, fallback_models: [m] }\n',
    issues: [{ path: '', message: /^YAML syntax error at line 3, column 23: .*quote references: "\$\{VAR\}"/ }],
  },
  { name: 'a YAML list, not a mapping', input: '- openai\n- anthropic\n', issues: [{ path: '', message: 'expected object, received array' }] },
  { name: 'an empty file', input: '# nothing here\n', issues: [{ path: '', message: 'the config file is empty' }] },
  {
    name: 'unset ${VAR} in base_url',
    input: config({}, { openai: { ...openai, base_url: '${OPENAI_BASE_URL}' } }),
    issues: [{ path: 'providers.openai.base_url', message: 'environment variable OPENAI_BASE_URL is not set' }],
  },
  {
    name: 'malformed ${VAR} reference',
    input: config({}, { openai: { ...openai, base_url: 'https://${HOST' } }),
    issues: [{ path: 'providers.openai.base_url', message: 'malformed variable reference' }],
  },
  {
    name: 'active provider key empty, no fallback',
    input: config({}, { openai: { ...openai, api_key: '${OPENAI_API_KEY}' }, anthropic: { api_key: 'k', fallback_models: ['m'] } }),
    env: { OPENAI_API_KEY: '' },
    issues: [
      {
        path: 'active_provider',
        message: "the active provider 'openai' is unavailable (environment variable OPENAI_API_KEY (api_key) is empty) and cross_provider_fallback is off",
      },
    ],
  },
  {
    name: 'active provider key unset, cross-provider fallback on but nothing else available',
    input: config(
      { cross_provider_fallback: true },
      { openai: { ...openai, api_key: '${OPENAI_API_KEY}' }, anthropic: { fallback_models: ['m'] } },
    ),
    issues: [{ path: 'active_provider', message: 'OPENAI_API_KEY (api_key) is not set) and no other provider is available' }],
  },
  {
    name: 'several problems at once',
    input: {
      active_provider: 'nope',
      provider_order: ['ghost'],
      providers: {
        openai: { api_key: 'sk-test', fallback_models: [], colour: 'red' },
        bedrock: { fallback_models: ['m'], base_url: '${BEDROCK_URL}' },
      },
      retry: { max_attempts: 0 },
      cost_tracking: { sinks: [{ type: 'xml', path: 'x' }] },
      extra: true,
    },
    issues: [
      { path: 'providers.bedrock.base_url', message: 'environment variable BEDROCK_URL is not set' },
      { path: 'providers.openai.fallback_models', message: 'must have at least 1 model' },
      { path: 'providers.openai.colour', message: 'unknown key' },
      { path: 'retry.max_attempts', message: 'must be >= 1' },
      { path: 'cost_tracking.sinks[0].type', message: 'must be one of csv, jsonl' },
      { path: 'extra', message: 'unknown key' },
      { path: 'providers.bedrock.region', message: 'required for provider type bedrock' },
      { path: 'active_provider', message: "'nope' is not a provider entry" },
      { path: 'provider_order[0]', message: "'ghost' is not a provider entry" },
    ],
  },
];

function load(input: BadConfig['input'], env: Record<string, string> = {}) {
  return loadConfig(typeof input === 'string' ? writeTempFile(input) : (input as unknown as ConfigInput), { env });
}

describe('loadConfig rejects bad configs with every issue and its path', () => {
  it.each(badConfigs)('$name', ({ input, env, issues }) => {
    const error = expectConfigurationError(() => load(input, env));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(issues.map((issue) => issue.path).sort());
    for (const expected of issues) {
      const found = error.issues.filter((issue) => issue.path === expected.path);
      const matches = found.some((issue) =>
        typeof expected.message === 'string' ? issue.message.includes(expected.message) : expected.message.test(issue.message),
      );
      expect(matches, `${expected.path}: ${String(expected.message)} in ${JSON.stringify(found)}`).toBe(true);
    }
    // The error's own message lists every issue, so a log line shows them all.
    for (const issue of error.issues) expect(error.message).toContain(issue.message);
  });

  it('has at least 20 cases', () => {
    expect(badConfigs.length).toBeGreaterThanOrEqual(20);
  });

  it('reports a missing file with its path and the reason', () => {
    const path = '/nonexistent/llm-orchestrator/config.yaml';
    const error = expectConfigurationError(() => loadConfig(path, { env: {} }));
    expect(error.issues).toEqual([{ path: '', message: `cannot read the config file ${path}: no such file` }]);
  });

  it('reports a directory given as the config file', () => {
    const directory = writeTempFile('x: 1').replace(/\/config\.yaml$/, '');
    const error = expectConfigurationError(() => loadConfig(directory, { env: {} }));
    expect(error.issues[0]?.message).toContain('it is a directory');
  });

  it('names the file in the error message of a YAML file', () => {
    const path = writeTempFile('active_provider: openai\nproviders: {}\n');
    const error = expectConfigurationError(() => loadConfig(path, { env: {} }));
    expect(error.message).toContain(`Invalid configuration in ${path}:`);
  });
});
