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
  /**
   * `doStream` only. `true` when the orchestrator can end this attempt early only by calling
   * `return()` on the adapter's iterator: the call has no caller signal, no deadline and no
   * stream timeouts, so only a consumer that stops reading ends it early. An adapter may then
   * leave {@link signal} out of its SDK call (which spares the SDK's abort bookkeeping) and read
   * it only once the response has arrived, to stop a body read still waiting when the attempt is
   * left: `signal` is made when first read, already aborted if the attempt was left before. An
   * adapter should not send the request when the attempt was already left. A consumer leaving
   * after the request went out, while the response is on its way, ends it when the response
   * arrives, not before (the provider may bill what it did meanwhile). Implies
   * {@link signalPerAttempt}.
   * @default false
   */
  streamEndsByReturn?: boolean;
  /** Extra fields for this provider's request body (already picked for this provider). */
  providerOptions?: Record<string, unknown>;
}
