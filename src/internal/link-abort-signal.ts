/** A per-call abort controller that follows a caller's signal until disposed. */
export interface LinkedAbortController {
  controller: AbortController;
  /** Stops following the caller's signal (always call it, in `finally`). */
  dispose(): void;
}

/**
 * Creates a controller for one SDK call that aborts (with the same reason) when `signal` does.
 * The SDK adds an abort listener to the signal it is given and never removes it; handing it a
 * per-call signal keeps a long-lived caller signal from collecting listeners across attempts.
 */
export function linkAbortSignal(signal: AbortSignal): LinkedAbortController {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  return { controller, dispose: () => signal.removeEventListener('abort', forward) };
}
