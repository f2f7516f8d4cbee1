import type { ChatRequest } from '../spec/chat-request.js';
import type { ProviderRequest } from '../spec/provider-request.js';
import { type AttemptAbort, attachAttemptAbort, attemptAbortOf } from '../internal/attempt-abort.js';
import type { Candidate } from './candidate.js';

/** The signals {@link signalMadeOnRead} made, by request (kept off the request: it may be frozen, or compared key by key). */
const madeSignals = new WeakMap<object, AbortSignal>();

/** `signal` of a request nothing can abort: an `AbortSignal` made on first read, then kept. */
const signalMadeOnRead: PropertyDescriptor = {
  get(this: ProviderRequest): AbortSignal {
    let signal = madeSignals.get(this);
    if (signal === undefined) {
      signal = new AbortController().signal;
      madeSignals.set(this, signal);
    }
    return signal;
  },
  enumerable: true,
  configurable: true,
};

/** `signal` of a `streamEndsByReturn` request: its attempt's, made on first read. */
const attemptSignal: PropertyDescriptor = {
  get(this: ProviderRequest): AbortSignal {
    return (attemptAbortOf(this) as AttemptAbort).signal;
  },
  enumerable: true,
  configurable: true,
};

/**
 * The adapter's view of a call for one candidate; `providerOptions` picked by entry name, then
 * type. Optional fields are set only when the call has them (assigned, not spread: this runs
 * once per attempt).
 *
 * @param signal the attempt's signal; `undefined` when nothing can abort the attempt: `signal`
 *   is then an `AbortSignal` made on first read (most adapters told `signalNeverAborts` never
 *   read it, and an `AbortController` costs microseconds), with `signalNeverAborts` set. A
 *   stream attempt that only its consumer can end early passes its {@link AttemptAbort}:
 *   `signal` is then its signal, made on first read, with `streamEndsByReturn` set.
 * @param signalPerAttempt `signal` was created for this attempt alone and is aborted by the
 *   orchestrator whenever the attempt ends early (see `ProviderRequest.signalPerAttempt`).
 */
export function providerRequestFor(
  request: ChatRequest,
  candidate: Candidate,
  providerType: string,
  signal: AbortSignal | AttemptAbort | undefined,
  signalPerAttempt = false,
): ProviderRequest {
  const providerOptions = request.providerOptions?.[candidate.provider] ?? request.providerOptions?.[providerType];
  let providerRequest: ProviderRequest;
  if (signal instanceof AbortSignal) providerRequest = { model: candidate.model, messages: request.messages, signal };
  else {
    // `signal` is an own, enumerable accessor (a spread copy of the request still has it),
    // defined from a shared descriptor: cheaper than an object literal with a getter.
    providerRequest = { model: candidate.model, messages: request.messages } as ProviderRequest;
    if (signal === undefined) Object.defineProperty(providerRequest, 'signal', signalMadeOnRead);
    else {
      // Our own adapters listen on the attempt itself rather than make its signal.
      attachAttemptAbort(providerRequest, signal);
      Object.defineProperty(providerRequest, 'signal', attemptSignal);
      providerRequest.streamEndsByReturn = true;
      signalPerAttempt = true;
    }
  }
  if (request.temperature !== undefined) providerRequest.temperature = request.temperature;
  if (request.maxTokens !== undefined) providerRequest.maxTokens = request.maxTokens;
  if (request.topP !== undefined) providerRequest.topP = request.topP;
  if (request.stop !== undefined) providerRequest.stop = request.stop;
  if (providerOptions !== undefined) providerRequest.providerOptions = providerOptions;
  if (signalPerAttempt) providerRequest.signalPerAttempt = true;
  if (signal === undefined) providerRequest.signalNeverAborts = true;
  return providerRequest;
}
