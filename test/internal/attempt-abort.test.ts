import { describe, expect, it } from 'vitest';
import { AttemptAbort } from '../../src/internal/attempt-abort.js';

describe('AttemptAbort', () => {
  it('makes its signal only when read, and aborts it with the reason given', () => {
    const attempt = new AttemptAbort();
    expect(attempt.signalMade).toBe(false);
    const { signal } = attempt;
    expect(attempt.signalMade).toBe(true);
    expect(attempt.signal).toBe(signal);
    const seen: unknown[] = [];
    signal.addEventListener('abort', () => seen.push(signal.reason));
    const reason = new Error('left');
    attempt.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(seen).toEqual([reason]);
    expect(attempt.reason).toBe(reason);
  });

  it('hands out an already aborted signal, with the same reason, when read after the abort', () => {
    const attempt = new AttemptAbort();
    const reason = new Error('deadline');
    attempt.abort(reason);
    expect(attempt.signalMade).toBe(false);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe(reason);
  });

  it('gives an AbortError as reason when aborted without one, the same object for the signal', () => {
    const attempt = new AttemptAbort();
    attempt.abort();
    const { reason } = attempt;
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('AbortError');
    expect(attempt.signal.reason).toBe(reason);
  });

  it('calls each listener once, after the signal listeners, and none added or removed meanwhile', () => {
    const attempt = new AttemptAbort();
    const order: string[] = [];
    attempt.signal.addEventListener('abort', () => order.push('signal'));
    const removed = () => order.push('removed');
    attempt.listen(() => order.push('first'));
    attempt.listen(removed);
    attempt.listen(() => order.push('second'));
    attempt.unlisten(removed);
    attempt.abort(new Error('one'));
    attempt.abort(new Error('two'));
    attempt.listen(() => order.push('late'));
    expect(order).toEqual(['signal', 'first', 'second']);
    expect((attempt.reason as Error).message).toBe('one');
  });

  it('runs every listener even when one throws, and throws that error again from a microtask, not at the caller', async () => {
    const attempt = new AttemptAbort();
    const order: string[] = [];
    attempt.listen(() => {
      order.push('first');
      throw new Error('listener failed');
    });
    attempt.listen(() => order.push('second'));
    const rethrown = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    expect(() => attempt.abort()).not.toThrow();
    expect(order).toEqual(['first', 'second']);
    expect(await rethrown).toMatchObject({ message: 'listener failed' });
  });
});
