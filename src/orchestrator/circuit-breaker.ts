import type { NormalizedConfig } from '../config/normalized-config.js';
import type { ProviderError } from '../errors/provider-error.js';
import type { Candidate } from './candidate.js';
import type { OrchestratorEvents } from './orchestrator-events.js';

/** What {@link CircuitBreaker} reads and reports through. */
export interface CircuitBreakerOptions {
  config: NormalizedConfig['circuitBreaker'];
  /** `retry.max_retry_after_ms`: a longer retry-after opens the circuit at once. */
  maxRetryAfterMs: number;
  onOpen: (payload: OrchestratorEvents['circuit-open']) => void;
  onClose: (payload: OrchestratorEvents['circuit-close']) => void;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
}

/** Leave to make one attempt on a target; `trial` when it is the one request of a half-open circuit. */
export interface Admission {
  admitted: true;
  trial: boolean;
}

/** A target that must not be tried now: cooling down until `until` (epoch ms), or probed by another call's trial. */
export interface Denial {
  admitted: false;
  /** When the cool-down ends; undefined while another call's trial request is in flight. */
  until: number | undefined;
}

/** How one admitted attempt ended, as the breaker counts it. */
export type AttemptVerdict = { ok: true } | { ok: false; error: ProviderError } | { ok: 'unknown' };

/** A target's circuit, read without changing it (for `explain`). */
export interface CircuitStatus {
  state: 'closed' | 'open' | 'half-open';
  /** While open: when the cool-down ends (epoch ms). */
  until?: number;
  /** Half-open: whether a trial request is in flight. */
  trialInFlight?: boolean;
}

/**
 * The most targets whose consecutive failures are counted while their circuit is closed: model
 * ids a request names are user input, so past this the oldest closed count is forgotten.
 */
export const MAX_COUNTED_TARGETS = 1000;

interface Circuit {
  failures: number;
  /** Set while open or half-open: the end of the cool-down. */
  openUntil: number | undefined;
  trialInFlight: boolean;
}

/**
 * Cool-downs per (provider, model). After `failure_threshold` consecutive retryable failures,
 * or one retry-after longer than `retry.max_retry_after_ms`, the target is skipped until its
 * cool-down ends. A cool-down only moves later. When it ends, one trial request goes through
 * (half-open): its success closes the circuit, its retryable failure opens it again; an attempt
 * that says nothing about the target's health (aborted, a request the provider rejects) hands
 * the trial to the next call. Other outcomes while open leave the cool-down as it is, except a
 * longer retry-after, which extends it. Only targets with a failure counted or a cool-down are
 * kept: a success on a closed circuit forgets it, and at most {@link MAX_COUNTED_TARGETS} closed
 * counts are kept (the oldest goes first; open circuits are never dropped).
 */
export class CircuitBreaker {
  readonly #circuits = new Map<string, Circuit>();
  readonly #now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.#now = options.now ?? (() => Date.now());
  }

  /** Whether one attempt on `target` may start now; a half-open circuit admits one trial at a time. */
  admit(target: Candidate): Admission | Denial {
    // Nothing counted anywhere (the usual case): no key to build, no lookup.
    if (this.#circuits.size === 0 || !this.options.config.enabled) return admittedFreely;
    const circuit = this.#circuits.get(key(target));
    if (circuit?.openUntil === undefined) return admittedFreely;
    if (this.#now() < circuit.openUntil) return { admitted: false, until: circuit.openUntil };
    if (circuit.trialInFlight) return { admitted: false, until: undefined };
    circuit.trialInFlight = true;
    return { admitted: true, trial: true };
  }

  /** Whether `target` is cooling down now (a retry on it would be refused). */
  isOpen(target: Candidate): boolean {
    const until = this.#circuits.get(key(target))?.openUntil;
    return until !== undefined && this.#now() < until;
  }

  /** How many targets the breaker keeps a count or a cool-down for (diagnostics and tests). */
  get trackedTargets(): number {
    return this.#circuits.size;
  }

  /** Counts the end of an admitted attempt. */
  report(target: Candidate, admission: Admission, verdict: AttemptVerdict): void {
    if (!this.options.config.enabled) return;
    // A success or an unknown end changes nothing when nothing is counted (a trial has its circuit).
    if (verdict.ok !== false && this.#circuits.size === 0) return;
    const id = key(target);
    let circuit = this.#circuits.get(id);
    if (admission.trial && circuit) circuit.trialInFlight = false;
    if (verdict.ok === 'unknown') return;
    if (verdict.ok) {
      if (circuit === undefined) return;
      // A success ends a run of failures: a closed circuit with nothing counted is not kept.
      if (circuit.openUntil === undefined) this.#circuits.delete(id);
      else if (admission.trial) {
        this.#circuits.delete(id);
        this.options.onClose({ provider: target.provider, model: target.model });
      }
      return;
    }
    const { error } = verdict;
    if (!error.retryable) return;
    if (circuit === undefined) {
      this.#forgetOldestClosed();
      circuit = { failures: 0, openUntil: undefined, trialInFlight: false };
      this.#circuits.set(id, circuit);
    }
    circuit.failures += 1;
    const { cooldownMs, failureThreshold } = this.options.config;
    const now = this.#now();
    const longRetryAfter = error.retryAfterMs !== undefined && error.retryAfterMs > this.options.maxRetryAfterMs;
    const retryAfterUntil = longRetryAfter ? now + (error.retryAfterMs ?? 0) : undefined;
    if (circuit.openUntil !== undefined && !admission.trial) {
      // Open already (this attempt started before it opened): only a longer retry-after counts.
      if (retryAfterUntil !== undefined && retryAfterUntil > circuit.openUntil) this.#open(target, circuit, retryAfterUntil, 'retry-after', error);
      return;
    }
    if (admission.trial) this.#open(target, circuit, Math.max(now + cooldownMs, retryAfterUntil ?? 0), 'trial-failed', error);
    else if (retryAfterUntil !== undefined) this.#open(target, circuit, retryAfterUntil, 'retry-after', error);
    else if (circuit.failures >= failureThreshold) this.#open(target, circuit, now + cooldownMs, 'failures', error);
  }

  /** The circuit of `target` as it stands, without taking a trial. */
  status(target: Candidate): CircuitStatus {
    const circuit = this.#circuits.get(key(target));
    if (!this.options.config.enabled || circuit?.openUntil === undefined) return { state: 'closed' };
    if (this.#now() < circuit.openUntil) return { state: 'open', until: circuit.openUntil };
    return { state: 'half-open', trialInFlight: circuit.trialInFlight };
  }

  /** Makes room for one more count: drops the oldest closed one when {@link MAX_COUNTED_TARGETS} are kept. */
  #forgetOldestClosed(): void {
    if (this.#circuits.size < MAX_COUNTED_TARGETS) return;
    for (const [id, circuit] of this.#circuits) {
      if (circuit.openUntil === undefined) {
        this.#circuits.delete(id);
        return;
      }
    }
  }

  #open(target: Candidate, circuit: Circuit, until: number, reason: OrchestratorEvents['circuit-open']['reason'], error: ProviderError): void {
    // A cool-down only moves later.
    circuit.openUntil = Math.max(circuit.openUntil ?? 0, until);
    this.options.onOpen({
      provider: target.provider,
      model: target.model,
      until: new Date(circuit.openUntil),
      reason,
      failures: circuit.failures,
      error,
    });
  }
}

/** The admission of a target with no cool-down: shared, callers only read it. */
const admittedFreely: Admission = Object.freeze({ admitted: true, trial: false });

function key(target: Candidate): string {
  return `${target.provider}\u0000${target.model}`;
}
