import { setupServer } from 'msw/node';
import type { RequestHandler } from 'msw';

/**
 * An msw server for adapter tests. msw 2.x on Node 20 clones every mocked response and a tee
 * branch that is cancelled never settles, which hangs SDK retries and body cancels: drain msw's
 * copy of each mocked response (PROVIDERS.md, "Traps").
 */
export function createMswServer(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  server.events.on('response:mocked', ({ response }) => {
    void response.arrayBuffer().catch(() => {});
  });
  return server;
}
