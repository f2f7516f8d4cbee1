import { ProviderError, type ProviderErrorOptions } from '../../src/errors/provider-error.js';
import type { BaseLLMProvider } from '../../src/spec/base-llm-provider.js';
import type { ProviderRequest } from '../../src/spec/provider-request.js';
import type { ProviderResult } from '../../src/spec/provider-result.js';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import { createUsage } from '../../src/spec/usage.js';

/** One scripted step of a stream: an event, a failure, or a wait until the request is aborted. */
export type StreamStep = ProviderStreamEvent | { type: 'throw'; error: Partial<ProviderErrorOptions> } | { type: 'hang' };

/** What a scripted model does on one call. */
export type Script =
  | { send: ProviderResult }
  | { fail: Partial<ProviderErrorOptions> & { kind: ProviderErrorOptions['kind'] } }
  | { hang: true; ignoreSignal?: boolean }
  | { stream: StreamStep[] };

/**
 * A provider that plays scripts per model, in order, and records every request it served. It
 * stands in for a provider so the orchestrator's own logic (chain, retries, commit boundary,
 * ledger) can be tested; the real adapters are tested against their wire formats elsewhere.
 */
export class ScriptedProvider implements BaseLLMProvider {
  readonly type = 'scripted';
  readonly calls: Array<{ model: string; request: ProviderRequest; kind: 'send' | 'stream' }> = [];
  readonly closed: string[] = [];
  readonly #scripts = new Map<string, Script[]>();

  constructor(
    readonly name: string,
    scripts: Record<string, Script[]> = {},
    readonly models: string[] = [],
  ) {
    for (const [model, list] of Object.entries(scripts)) this.#scripts.set(model, [...list]);
  }

  script(model: string, ...scripts: Script[]): this {
    this.#scripts.set(model, [...(this.#scripts.get(model) ?? []), ...scripts]);
    return this;
  }

  #next(model: string): Script {
    const script = this.#scripts.get(model)?.shift();
    if (!script) throw new Error(`no script left for ${this.name}/${model}`);
    return script;
  }

  #error(model: string, options: Partial<ProviderErrorOptions>): ProviderError {
    return new ProviderError({ provider: this.name, model, kind: 'server', message: `scripted ${options.kind ?? 'server'}`, ...options });
  }

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    this.calls.push({ model: request.model, request, kind: 'send' });
    const script = this.#next(request.model);
    if ('send' in script) return script.send;
    if ('fail' in script) throw this.#error(request.model, script.fail);
    if ('hang' in script) {
      return new Promise((_, reject) => {
        if (script.ignoreSignal) return;
        request.signal.addEventListener('abort', () => reject(this.#error(request.model, { kind: 'aborted' })), { once: true });
      });
    }
    throw new Error('a stream script was given to send');
  }

  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    this.calls.push({ model: request.model, request, kind: 'stream' });
    const script = this.#next(request.model);
    if ('fail' in script) throw this.#error(request.model, script.fail);
    if (!('stream' in script)) throw new Error('a send script was given to stream');
    try {
      for (const step of script.stream) {
        if (step.type === 'throw') throw this.#error(request.model, step.error);
        if (step.type === 'hang') {
          await new Promise((_, reject) =>
            request.signal.addEventListener('abort', () => reject(this.#error(request.model, { kind: 'aborted' })), { once: true }),
          );
        }
        if (request.signal.aborted) throw this.#error(request.model, { kind: 'aborted' });
        yield step as ProviderStreamEvent;
      }
    } finally {
      if (request.signal.aborted) this.closed.push(request.model);
    }
  }

  async listModels(): Promise<string[]> {
    return this.models;
  }

  async validateModel(model: string): Promise<boolean> {
    return this.models.includes(model);
  }
}

/** A successful send result. */
export function answer(content: string, inputTokens = 10, outputTokens = 5): Script {
  return { send: { content, finishReason: 'stop', usage: createUsage({ inputTokens, outputTokens }) } };
}

/** A complete stream of the given pieces. */
export function streamOf(pieces: string[], usage = createUsage({ inputTokens: 10, outputTokens: pieces.length })): Script {
  return {
    stream: [...pieces.map((text) => ({ type: 'text-delta' as const, text })), { type: 'usage', usage }, { type: 'finish', finishReason: 'stop' }],
  };
}
