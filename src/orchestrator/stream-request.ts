import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse, ChatStream, StreamChunk } from '../spec/chat-response.js';
import { CallScope } from './call-scope.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { RequestContext } from './request-context.js';
import { StreamCall, type StreamSettle } from './stream-call.js';

/**
 * One streaming call. Nothing reaches the caller before the first real text, so failures up to
 * then fall back like `send`; after it, a failure ends the stream with `StreamInterruptedError`
 * (a caller's abort with a `ProviderError` of kind `aborted`). A consumer that stops reading
 * (`break`, or `return()` even while a read is pending) aborts the upstream request; the attempt
 * is still recorded with the usage seen. After the terminal event the attempt is read on to
 * its natural end (bounded: see `drainAfterFinish`), so a completed request is not aborted.
 * The call starts when iteration starts.
 *
 * @param onStart called when iteration starts, with the promise that settles when the call ends.
 */
export function streamRequest(core: OrchestratorCore, request: ChatRequest, requestId: string, onStart: (done: Promise<unknown>) => void): ChatStream {
  let settle!: StreamSettle;
  const response = new Promise<ChatResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may never await `response`; its rejection must not be unhandled.
  response.catch(() => {});
  let iterated = false;

  return {
    response,
    [Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
      if (iterated) throw new TypeError('A ChatStream can be iterated only once');
      iterated = true;
      const scope = new CallScope({ signal: request.signal, timeoutMs: request.timeoutMs, closable: true });
      const call = new StreamCall(core, new RequestContext(requestId, request, scope), settle);
      onStart(response);
      return {
        next: () => call.next(),
        return: (value?: unknown) => {
          // Unblocks a read that is still waiting (the call's return() runs once it settled).
          scope.close();
          return call.return(value);
        },
      };
    },
  };
}
