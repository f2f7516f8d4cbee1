import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { ProviderResult } from '../../src/spec/provider-result.js';
import { createUsage } from '../../src/spec/usage.js';
import { twoProviderConfig } from '../support/orchestrator-fixture.js';
import { ScriptedProvider } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const usage = createUsage({ inputTokens: 1, outputTokens: 1 });

/** A provider whose sends answer only when the test says so, in order. */
class HeldProvider extends ScriptedProvider {
  readonly #waiting: (() => void)[] = [];

  override doSend(): Promise<ProviderResult> {
    return new Promise((resolve) => {
      this.#waiting.push(() => resolve({ content: 'done', finishReason: 'stop', usage }));
    });
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  answerOne(): void {
    this.#waiting.shift()?.();
  }
}

/** Whether `promise` settled by now (after the microtasks and timers already due). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

function orchestratorOver(a: ScriptedProvider): LLMOrchestrator {
  return new LLMOrchestrator(twoProviderConfig(), { providers: { a, b: new ScriptedProvider('b') }, logger: { warn() {} } });
}

describe('send(), a plain method', () => {
  it('rejects a bad request (never throws), also when called without its object', async () => {
    const orch = orchestratorOver(new ScriptedProvider('a'));
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = orch.send({ messages: [] });
    }).not.toThrow();
    await expect(returned).rejects.toBeInstanceOf(ConfigurationError);
    const { send } = orch;
    let detached: Promise<unknown> | undefined;
    expect(() => {
      detached = send({ messages } as ChatRequest);
    }).not.toThrow();
    await expect(detached).rejects.toBeInstanceOf(TypeError);
  });
});

describe('close() and the calls in flight', () => {
  it('waits for every send, also one started while it waits, and returns the same promise each time', async () => {
    const a = new HeldProvider('a');
    const orch = orchestratorOver(a);
    const first = orch.send({ messages });
    const closing = orch.close();
    expect(orch.close()).toBe(closing);
    const second = orch.send({ messages });
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.waiting).toBe(2);
    a.answerOne();
    await first;
    expect(await settled(closing)).toBe(false);
    a.answerOne();
    await second;
    await closing;
    expect(orch.tracker.records()).toHaveLength(2);
  });

  it('waits for a stream from its first read until its response settles', async () => {
    const a = new ScriptedProvider('a', {
      a1: [{ stream: [{ type: 'text-delta', text: 'one' }, { type: 'usage', usage }, { type: 'finish', finishReason: 'stop' }] }],
    });
    const orch = orchestratorOver(a);
    const stream = orch.stream({ messages });
    const iterator = stream[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ done: false, value: { text: 'one' } });
    const closing = orch.close();
    expect(await settled(closing)).toBe(false);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
    await stream.response;
    await closing;
    expect(orch.tracker.records()).toMatchObject([{ status: 'ok' }]);
  });

  it('still ends when releasing the call throws (a signal-like object whose removeEventListener throws)', async () => {
    const orch = orchestratorOver(new ScriptedProvider('a', { a1: [{ send: { content: 'one', finishReason: 'stop', usage } }] }));
    const real = new AbortController().signal;
    const signal = {
      aborted: false,
      reason: undefined,
      addEventListener: real.addEventListener.bind(real),
      removeEventListener() {
        throw new Error('cannot remove');
      },
    } as unknown as AbortSignal;
    await expect(orch.send({ messages, signal })).rejects.toThrow('cannot remove');
    await expect(orch.close()).resolves.toBeUndefined();
  });
});
