import type { ChatRequest } from '../spec/chat-request.js';
import type { ProviderRequest } from '../spec/provider-request.js';
import { type AttemptAbort, attachAttemptAbort } from '../internal/attempt-abort.js';
import type { Candidate } from './candidate.js';

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
  else if (signal !== undefined) {
    const attempt = signal;
    providerRequest = {
      model: candidate.model,
      messages: request.messages,
      get signal(): AbortSignal {
        return attempt.signal;
      },
      signalPerAttempt: true,
      streamEndsByReturn: true,
    };
    // Our own adapters listen on the attempt itself rather than make its signal.
    attachAttemptAbort(providerRequest, attempt);
  } else {
    let made: AbortSignal | undefined;
    providerRequest = {
      model: candidate.model,
      messages: request.messages,
      get signal(): AbortSignal {
        made ??= new AbortController().signal;
        return made;
      },
    };
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
