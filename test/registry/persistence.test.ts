import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orchestratorOver } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider } from '../support/scripted-provider.js';
import { configWithModels } from './registry-test-helpers.js';

const messages = [{ role: 'user' as const, content: 'hello' }];

function cacheFile(): { directory: string; path: string } {
  const directory = mkdtempSync(join(tmpdir(), 'llm-registry-'));
  return { directory, path: join(directory, 'nested', 'models.json') };
}

describe('models.cache_path', () => {
  it('keeps deprecation marks and lastSeenAt across a restart, but not not_found marks', async () => {
    const { directory, path } = cacheFile();
    const a = new ScriptedProvider(
      'a',
      { a1: [{ fail: { kind: 'not_found', status: 404, message: 'no such model' } }, { fail: { kind: 'not_found', status: 404 } }], a2: [answer('x'), answer('y')] },
      ['a1', 'a2', 'old'],
    );
    const first = orchestratorOver(configWithModels({ cache_path: path }), [a, new ScriptedProvider('b')]);
    await first.orch.listModels('a');
    a.models.splice(a.models.indexOf('old'), 1);
    await first.orch.refreshModels('a');
    await first.orch.send({ messages });
    expect(first.orch.registry.isDeprecated('a', 'a1')).toBe(true);
    const before = first.orch.registry.list('a', { includeDeprecated: true });
    await first.orch.close();

    const saved = JSON.parse(readFileSync(path, 'utf8')) as { version: number; providers: Record<string, unknown> };
    expect(saved.version).toBe(1);
    expect(Object.keys(saved.providers)).toEqual(['a']);
    // Written through a temporary file renamed over the target: nothing else is left behind.
    expect(readdirSync(join(directory, 'nested'))).toEqual(['models.json']);

    const listModels = a.listModels.bind(a);
    let listed = 0;
    a.listModels = async () => {
      listed++;
      return listModels();
    };
    const second = orchestratorOver(configWithModels({ cache_path: path }), [a, new ScriptedProvider('b')]);
    const after = second.orch.registry.list('a', { includeDeprecated: true });
    expect(after.filter((model) => model.id !== 'a1')).toEqual(before.filter((model) => model.id !== 'a1'));
    expect(second.orch.registry.get('a', 'old')).toMatchObject({ deprecated: true, deprecationReason: 'no longer listed by the provider' });
    expect(second.orch.registry.get('a', 'a2')?.lastSeenAt).toBe(before.find((model) => model.id === 'a2')?.lastSeenAt);
    // A 404 may have been a wrong base_url or a passing rollout: a restart gives a1 another try.
    expect(second.orch.registry.isDeprecated('a', 'a1')).toBe(false);
    // The cached list serves listModels without a fetch.
    expect((await second.orch.listModels('a')).map((model) => model.id)).toEqual(['a1', 'a2']);
    expect(listed).toBe(0);
    await expect(second.orch.send({ messages })).resolves.toMatchObject({ model: 'a2' });
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a1', 'a2']);
    await second.orch.close();
  });

  it('lets a not_found mark expire after an hour, so the model gets another try', async () => {
    const { NOT_FOUND_MARK_TTL_MS } = await import('../../src/registry/model-registry.js');
    const { vi } = await import('vitest');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'not_found', status: 404 } }, answer('back')], a2: [answer('x'), answer('y')] });
      const { orch } = orchestratorOver(configWithModels({}), [a, new ScriptedProvider('b')]);
      await orch.send({ messages });
      await orch.send({ messages });
      expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a2']);
      vi.setSystemTime(Date.now() + NOT_FOUND_MARK_TTL_MS);
      await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a1', content: 'back' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts fresh with one warning from a corrupt file, and rewrites it', async () => {
    const { path } = cacheFile();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"version": 1, "providers": {"a": {"listed": true, "models": [{"id": 5}]}}}');
    const a = new ScriptedProvider('a', {}, ['a1']);
    const { orch, named } = orchestratorOver(configWithModels({ cache_path: path }), [a, new ScriptedProvider('b')]);
    await Promise.resolve();
    expect(named('warning')).toEqual([expect.objectContaining({ code: 'model_cache_unreadable', message: expect.stringContaining("malformed entry for provider 'a'") })]);
    expect(orch.registry.hasListed('a')).toBe(false);
    await orch.refreshModels('a');
    await orch.close();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { providers: { a: { models: Array<{ id: string }> } } };
    expect(saved.providers.a.models.map((model) => model.id)).toEqual(['a1']);
  });

  it('treats a file that is not JSON the same way', async () => {
    const { path } = cacheFile();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{ half a file');
    const { orch, named } = orchestratorOver(configWithModels({ cache_path: path }), [new ScriptedProvider('a', { a1: [answer('ok')] }), new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a1' });
    expect(named('warning').map((w) => w.code)).toEqual(['model_cache_unreadable']);
    await orch.close();
  });

  it('reports a failed write as a warning, never as a failed call', async () => {
    const { directory } = cacheFile();
    const blocker = join(directory, 'file');
    writeFileSync(blocker, 'x');
    // A path under a regular file cannot be created.
    const { orch, named } = orchestratorOver(configWithModels({ cache_path: join(blocker, 'models.json') }), [new ScriptedProvider('a', {}, ['a1']), new ScriptedProvider('b')]);
    await expect(orch.refreshModels('a')).resolves.toEqual([expect.objectContaining({ ok: true })]);
    await orch.close();
    // Unreadable at construction (ENOTDIR), unwritable after the refresh: both said, nothing thrown.
    expect(named('warning').map((w) => w.code)).toEqual(['model_cache_unreadable', 'model_cache_failed']);
    expect(orch.registry.list('a').map((model) => model.id)).toEqual(['a1']);
  });
});
