import type { Usage } from '../spec/usage.js';
import { hasErrorName, OrchestratorError } from './orchestrator-error.js';

/**
 * A stream failed after its first text reached the caller, so it could not fall back.
 * Carries the text delivered so far and the attempt's usage (estimated if the provider sent none).
 */
export class StreamInterruptedError extends OrchestratorError {
  readonly partialText: string;
  readonly usage: Usage;
  readonly provider: string;
  readonly model: string;

  constructor(options: { partialText: string; usage: Usage; provider: string; model: string; cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`Stream from ${options.provider}/${options.model} interrupted after ${options.partialText.length} characters: ${reason}`, {
      cause: options.cause,
    });
    this.name = 'StreamInterruptedError';
    this.partialText = options.partialText;
    this.usage = options.usage;
    this.provider = options.provider;
    this.model = options.model;
  }

  static override isInstance(error: unknown): error is StreamInterruptedError {
    return hasErrorName(error, 'StreamInterruptedError');
  }
}
