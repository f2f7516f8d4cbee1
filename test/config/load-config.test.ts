import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config-input.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Secret } from '../../src/config/secret.js';
import { expectConfigurationError, removeTempFiles, writeTempFile } from './config-test-helpers.js';

afterAll(removeTempFiles);

// API.md's example, with real URLs and the flow-mapping references quoted (unquoted `${VAR}`
// inside `{ }` is a YAML syntax error).
const apiExample = `
active_provider: openai            # the provider tried first
active_model: gpt-4o-mini          # its first model (default: first of its fallback_models)
cross_provider_fallback: false     # true: after the active provider's chain, try the others
provider_order: [openai, anthropic, gemini]   # order for cross-provider fallback (default: file order)
providers:
  openai:
    api_key: \${OPENAI_API_KEY}     # \${VAR} resolves from the environment
    fallback_models: [gpt-4o-mini, gpt-4o]
    base_url: https://llm.example.com/v1
  together:                        # a second instance of a known type
    type: openai
    base_url: https://api.together.xyz/v1
    api_key: \${TOGETHER_API_KEY}
    fallback_models: [meta-llama/Llama-3.3-70B-Instruct-Turbo]
  anthropic: { api_key: "\${ANTHROPIC_API_KEY}", fallback_models: [claude-3-5-haiku-latest] }
  gemini:    { api_key: "\${GEMINI_API_KEY}", fallback_models: [gemini-2.5-flash] }
  bedrock:   { region: us-east-1, fallback_models: [anthropic.claude-3-haiku-20240307-v1:0] }
  vertex:    { project_id: my-project, location: us-central1, fallback_models: [gemini-2.5-flash] }
retry:
  max_attempts: 2                  # per model, for retryable errors
cost_tracking:
  enabled: true
  log_path: ./llm_costs.jsonl      # the JSONL ledger
  sinks: [{ type: csv, path: ./llm_costs.csv }]
  pricing:                         # per 1M tokens; overrides the built-in prices
    openai: { my-finetune: { input: 0.3, output: 1.2 } }
`;

const secrets = {
  OPENAI_API_KEY: 'sk-openai-SECRET-1111',
  TOGETHER_API_KEY: 'tg-SECRET-2222',
  ANTHROPIC_API_KEY: 'sk-ant-SECRET-3333',
  GEMINI_API_KEY: 'AIza-SECRET-4444',
};

function expectNoSecret(text: string, values: string[] = Object.values(secrets)): void {
  for (const value of values) expect(text).not.toContain(value);
}

