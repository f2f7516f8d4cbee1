import { describe, expect, it } from 'vitest';
import { formatIssuePath } from '../../src/config/format-zod-issues.js';
import { resolveEnv } from '../../src/config/resolve-env.js';

describe('resolveEnv', () => {
  it('replaces references in nested strings and leaves keys and other values alone', () => {
    const input = { '${KEY}': 'x', list: ['${A}', 1, true, null], nested: { value: 'pre-${A}-post' } };
    expect(resolveEnv(input, { A: 'alpha', KEY: 'k' })).toEqual({
      value: { '${KEY}': 'x', list: ['alpha', 1, true, null], nested: { value: 'pre-alpha-post' } },
      issues: [],
      credentialGaps: [],
    });
  });

  it('uses a :- default when the variable is unset or empty, and keeps an empty variable elsewhere', () => {
    const { value, issues } = resolveEnv({ a: '${UNSET:-one}', b: '${EMPTY:-two}', c: '${EMPTY}', d: '${SET:-three}' }, { EMPTY: '', SET: 'set' });
    expect(value).toEqual({ a: 'one', b: 'two', c: '', d: 'set' });
    expect(issues).toEqual([]);
  });

  it('writes $${ as a literal ${', () => {
    expect(resolveEnv('cost $${NOT_A_VAR} and ${A}', { A: 'a' }).value).toBe('cost ${NOT_A_VAR} and a');
  });

  it('reports an unset variable outside credentials at its path, naming it', () => {
    const { issues } = resolveEnv({ providers: { openai: { fallback_models: ['${MODEL}'] } } }, {});
    expect(issues).toEqual([
      { segments: ['providers', 'openai', 'fallback_models', 0], path: 'providers.openai.fallback_models[0]', message: 'environment variable MODEL is not set' },
    ]);
  });

  it('reports malformed references', () => {
    for (const text of ['${', '${}', '${1ABC}', '${A-B}', 'x ${OPEN']) {
      expect(resolveEnv({ base: text }, {}).issues.map((issue) => issue.message)).toEqual([
        'malformed variable reference: write ${NAME} or ${NAME:-default} (and $${ for a literal ${)',
      ]);
    }
  });

  it('turns an unset or empty credential variable into a gap, not an issue', () => {
    const input = {
      providers: {
        openai: { api_key: '${OPENAI_API_KEY}' },
        bedrock: { aws_access_key_id: '${ID}', aws_secret_access_key: 'literal-${SECRET}', aws_session_token: '${TOKEN:-}' },
      },
    };
    const { value, issues, credentialGaps } = resolveEnv(input, { OPENAI_API_KEY: '', ID: 'AKIA' });
    expect(issues).toEqual([]);
    expect(credentialGaps).toEqual([
      { provider: 'openai', field: 'api_key', variable: 'OPENAI_API_KEY', state: 'empty' },
      { provider: 'bedrock', field: 'aws_secret_access_key', variable: 'SECRET', state: 'unset' },
    ]);
    expect(value).toEqual({
      providers: {
        openai: { api_key: '${OPENAI_API_KEY}' },
        bedrock: { aws_access_key_id: 'AKIA', aws_secret_access_key: 'literal-${SECRET}', aws_session_token: '' },
      },
    });
  });

  it('treats api_key outside a provider entry as an ordinary string', () => {
    expect(resolveEnv({ api_key: '${KEY}' }, {}).issues).toHaveLength(1);
  });
});

describe('formatIssuePath', () => {
  it.each([
    [[], ''],
    [['providers', 'openai', 'fallback_models', 1], 'providers.openai.fallback_models[1]'],
    [['providers', 'my-openai', 'api_key'], 'providers.my-openai.api_key'],
    [['cost_tracking', 'pricing', 'bedrock', 'anthropic.claude-v2', 'input'], 'cost_tracking.pricing.bedrock["anthropic.claude-v2"].input'],
    [['providers', ''], 'providers[""]'],
    [[0, 'a'], '[0].a'],
  ] as const)('%j -> %s', (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });
});
