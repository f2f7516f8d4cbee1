import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bedrockRequest, collectStream, createBedrockProvider } from './bedrock-test-helpers.js';
import { encodeEventStreamFrame, readRecordedBedrockEvents, recordedBedrockChunksPath } from './encode-event-stream.js';

// No msw here: these tests drive the SDK's NodeHttpHandler against a real socket on 127.0.0.1.
const recordedFrames = readRecordedBedrockEvents(recordedBedrockChunksPath).map(encodeEventStreamFrame);
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(onRequest: (response: ServerResponse, socket: Socket) => void): Promise<string> {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => onRequest(response, request.socket));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function writeStreamStart(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'transfer-encoding': 'chunked' });
  for (const frame of recordedFrames.slice(0, 3)) response.write(frame);
}

describe('BedrockProvider over a real socket', () => {
  it('a connection reset mid-stream is kind network, after the text already received', async () => {
    const origin = await listen((response, socket) => {
      writeStreamStart(response);
      setImmediate(() => socket.resetAndDestroy());
    });
    const { error, text, events } = await collectStream(createBedrockProvider(origin).doStream(bedrockRequest()));
    expect(text).toBe('Let me count the "');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'network', retryable: true });
  });

  it('a connection refused before any answer is kind network', async () => {
    const origin = await listen(() => {});
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    await expect(createBedrockProvider(origin).doSend(bedrockRequest())).rejects.toMatchObject({ kind: 'network' });
  });

  it('breaking out of the stream closes the upstream connection', async () => {
    let socketClosed: Promise<void> | undefined;
    const origin = await listen((response, socket) => {
      socketClosed = new Promise((resolve) => socket.on('close', () => resolve()));
      writeStreamStart(response);
      // The rest never comes: only the client can end this request.
    });
    const stream = createBedrockProvider(origin).doStream(bedrockRequest());
    for await (const event of stream) {
      if (event.type === 'text-delta') break;
    }
    await expect(socketClosed).resolves.toBeUndefined();
  });

  it('aborting the signal mid-stream ends the stream with kind aborted', async () => {
    const origin = await listen((response) => writeStreamStart(response));
    const controller = new AbortController();
    const events: string[] = [];
    let error: unknown;
    try {
      for await (const event of createBedrockProvider(origin).doStream(bedrockRequest({ signal: controller.signal }))) {
        events.push(event.type);
        if (event.type === 'text-delta') controller.abort(new Error('stop now'));
      }
    } catch (caught) {
      error = caught;
    }
    expect(events[0]).toBe('text-delta');
    expect(error).toMatchObject({ kind: 'aborted' });
  });
});