describe('loadConfig: good configs', () => {
  it("normalizes API.md's full example", () => {
    const { config, warnings } = loadConfig(writeTempFile(apiExample), { env: secrets, baseDirectory: '/srv/app' });
    expect(warnings).toEqual([]);
    expect(config.providers.openai?.apiKey?.reveal()).toBe(secrets.OPENAI_API_KEY);
    expect(config.providers.gemini?.apiKey?.reveal()).toBe(secrets.GEMINI_API_KEY);
    expect(JSON.parse(JSON.stringify(config))).toMatchInlineSnapshot(`
      {
        "activeModel": "gpt-4o-mini",
        "activeProvider": "openai",
        "circuitBreaker": {
          "cooldownMs": 30000,
          "enabled": true,
          "failureThreshold": 5,
        },
        "costTracking": {
          "enabled": true,
          "ledgerIndex": true,
          "logPath": "/srv/app/llm_costs.jsonl",
          "pricing": {
            "openai": {
              "my-finetune": {
                "input": 0.3,
                "output": 1.2,
              },
            },
          },
          "sinks": [
            {
              "path": "/srv/app/llm_costs.csv",
              "type": "csv",
            },
          ],
        },
        "crossProviderFallback": false,
        "providerOrder": [
          "openai",
          "anthropic",
          "gemini",
          "together",
          "bedrock",
          "vertex",
        ],
        "providers": {
          "anthropic": {
            "apiKey": "[redacted]",
            "available": true,
            "fallbackModels": [
              "claude-3-5-haiku-latest",
            ],
            "name": "anthropic",
            "type": "anthropic",
          },
          "bedrock": {
            "available": true,
            "fallbackModels": [
              "anthropic.claude-3-haiku-20240307-v1:0",
            ],
            "name": "bedrock",
            "region": "us-east-1",
            "type": "bedrock",
          },
          "gemini": {
            "apiKey": "[redacted]",
            "available": true,
            "fallbackModels": [
              "gemini-2.5-flash",
            ],
            "name": "gemini",
            "sdk": "generative-ai",
            "type": "gemini",
          },
          "openai": {
            "apiKey": "[redacted]",
            "available": true,
            "baseUrl": "https://llm.example.com/v1",
            "fallbackModels": [
              "gpt-4o-mini",
              "gpt-4o",
            ],
            "name": "openai",
            "type": "openai",
          },
          "together": {
            "apiKey": "[redacted]",
            "available": true,
            "baseUrl": "https://api.together.xyz/v1",
            "fallbackModels": [
              "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            ],
            "name": "together",
            "type": "openai",
          },
          "vertex": {
            "available": true,
            "fallbackModels": [
              "gemini-2.5-flash",
            ],
            "location": "us-central1",
            "name": "vertex",
            "projectId": "my-project",
            "sdk": "vertexai",
            "type": "vertex",
          },
        },
        "retry": {
          "initialDelayMs": 500,
          "maxAttempts": 2,
          "maxDelayMs": 8000,
          "maxRetryAfterMs": 30000,
          "maxTotalAttempts": 6,
        },
        "timeouts": {},
      }
    `);
  });

  it('applies the defaults to a minimal object config', () => {
    const { config, warnings } = loadConfig({ active_provider: 'anthropic', providers: { anthropic: { api_key: 'k', fallback_models: ['claude-a', 'claude-b'] } } }, { env: {} });
    expect(warnings).toEqual([]);
    expect(config.activeModel).toBe('claude-a');
    expect(config.crossProviderFallback).toBe(false);
    expect(config.providerOrder).toEqual(['anthropic']);
    expect(config.retry).toEqual({ maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30_000, maxTotalAttempts: 6 });
    expect(config.costTracking).toEqual({ enabled: true, sinks: [], pricing: {}, ledgerIndex: true });
    expect(config.costTracking).not.toHaveProperty('logPath');
  });

  it('passes cost_tracking.max_records_in_memory on as maxRecordsInMemory', () => {
    const { config } = loadConfig(
      { active_provider: 'anthropic', providers: { anthropic: { api_key: 'k', fallback_models: ['claude-a'] } }, cost_tracking: { max_records_in_memory: 50_000 } },
      { env: {} },
    );
    expect(config.costTracking).toEqual({ enabled: true, sinks: [], pricing: {}, maxRecordsInMemory: 50_000, ledgerIndex: true });
  });

  it('marks a provider whose key variable is empty or unset unavailable, with a warning naming the variable', () => {
    const { config, warnings } = loadConfig(
      {
        active_provider: 'openai',
        cross_provider_fallback: true,
        providers: {
          openai: { api_key: '${OPENAI_API_KEY}', fallback_models: ['gpt-4o'] },
          anthropic: { api_key: '${ANTHROPIC_API_KEY}', fallback_models: ['claude'] },
          gemini: { api_key: '${GEMINI_API_KEY}', fallback_models: ['gemini'] },
        },
      },
      { env: { OPENAI_API_KEY: '', GEMINI_API_KEY: secrets.GEMINI_API_KEY } },
    );
    expect(config.providers.openai).toMatchObject({ available: false, unavailableReason: 'environment variable OPENAI_API_KEY (api_key) is empty' });
    expect(config.providers.openai).not.toHaveProperty('apiKey');
    expect(config.providers.anthropic).toMatchObject({ available: false, unavailableReason: 'environment variable ANTHROPIC_API_KEY (api_key) is not set' });
    expect(config.providers.gemini?.available).toBe(true);
    expect(warnings).toEqual([
      { code: 'provider_unavailable', provider: 'openai', message: "Provider 'openai' is unavailable: environment variable OPENAI_API_KEY (api_key) is empty; it is skipped" },
      { code: 'provider_unavailable', provider: 'anthropic', message: "Provider 'anthropic' is unavailable: environment variable ANTHROPIC_API_KEY (api_key) is not set; it is skipped" },
    ]);
  });

  it('marks an entry without api_key unavailable, except an openai entry with a base_url', () => {
    const { config, warnings } = loadConfig(
      {
        active_provider: 'local',
        providers: {
          local: { type: 'openai', base_url: 'http://127.0.0.1:11434/v1', fallback_models: ['llama3'] },
          anthropic: { fallback_models: ['claude'] },
          gemini: { api_key: '', fallback_models: ['gemini'] },
        },
      },
      { env: {} },
    );
    expect(config.providers.local).toMatchObject({ available: true, type: 'openai' });
    expect(config.providers.local).not.toHaveProperty('apiKey');
    expect(config.providers.anthropic).toMatchObject({ available: false, unavailableReason: 'it has no api_key' });
    expect(config.providers.gemini).toMatchObject({ available: false, unavailableReason: 'its api_key is empty' });
    expect(warnings.map((warning) => warning.provider)).toEqual(['anthropic', 'gemini']);
  });

  it('keeps bedrock and vertex available on the credential chain, unless an explicit credential variable is empty', () => {
    const { config, warnings } = loadConfig(
      {
        active_provider: 'bedrock',
        cross_provider_fallback: true,
        providers: {
          bedrock: { region: 'us-east-1', fallback_models: ['m'] },
          'bedrock-keys': {
            type: 'bedrock',
            region: 'eu-west-1',
            fallback_models: ['m'],
            aws_access_key_id: '${AWS_ACCESS_KEY_ID}',
            aws_secret_access_key: '${AWS_SECRET_ACCESS_KEY}',
            aws_session_token: '${AWS_SESSION_TOKEN:-}',
          },
          vertex: { project_id: 'p', location: 'l', fallback_models: ['m'], credentials_path: 'keys/sa.json' },
        },
      },
      { env: { AWS_ACCESS_KEY_ID: 'AKIA-SECRET' }, baseDirectory: '/srv/app' },
    );
    expect(config.providers.bedrock?.available).toBe(true);
    expect(config.providers['bedrock-keys']).toMatchObject({
      available: false,
      unavailableReason: 'environment variable AWS_SECRET_ACCESS_KEY (aws_secret_access_key) is not set',
    });
    expect(config.providers.vertex).toMatchObject({ available: true, credentialsPath: '/srv/app/keys/sa.json', sdk: 'vertexai' });
    expect(warnings).toHaveLength(1);
    expectNoSecret(JSON.stringify(warnings), ['AKIA-SECRET']);
  });

  it('wraps bedrock credentials in Secret; an empty session token from ${VAR:-} counts as absent', () => {
    const { config } = loadConfig(
      {
        active_provider: 'bedrock',
        providers: {
          bedrock: {
            region: 'us-east-1',
            fallback_models: ['m'],
            aws_access_key_id: '${ID}',
            aws_secret_access_key: '${KEY}',
            aws_session_token: '${TOKEN:-}',
          },
        },
      },
      { env: { ID: 'AKIA-SECRET', KEY: 'aws-SECRET' } },
    );
    const bedrock = config.providers.bedrock;
    expect(bedrock?.available).toBe(true);
    expect(bedrock?.awsAccessKeyId).toBeInstanceOf(Secret);
    expect(bedrock?.awsSecretAccessKey?.reveal()).toBe('aws-SECRET');
    expect(bedrock).not.toHaveProperty('awsSessionToken');
    expectNoSecret(inspect(config, { depth: 10 }), ['AKIA-SECRET', 'aws-SECRET']);
  });

  it('infers the type from the key and takes `type:` for other names', () => {
    const { config } = loadConfig(
      {
        active_provider: 'gemini',
        providers: {
          gemini: { api_key: 'k', fallback_models: ['g'], sdk: 'genai' },
          'vertex-eu': { type: 'vertex', project_id: 'p', location: 'europe-west4', fallback_models: ['g'], sdk: 'genai' },
          anthropic: { api_key: 'k', fallback_models: ['c'] },
        },
      },
      { env: {} },
    );
    expect(Object.values(config.providers).map(({ name, type, sdk }) => ({ name, type, sdk }))).toEqual([
      { name: 'gemini', type: 'gemini', sdk: 'genai' },
      { name: 'vertex-eu', type: 'vertex', sdk: 'genai' },
      { name: 'anthropic', type: 'anthropic', sdk: undefined },
    ]);
  });

  it('puts provider_order first, then the other entries in file order', () => {
    const entry = { api_key: 'k', fallback_models: ['m'] };
    const { config } = loadConfig(
      { active_provider: 'openai', provider_order: ['gemini', 'openai'], providers: { openai: entry, anthropic: entry, gemini: entry, together: { ...entry, type: 'openai' } } },
      { env: {} },
    );
    expect(config.providerOrder).toEqual(['gemini', 'openai', 'anthropic', 'together']);
  });

  it('keeps an active_model that is not in fallback_models', () => {
    const { config } = loadConfig({ active_provider: 'openai', active_model: 'o3', providers: { openai: { api_key: 'k', fallback_models: ['gpt-4o'] } } }, { env: {} });
    expect(config.activeModel).toBe('o3');
    expect(config.providers.openai?.fallbackModels).toEqual(['gpt-4o']);
  });

  it('accepts a pricing key naming a type and keeps the overrides', () => {
    const { config } = loadConfig(
      {
        active_provider: 'together',
        providers: { together: { type: 'openai', api_key: 'k', fallback_models: ['m'] } },
        cost_tracking: { pricing: { openai: { m: { input: 1, output: 2, cache_read: 0.5, cache_write: 0 } }, together: {} } },
      },
      { env: {} },
    );
    expect(config.costTracking.pricing).toEqual({ openai: { m: { input: 1, output: 2, cache_read: 0.5, cache_write: 0 } }, together: {} });
  });

  it('lets an entry served by a custom adapter have any type and no key', () => {
    const input: ConfigInput = { active_provider: 'mistral', providers: { mistral: { type: 'mistral', fallback_models: ['mistral-small'] }, openai: { fallback_models: ['m'] } } };
    const error = expectConfigurationError(() => loadConfig(input, { env: {} }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['providers.mistral.type']);
    const { config } = loadConfig(input, { env: {}, customProviders: ['mistral', 'openai'] });
    expect(config.providers.mistral).toMatchObject({ type: 'mistral', available: true });
    expect(config.providers.openai).toMatchObject({ type: 'openai', available: true });
  });

  it('resolves relative paths against the working directory by default', () => {
    const { config } = loadConfig(
      { active_provider: 'openai', providers: { openai: { api_key: 'k', fallback_models: ['m'] } }, cost_tracking: { log_path: 'ledger.jsonl', sinks: [{ type: 'jsonl', path: '/abs/copy.jsonl' }] } },
      { env: {} },
    );
    expect(config.costTracking.logPath).toBe(join(process.cwd(), 'ledger.jsonl'));
    expect(config.costTracking.sinks).toEqual([{ type: 'jsonl', path: '/abs/copy.jsonl' }]);
  });

  it('does not change the object it is given', () => {
    const input = { active_provider: 'openai', providers: { openai: { api_key: '${KEY}', fallback_models: ['m'] } } };
    const before = structuredClone(input);
    loadConfig(input, { env: { KEY: 'k' } });
    expect(input).toEqual(before);
  });
});

describe('loadConfig: ${VAR} resolution', () => {
  afterEach(() => {
    delete process.env.LLM_ORCHESTRATOR_TEST_KEY;
  });

  it('reads options.env instead of process.env, and process.env without it', () => {
    process.env.LLM_ORCHESTRATOR_TEST_KEY = 'from-process';
    const input: ConfigInput = { active_provider: 'openai', providers: { openai: { api_key: '${LLM_ORCHESTRATOR_TEST_KEY}', fallback_models: ['m'] } } };
    expect(loadConfig(input, { env: { LLM_ORCHESTRATOR_TEST_KEY: 'from-option' } }).config.providers.openai?.apiKey?.reveal()).toBe('from-option');
    expect(loadConfig(input).config.providers.openai?.apiKey?.reveal()).toBe('from-process');
    // An env option without the variable does not fall back to process.env.
    const { config } = loadConfig({ ...input, cross_provider_fallback: true, providers: { ...input.providers, anthropic: { api_key: 'k', fallback_models: ['c'] } } }, { env: {} });
    expect(config.providers.openai?.available).toBe(false);
  });

  it('resolves references in every string, with defaults and the $${ escape', () => {
    const { config } = loadConfig(
      {
        active_provider: '${ACTIVE}',
        active_model: '${MODEL:-gpt-4o-mini}',
        providers: {
          openai: { api_key: 'sk-${ORG}-${SUFFIX}', base_url: 'https://${HOST}/v1', fallback_models: ['${MODEL:-gpt-4o-mini}', 'literal-$${X}'] },
        },
        cost_tracking: { log_path: '/logs/${ACTIVE}.jsonl' },
      },
      { env: { ACTIVE: 'openai', ORG: 'acme', SUFFIX: 'xyz', HOST: 'llm.example.com', MODEL: '' } },
    );
    expect(config.activeProvider).toBe('openai');
    expect(config.activeModel).toBe('gpt-4o-mini');
    expect(config.providers.openai?.apiKey?.reveal()).toBe('sk-acme-xyz');
    expect(config.providers.openai?.baseUrl).toBe('https://llm.example.com/v1');
    expect(config.providers.openai?.fallbackModels).toEqual(['gpt-4o-mini', 'literal-${X}']);
    expect(config.costTracking.logPath).toBe('/logs/openai.jsonl');
  });

  it('keeps literal secrets in the file', () => {
    const path = writeTempFile('active_provider: anthropic\nproviders:\n  anthropic:\n    api_key: sk-ant-literal\n    fallback_models: [c]\n');
    expect(loadConfig(path, { env: {} }).config.providers.anthropic?.apiKey?.reveal()).toBe('sk-ant-literal');
  });
});

describe('loadConfig never reveals a secret', () => {
  it('in JSON.stringify, util.inspect or String of the config', () => {
    const { config } = loadConfig(writeTempFile(apiExample), { env: secrets });
    expectNoSecret(JSON.stringify(config));
    expectNoSecret(inspect(config, { depth: 10 }));
    expectNoSecret(inspect(config, { depth: 10, showHidden: true }));
    expectNoSecret(`${String(config.providers.openai?.apiKey)} ${JSON.stringify(config.providers)}`);
    expect(inspect(config.providers.openai, { depth: 10 })).toContain('[redacted]');
  });

  it('in error messages about a secret field of the wrong type', () => {
    const error = expectConfigurationError(() =>
      loadConfig(
        {
          active_provider: 'openai',
          providers: {
            openai: { api_key: 9876543210 as unknown as string, fallback_models: ['m'] },
            anthropic: { api_key: { value: 'sk-ant-SECRET-3333' } as unknown as string, fallback_models: ['m'] },
            bedrock: { region: 'r', fallback_models: ['m'], aws_secret_access_key: ['aws-SECRET'] as unknown as string },
          },
        },
        { env: {} },
      ),
    );
    expect(error.issues).toContainEqual({ path: 'providers.openai.api_key', message: 'expected string, received number' });
    expect(error.issues).toContainEqual({ path: 'providers.anthropic.api_key', message: 'expected string, received object' });
    expect(error.issues).toContainEqual({ path: 'providers.bedrock.aws_secret_access_key', message: 'expected string, received array' });
    expectNoSecret(`${error.message} ${JSON.stringify(error.issues)} ${inspect(error)}`, ['9876543210', 'sk-ant-SECRET-3333', 'aws-SECRET']);
  });

  it('in error messages when other parts of a config with secrets are bad', () => {
    const error = expectConfigurationError(() =>
      loadConfig(writeTempFile(apiExample.replace('max_attempts: 2', 'max_attempts: 0').replace('enabled: true', 'enabled: "${OPENAI_API_KEY}"')), { env: secrets }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['retry.max_attempts', 'cost_tracking.enabled']);
    expectNoSecret(`${error.message} ${inspect(error)}`);
  });

  it('in YAML syntax errors that would quote the offending token', () => {
    const text = 'active_provider: openai\nproviders:\n  openai: { fallback_models: [m] }\n  ] sk-leaked-SECRET-5555\n';
    const error = expectConfigurationError(() => loadConfig(writeTempFile(text), { env: {} }));
    expect(error.issues[0]?.message).toMatch(/^YAML syntax error at line 4, column \d+/);
    expectNoSecret(`${error.message} ${inspect(error)}`, ['sk-leaked-SECRET-5555']);
  });

  it('in the error for an unavailable active provider', () => {
    const error = expectConfigurationError(() =>
      loadConfig({ active_provider: 'openai', providers: { openai: { api_key: '${EMPTY}', fallback_models: ['m'], base_url: 'https://${HOST}/v1' } } }, { env: { EMPTY: '', HOST: 'sk-host-SECRET' } }),
    );
    expect(error.issues).toEqual([
      { path: 'active_provider', message: "the active provider 'openai' is unavailable (environment variable EMPTY (api_key) is empty) and cross_provider_fallback is off" },
    ]);
    expectNoSecret(error.message, ['sk-host-SECRET']);
  });
});

describe('config.example.yaml', () => {
  const examplePath = join(import.meta.dirname, '..', '..', 'config.example.yaml');
  const env = {
    OPENAI_API_KEY: 'a',
    TOGETHER_API_KEY: 'b',
    ANTHROPIC_API_KEY: 'c',
    GEMINI_API_KEY: 'd',
    AWS_ACCESS_KEY_ID: 'e',
    AWS_SECRET_ACCESS_KEY: 'f',
  };

  it('loads with every provider available and no warnings', () => {
    const { config, warnings } = loadConfig(examplePath, { env });
    expect(warnings).toEqual([]);
    expect(Object.values(config.providers).every((provider) => provider.available)).toBe(true);
    expect(Object.keys(config.providers)).toEqual(['openai', 'together', 'anthropic', 'gemini', 'bedrock', 'vertex']);
  });

  it('documents every key of the schema', async () => {
    const { configSchemaParts, createConfigSchema } = await import('../../src/config/config-schema.js');
    const { costTrackingSchema, modelPriceSchema, providerEntrySchema, retrySchema, timeoutsSchema, circuitBreakerSchema } = configSchemaParts();
    const keys = [createConfigSchema(), costTrackingSchema, modelPriceSchema, providerEntrySchema, retrySchema, timeoutsSchema, circuitBreakerSchema].flatMap((schema) => Object.keys(schema.shape));
    const text = readFileSync(examplePath, 'utf8');
    for (const key of [...keys, 'path']) expect(text, key).toMatch(new RegExp(`(^|[\\s{,])${key}:`, 'm'));
  });
});
