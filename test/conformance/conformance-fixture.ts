import type { RequestHandler } from 'msw';
import type { ErrorKind } from '../../src/errors/error-kind.js';
import type { BaseLLMProvider } from '../../src/spec/base-llm-provider.js';
import type { FinishReason } from '../../src/spec/finish-reason.js';
import type { Usage } from '../../src/spec/usage.js';

/**
 * Builds the msw handler(s) for one scenario. Called once per test, after `server.listen`, so a
 * builder may keep per-call state (a counter, a captured body). Handlers answer on
 * {@link ConformanceFixture.mockOrigin}.
 */
export type ConformanceHandlerBuilder = () => RequestHandler | RequestHandler[];

/** One error response the fixture's provider really sends, and the kind the adapter must give it. */
export interface ConformanceErrorCase {
  /** Test title, e.g. `'429 rate_limit_exceeded with retry-after-ms'`. */
  name: string;
  /**
   * Answers the provider's send AND stream endpoints with the error (the HTTP status, the
   * provider's real error body, and its headers). The suite checks both `doSend` and `doStream`.
   */
  handler: ConformanceHandlerBuilder;
  /** The `ProviderError.kind` the adapter must throw. */
  kind: ErrorKind;
  /** The `ProviderError.status` expected; omit to skip the check. */
  status?: number;
  /** The `ProviderError.retryAfterMs` expected; omit to skip the check, `null` to require none. */
  retryAfterMs?: number | null;
  /** The error class name expected (`'ModelNotFoundError'` for kind `not_found`); default: not checked. */
  errorName?: string;
}

/**
 * Raw HTTP bytes for the real-socket tests (a node:http server on 127.0.0.1 writes them, then
 * resets the connection). The suite writes `HTTP/1.1 200 OK`, {@link headers}, and
 * `Transfer-Encoding: chunked`, then each of {@link chunks} as one HTTP chunk.
 */
export interface ConformanceRawStream {
  /** Response headers of the provider's stream, e.g. `{ 'content-type': 'text/event-stream' }`. */
  headers: Record<string, string>;
  /**
   * The start of a real stream, in wire format (SSE text, event-stream frames), holding at least
   * one text event and NOT the terminal event: after them the suite resets the socket.
   */
  chunks: (string | Uint8Array)[];
  /** The text the adapter yields from {@link chunks} (concatenated `text-delta`s). */
  text: string;
}

/**
 * Everything the shared conformance suite needs to test one adapter. Adapter authors write one
 * fixture (from the recorded responses in `test/fixtures/recorded/`) and call
 * `runConformanceSuite(fixture)` from a test file. See `test/conformance/README.md`.
 *
 * Every handler must answer with what the provider really sends on the wire (status, headers,
 * body), so the real SDK parses it.
 */
export interface ConformanceFixture {
  /** Title of the suite's top `describe`, e.g. `'openai'`. */
  name: string;
  /** The entry name `createProvider` gives the adapter; every `ProviderError.provider` must equal it. */
  providerName: string;
  /** The model id requests use; every `ProviderError.model` must equal it. */
  model: string;
  /**
   * The origin msw handlers answer on, e.g. `'https://api.openai.test'`. The suite calls
   * `createProvider(mockOrigin)` for msw tests.
   */
  mockOrigin: string;
  /**
   * Builds the adapter pointed at `origin` (`http://host:port`, no path, no trailing slash): the
   * fixture adds whatever path its provider's base URL needs (OpenAI: `${origin}/v1`). Called
   * once per test; the suite never retries. Use fake credentials.
   */
  createProvider(origin: string): BaseLLMProvider;

  /** A plain non-streaming answer: the recorded JSON response. */
  send: {
    handler: ConformanceHandlerBuilder;
    /** `ProviderResult.content` expected. */
    text: string;
    /** `ProviderResult.usage` expected, already mapped to our meaning (see `Usage`). */
    usage: Usage;
    finishReason: FinishReason;
    /** `ProviderResult.responseModel` expected; omit to skip the check. */
    responseModel?: string;
  };

  /** A full recorded stream, terminal event included. */
  stream: {
    handler: ConformanceHandlerBuilder;
    /** The concatenated `text-delta`s expected. */
    text: string;
    /** The LAST `usage` event expected (mapped to our meaning). */
    usage: Usage;
    /** The `finish` event's reason expected. */
    finishReason: FinishReason;
  };

  /** Error responses before any output; the suite checks each with `doSend` and with `doStream`. */
  errorCases: ConformanceErrorCase[];

  /**
   * A stream (HTTP 200) whose first data event is the provider's in-band error (OpenAI
   * `data: {"error":...}`, Anthropic `event: error`, a Bedrock exception frame). The adapter
   * must throw a `ProviderError` of `kind` before yielding any `text-delta`.
   */
  inBandError: {
    handler: ConformanceHandlerBuilder;
    kind: ErrorKind;
  };

  /**
   * A stream whose body fails after some text: a `ReadableStream` that enqueues some events, then
   * calls `controller.error(new TypeError('terminated'))` once `cut` resolves. The suite resolves
   * `cut` when the adapter has yielded all of `textBeforeCut`: msw tees every mocked body, and an
   * error that arrives before the adapter read the queued events wipes them. The adapter must
   * yield exactly `textBeforeCut`, then throw a `ProviderError` of kind `network` (never end
   * cleanly, never yield `finish`).
   */
  cutStream: {
    handler: (cut: Promise<void>) => RequestHandler | RequestHandler[];
    textBeforeCut: string;
  };

  /**
   * A stream that ends cleanly (HTTP body complete) without the provider's terminal event
   * (`[DONE]`, `message_stop`, `messageStop`, a Gemini chunk with `finishReason`). The adapter
   * must not yield `finish`; it may end or throw a `ProviderError`.
   */
  noTerminalEvent: {
    handler: ConformanceHandlerBuilder;
    /** The text yielded before the end, checked when given. */
    text?: string;
  };

  /** Bytes for the real-socket "reset mid-stream" and "consumer break" tests. */
  rawStream: ConformanceRawStream;

  /**
   * How to tell that the adapter cancelled an msw-intercepted request. Default: the `Request`'s
   * `signal` is aborted (fetch-based SDKs). msw's node:http interceptor gives its `Request` no
   * signal that follows the socket, so node:http adapters (Bedrock) look at the raw
   * `ClientRequest` instead (`getRawRequest` from `@mswjs/interceptors`).
   */
  isUpstreamAborted?(request: Request): boolean;

  /**
   * What the fixture's SDK cannot do at all, each with the reason; the suite then checks the
   * weaker promise and says so in the test title.
   * - `cancel`: the SDK takes no abort signal (`@google-cloud/vertexai`): after a consumer
   *   `break` the adapter stops at once, but the request itself is not cancelled.
   * - `plainHttp`: the SDK only speaks https (`@google-cloud/vertexai`), so the real-socket tests
   *   (plain http on 127.0.0.1) cannot reach it: the suite checks instead that `createProvider`
   *   refuses an `http://` origin rather than sending requests somewhere else.
   */
  sdkLimits?: { cancel?: string; plainHttp?: string };
}
