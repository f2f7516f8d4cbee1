import type { ProviderError } from '../errors/provider-error.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/** How one attempt ended. */
export type AttemptStatus = 'ok' | 'error' | 'interrupted' | 'aborted';

/** One attempt of a call: a model tried once. `attempt` counts from 1 across the whole call. */
export interface Attempt {
  attempt: number;
  provider: string;
  model: string;
  status: AttemptStatus;
  error?: ProviderError;
  latencyMs: number;
}

/** The answer to a call. */
export interface ChatResponse {
  content: string;
  /** The provider entry that answered. */
  provider: string;
  /** The model that answered (the id the request used). */
  model: string;
  /** Usage of the answering attempt. */
  usage: Usage;
  /** USD for the whole call (all attempts); `null` when any attempt used a model with no price. */
  cost: number | null;
  finishReason: FinishReason;
  attempts: Attempt[];
  latencyMs: number;
  requestId: string;
}

/** One piece of streamed text. `text` is never empty. */
export interface StreamChunk {
  text: string;
  provider: string;
  model: string;
}

/** What {@link LLMOrchestrator.stream} returns: iterate it, then await `response`. */
export type ChatStream = AsyncIterable<StreamChunk> & {
  /** Resolves after the stream completed; rejects with the stream's error if it failed. */
  response: Promise<ChatResponse>;
};
