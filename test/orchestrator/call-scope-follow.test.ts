import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import { AttemptAbort } from '../../src/internal/attempt-abort.js';
import { CallScope } from '../../src/orchestrator/call-scope.js';
import { GuardedReader } from '../../src/orchestrator/guarded-reader.js';

const candidate = { provider: 'a', model: 'm' };

describe('CallScope.follow', () => {
  it('aborts a following attempt controller when a stream consumer closes a call that has no signal of its own', () => {
    const scope = new CallScope({ closable: true });
    const attempt = new AbortController();
    scope.follow(attempt);
    expect(attempt.signal.aborted).toBe(false);
    scope.close();
    expect(attempt.signal.aborted).toBe(true);
    expect(scope.error(candidate).kind).toBe('aborted');
    scope.dispose();
  });

  it('aborts a follower with the caller signal reason, and one added after the end at once', () => {
    const caller = new AbortController();
    const scope = new CallScope({ signal: caller.signal });
    const first = new AbortController();
    scope.follow(first);
    const reason = new Error('caller gave up');
    caller.abort(reason);
    expect(first.signal.reason).toBe(reason);
    const late = new AbortController();
    scope.follow(late);
    expect(late.signal.reason).toBe(reason);
    scope.dispose();
  });

  it('creates the signal of a closable call only when asked, and a backoff wait still ends on close()', async () => {
    const scope = new CallScope({ closable: true });
    const waiting = scope.wait(60_000, candidate).then(
      () => 'waited',
      (error: unknown) => error,
    );
    expect(scope.signal?.aborted).toBe(false);
    scope.close();
    const error = await waiting;
    expect(ProviderError.isInstance(error) && error.kind).toBe('aborted');
    scope.dispose();
  });

  it('has no signal at all for a send without signal or deadline', () => {
    const scope = new CallScope({});
    expect(scope.signal).toBeUndefined();
    scope.dispose();
  });
});

describe('GuardedReader', () => {
  it('ends a pending read when the attempt is aborted even if the iterator never settles, with no signal made', async () => {
    const controller = new AttemptAbort();
    let reads = 0;
    let hang = false;
    const iterator: AsyncIterator<number> = {
      next: () => {
        reads += 1;
        return hang ? new Promise(() => {}) : Promise.resolve({ done: false, value: reads });
      },
    };
    const reader = new GuardedReader(iterator, controller, () => new Error('cut off'));
    for (let index = 0; index < 50; index++) await reader.next();
    hang = true;
    const pending = reader.next();
    controller.abort();
    await expect(pending).rejects.toThrow('cut off');
    await expect(reader.next()).rejects.toThrow('cut off');
    expect(reads).toBe(51);
    reader.dispose();
    // The reader listens on the attempt itself: no AbortSignal (and no EventTarget listener) was made.
    expect(controller.signalMade).toBe(false);
  });

  it('stops listening when disposed: a later abort does not reach a read callback', async () => {
    const attempt = new AttemptAbort();
    const iterator: AsyncIterator<number> = { next: () => new Promise(() => {}) };
    const reader = new GuardedReader(iterator, attempt, () => new Error('cut off'));
    const seen: string[] = [];
    reader.read(
      () => seen.push('result'),
      () => seen.push('error'),
    );
    reader.dispose();
    attempt.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
  });

  it('passes the iterator own rejection through', async () => {
    const controller = new AttemptAbort();
    const iterator: AsyncIterator<number> = { next: () => Promise.reject(new Error('adapter failed')) };
    const reader = new GuardedReader(iterator, controller, () => new Error('cut off'));
    await expect(reader.next()).rejects.toThrow('adapter failed');
    reader.dispose();
  });
});
