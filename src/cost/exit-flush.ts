/** Something with writes still to finish: a tracker with sinks, or a file writer. */
export interface ExitFlushable {
  flush(): Promise<void>;
}

const pending = new Set<ExitFlushable>();
let listening = false;

/**
 * Asks for `target.flush()` to run when the process is about to exit naturally (Node's
 * `beforeExit`), for writes still queued or buffered. One process listener serves every
 * target; it is added with the first target and removed when none is left, so trackers and
 * sinks never leak listeners. Registering a target twice keeps one entry.
 */
export function flushBeforeExit(target: ExitFlushable): void {
  pending.add(target);
  if (listening) return;
  listening = true;
  process.on('beforeExit', flushPending);
}

/** Removes a target whose writes are done (or that closed); the last one removes the listener. */
export function cancelFlushBeforeExit(target: ExitFlushable): void {
  pending.delete(target);
  if (pending.size === 0) stopListening();
}

function stopListening(): void {
  if (!listening) return;
  listening = false;
  process.off('beforeExit', flushPending);
}

/**
 * Flushes each target once. Targets leave the set before their flush, so a flush that cannot
 * finish (a full disk) is not retried on every later `beforeExit` and never keeps the process
 * alive in a loop; only new writes register a target again.
 */
function flushPending(): void {
  const targets = [...pending];
  pending.clear();
  stopListening();
  for (const target of targets) {
    // flush() of our trackers and writers never rejects; a foreign one must not crash the exit.
    target.flush().catch(() => undefined);
  }
}
