import type { ProviderError } from '../errors/provider-error.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Attempt } from '../spec/chat-response.js';
import type { CallScope } from './call-scope.js';

/** The state of one call across its attempts. */
export class RequestContext {
  readonly attempts: Attempt[] = [];
  readonly errors: ProviderError[] = [];
  readonly startedAt = performance.now();
  /** Sum of the attempts' costs; `null` once an attempt had usage with no price. */
  cost: number | null = 0;
  attemptCount = 0;
  /** Whether a listener was handed {@link requestId} (an `attempt` event) before the first record. */
  requestIdShown = false;

  constructor(
    readonly requestId: string,
    readonly request: ChatRequest,
    readonly scope: CallScope,
  ) {}

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }
}
