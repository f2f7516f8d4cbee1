import type { ChatMessage } from './chat-request.js';

/** What the orchestrator hands an adapter for one attempt. */
export interface ProviderRequest {
  /** The model id to call, as the provider knows it. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  /**
   * Aborts the attempt: the caller's signal, the call's deadline, or a consumer that stopped
   * reading a stream. Adapters pass it to the SDK and report the abort as kind `aborted`.
   */
  signal: AbortSignal;
  /**
   * `true` when {@link signal} belongs to this attempt alone: the orchestrator created it for
   * this attempt and aborts it itself whenever the attempt ends before its natural end (a
   * failure, a deadline, a stream consumer that stopped reading). An adapter may then hand it
   * to its SDK as it is: a listener the SDK leaves on it goes away with the attempt, and the
   * adapter need not abort the HTTP request itself when left early. Absent or `false` (a call
   * outside the orchestrator, a caller's long-lived signal): assume neither.
   * @default false
   */
  signalPerAttempt?: boolean;
  /**
   * `true` when nothing will ever abort {@link signal} (a `send` with neither a caller's signal
   * nor a deadline): an adapter may leave the signal out of its SDK call, which spares the SDK's
   * abort bookkeeping. `signal` is then made when it is first read, so an adapter that honours
   * this flag should not read it.
   * @default false
   */
  signalNeverAborts?: boolean;
  /** Extra fields for this provider's request body (already picked for this provider). */
  providerOptions?: Record<string, unknown>;
}
