import { ProviderError, type ProviderErrorOptions } from '../../src/errors/provider-error.js';
import type { BaseLLMProvider } from '../../src/spec/base-llm-provider.js';
import type { ProviderRequest } from '../../src/spec/provider-request.js';
import type { ProviderResult } from '../../src/spec/provider-result.js';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import { createUsage, type Usage } from '../../src/spec/usage.js';

/** Mulberry32: a small seeded PRNG (uniform in [0, 1)), so a soak run can be replayed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type FailureKind = Extract<ProviderErrorOptions['kind'], 'server' | 'rate_limit' | 'network'>;
const failureKinds: readonly FailureKind[] = ['server', 'rate_limit', 'network'];

/**
 * A provider that fails at random (seeded): server, rate-limit and network errors before an
 * answer, and in streams before or after the first text, with or without a usage event first;
 * some calls are slow and end only by their signal or a short timer. It counts every call that
 * reached it, per model: the ledger must hold exactly that many records.
 */
export class FaultyProvider implements BaseLLMProvider {
  readonly type = 'faulty';
  /** Calls served (attempts that reached this adapter), by model. */
  readonly served = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly random: () => number,
    /** Share of calls that fail before any text; streams fail after their first text half as often again. */
    private readonly failureRate = 0.2,
  ) {}

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    this.#count(request.model);
    const roll = this.random();
    await this.#maybeSlow(request);
    if (roll < this.failureRate) throw this.#failure(request.model, this.#pickKind());
    return { content: 'an answer', finishReason: 'stop', usage: this.#usage() };
  }

  /** Not a generator itself: the call counts as served the moment the orchestrator makes it. */
  doStream(request: ProviderRequest): AsyncIterable<ProviderStreamEvent> {
    this.#count(request.model);
    return this.#stream(request, this.random());
  }

  async listModels(): Promise<string[]> {
    return [];
  }

  async validateModel(): Promise<boolean> {
    return true;
  }

  async *#stream(request: ProviderRequest, roll: number): AsyncGenerator<ProviderStreamEvent> {
    await this.#maybeSlow(request);
    const rate = this.failureRate;
    if (roll < rate) throw this.#failure(request.model, this.#pickKind());
    const pieces = 1 + Math.floor(this.random() * 6);
    // A further rate/2 of streams fail after their first text; half of those report usage first.
    const failAfterText = roll < rate * 1.5;
    const usageFirst = failAfterText && roll >= rate * 1.25;
    for (let index = 0; index < pieces; index += 1) {
      if (request.signal.aborted) throw this.#failure(request.model, 'aborted');
      yield { type: 'text-delta', text: `piece ${index} ` };
      if (this.random() < 0.2) await new Promise((resolve) => setImmediate(resolve));
      if (failAfterText && index === 0) {
        if (usageFirst) yield { type: 'usage', usage: this.#usage() };
        throw this.#failure(request.model, this.#pickKind());
      }
    }
    yield { type: 'usage', usage: this.#usage() };
    yield { type: 'finish', finishReason: 'stop' };
  }

  #count(model: string): void {
    this.served.set(model, (this.served.get(model) ?? 0) + 1);
  }

  #pickKind(): FailureKind {
    return failureKinds[Math.floor(this.random() * failureKinds.length)] ?? 'server';
  }

  #usage(): Usage {
    const inputTokens = 10 + Math.floor(this.random() * 5_000);
    const cacheReadTokens = this.random() < 0.3 ? Math.floor(inputTokens / 3) : 0;
    return createUsage({ inputTokens, cacheReadTokens, outputTokens: 1 + Math.floor(this.random() * 900) });
  }

  /** One call in ten waits a few milliseconds, or until its signal aborts (then fails as aborted). */
  async #maybeSlow(request: ProviderRequest): Promise<void> {
    if (this.random() >= 0.1) return;
    const delay = 1 + Math.floor(this.random() * 6);
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.#failure(request.model, 'aborted'));
      };
      const timer = setTimeout(() => {
        request.signal.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      if (request.signal.aborted) onAbort();
      else request.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #failure(model: string, kind: ProviderErrorOptions['kind']): ProviderError {
    return new ProviderError({
      provider: this.name,
      model,
      kind,
      message: `injected ${kind}`,
      ...(kind === 'rate_limit' ? { status: 429, retryAfterMs: 1 } : {}),
      ...(kind === 'server' ? { status: 503 } : {}),
    });
  }
}
