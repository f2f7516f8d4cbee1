import { expect } from 'vitest';
import type { RequestHandler } from 'msw';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ProviderRequest } from '../../src/spec/provider-request.js';
import type { ConformanceErrorCase, ConformanceFixture } from './conformance-fixture.js';


/** The request every conformance test sends (a fresh signal unless one is given). */
export function providerRequest(fixture: ConformanceFixture, signal: AbortSignal = new AbortController().signal): ProviderRequest {
  return { model: fixture.model, messages: [{ role: 'user', content: 'Invent a new holiday and describe its traditions.' }], signal };
}

export { collectStream as collect, type StreamOutcome } from '../setup/collect-stream.js';

/** Asserts a `ProviderError` of `kind` (any kind when `undefined`) carrying the fixture's provider and model. */
export function expectProviderError(fixture: ConformanceFixture, error: unknown, kind: ProviderError['kind'] | undefined): asserts error is ProviderError {
  expect(error, 'expected a ProviderError').toBeInstanceOf(Error);
  expect(ProviderError.isInstance(error), `expected a ProviderError, got ${String(error)}`).toBe(true);
  const providerError = error as ProviderError;
  if (kind !== undefined) expect({ kind: providerError.kind, message: providerError.message }).toMatchObject({ kind });
  expect(providerError.provider).toBe(fixture.providerName);
  expect(providerError.model).toBe(fixture.model);
  expect(providerError.message).not.toBe('');
  expect(providerError.cause).toBeDefined();
}

/** Asserts an error matches a declared error case. */
export function expectErrorCase(fixture: ConformanceFixture, errorCase: ConformanceErrorCase, error: unknown): void {
  expectProviderError(fixture, error, errorCase.kind);
  if (errorCase.status !== undefined) expect(error.status).toBe(errorCase.status);
  if (errorCase.retryAfterMs === null) expect(error.retryAfterMs).toBeUndefined();
  else if (errorCase.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(errorCase.retryAfterMs);
  if (errorCase.errorName !== undefined) expect(error.name).toBe(errorCase.errorName);
}

/** A handler builder's result as a list. */
export function toArray(handlers: RequestHandler | RequestHandler[]): RequestHandler[] {
  return Array.isArray(handlers) ? handlers : [handlers];
}
