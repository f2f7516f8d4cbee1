import { HttpResponse } from 'msw';
import { BedrockProvider } from '../../../src/providers/bedrock/bedrock-provider.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';

/** The origin msw answers on in Bedrock tests. */
export const bedrockOrigin = 'https://bedrock-runtime.test';
/** The control-plane origin msw answers on in Bedrock tests. */
export const bedrockControlOrigin = 'https://bedrock-control.test';
/** A model id as Bedrock spells it (the `:` is URL-encoded in the path). */
export const bedrockModel = 'anthropic.claude-3-haiku-20240307-v1:0';
/** Fake static credentials: nothing in an error or `inspect` may show the secret or token. */
export const fakeCredentials = {
  accessKeyId: 'AKIATESTACCESSKEY',
  secretAccessKey: 'super-secret-access-key-0123456789',
  sessionToken: 'session-token-abcdef-987654',
};

/** A provider pointed at `origin` with the fake credentials. */
export function createBedrockProvider(origin: string = bedrockOrigin): BedrockProvider {
  return new BedrockProvider({
    name: 'bedrock',
    region: 'us-east-1',
    baseUrl: origin,
    controlBaseUrl: bedrockControlOrigin,
    credentials: fakeCredentials,
  });
}

/** A minimal request for `model`. */
export function bedrockRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    model: bedrockModel,
    messages: [{ role: 'user', content: 'How many r in strawberry?' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** An HTTP 200 event-stream response whose body is `chunks`, each enqueued on its own. */
export function eventStreamResponse(chunks: Uint8Array[], options: { errorAfter?: Error; cut?: Promise<void> } = {}): HttpResponse<ReadableStream> {
  // Pull-based: `controller.error()` discards queued chunks, so each is handed out before it
  // (and, given `cut`, only once the adapter has read them).
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = chunks[index++];
      if (chunk !== undefined) controller.enqueue(chunk);
      else if (options.errorAfter !== undefined) {
        await options.cut;
        controller.error(options.errorAfter);
      } else controller.close();
    },
  });
  return new HttpResponse(body, { status: 200, headers: { 'content-type': 'application/vnd.amazon.eventstream' } });
}

/** An AWS restJson1 error response as Bedrock sends it. */
export function awsErrorResponse(status: number, errorType: string, message: string, headers: Record<string, string> = {}) {
  return HttpResponse.json(
    { message },
    { status, headers: { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers } },
  );
}

export { collectStream } from '../../setup/collect-stream.js';

/** Splits `bytes` into pieces of `size` bytes (the last one shorter). */
export function splitBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) pieces.push(bytes.subarray(offset, offset + size));
  return pieces;
}

/** A foundation-model summary as ListFoundationModels sends it (timestamps are RFC 3339 strings on the wire). */
export function foundationModelSummary(modelId: string, modelLifecycle?: Record<string, string>) {
  return {
    modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`,
    modelId,
    modelName: modelId,
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported: ['ON_DEMAND'],
    ...(modelLifecycle !== undefined ? { modelLifecycle } : {}),
  };
}
