import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request that reached a {@link RealSocketServer}, with its raw socket. */
export interface RealSocketExchange {
  /** The request as node:http parsed it (its body is being read in the background). */
  request: IncomingMessage;
  /** The request body, once fully received. */
  body: Promise<string>;
  /** Writes raw bytes on the socket (nothing is written for you: status line and headers too). */
  write(bytes: string | Uint8Array): Promise<void>;
  /** Writes `HTTP/1.1 <status>` and the headers, with `transfer-encoding: chunked`. */
  writeChunkedHead(status: number, headers: Record<string, string>): Promise<void>;
  /** Writes one HTTP/1.1 chunk (size line, bytes, CRLF). */
  writeChunk(bytes: string | Uint8Array): Promise<void>;
  /** Sends a TCP RST and destroys the socket (a real connection reset). */
  reset(): void;
  /** Destroys the socket without a reset (FIN). */
  destroy(): void;
  /** Resolves when the socket is closed, from either side. */
  closed: Promise<void>;
  /** True once the socket is closed. */
  readonly isClosed: boolean;
}

/** What the server does with each request; it owns the socket from then on. */
export type RealSocketBehaviour = (exchange: RealSocketExchange) => void | Promise<void>;

/**
 * A node:http server on 127.0.0.1 and a free port whose answers are raw bytes on the socket,
 * for failures msw can only simulate: a reset before any response, a reset mid-stream, a
 * client that closes the connection. Close it in `afterAll`.
 */
export interface RealSocketServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Sets the behaviour for the following requests (default: reset at once). */
  setBehaviour(behaviour: RealSocketBehaviour): void;
  /** Every request received so far, oldest first. */
  exchanges: RealSocketExchange[];
  /** Resolves with the first request that arrives after this call. */
  nextExchange(): Promise<RealSocketExchange>;
  /** Destroys every open socket and stops the server. */
  close(): Promise<void>;
}

/** Starts a {@link RealSocketServer}. */
export async function startRealSocketServer(): Promise<RealSocketServer> {
  let behaviour: RealSocketBehaviour = (exchange) => exchange.reset();
  const exchanges: RealSocketExchange[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Map<number, ((exchange: RealSocketExchange) => void)[]>();

  const server: Server = createServer((request) => {
    const exchange = createExchange(request);
    exchanges.push(exchange);
    const index = exchanges.length - 1;
    for (const waiter of waiters.get(index) ?? []) waiter(exchange);
    waiters.delete(index);
    void Promise.resolve(behaviour(exchange)).catch(() => exchange.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setBehaviour(next) {
      behaviour = next;
    },
    exchanges,
    nextExchange() {
      const index = exchanges.length;
      return new Promise((resolve) => waiters.set(index, [...(waiters.get(index) ?? []), resolve]));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function createExchange(request: IncomingMessage): RealSocketExchange {
  const socket = request.socket;
  let isClosed = socket.destroyed;
  const closed = new Promise<void>((resolve) => {
    if (isClosed) resolve();
    socket.once('close', () => {
      isClosed = true;
      resolve();
    });
  });
  const body = new Promise<string>((resolve) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
  const write = (bytes: string | Uint8Array) =>
    new Promise<void>((resolve, reject) => socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  return {
    request,
    body,
    write,
    async writeChunkedHead(status, headers) {
      const lines = [`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}`];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      lines.push('transfer-encoding: chunked', '', '');
      await write(lines.join('\r\n'));
    },
    async writeChunk(bytes) {
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
      if (buffer.length === 0) return;
      await write(Buffer.concat([Buffer.from(`${buffer.length.toString(16)}\r\n`), buffer, Buffer.from('\r\n')]));
    },
    reset() {
      socket.resetAndDestroy();
    },
    destroy() {
      socket.destroy();
    },
    closed,
    get isClosed() {
      return isClosed;
    },
  };
}
