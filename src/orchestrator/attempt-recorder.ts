import { CostTracker, recordFirstOfFreshRequest } from '../cost/cost-tracker.js';
import type { PriceBook } from '../cost/price-book.js';
import type { UsageRecordInput } from '../cost/usage-record-input.js';
import type { ProviderError } from '../errors/provider-error.js';
import type { Attempt, AttemptStatus } from '../spec/chat-response.js';
import type { Usage } from '../spec/usage.js';
import type { Candidate } from './candidate.js';
import type { RequestContext } from './request-context.js';

/** `CostTracker.prototype.record` as this module found it (a later spy or patch is not it). */
const trackerRecord = CostTracker.prototype.record;

/** How one attempt ended, as the recorder needs it. */
export interface AttemptOutcome {
  candidate: Candidate;
  attempt: number;
  status: AttemptStatus;
  usage: Usage;
  usageSource: 'provider' | 'estimated';
  latencyMs: number;
  error?: ProviderError;
}

/** What the recorder reports through. */
export interface AttemptRecorderOptions {
  tracker: CostTracker;
  priceBook: PriceBook;
  trackingEnabled: boolean;
  sessionId: string;
  providerType: (provider: string) => string;
  onRecord: (record: ReturnType<CostTracker['record']>) => void;
  warn: (code: string, message: string, provider?: string, model?: string) => void;
}

/**
 * Turns each attempt's end into exactly one priced cost record and one `Attempt`, and keeps the
 * call's running cost. Called once per attempt that reached its adapter, from the path that ends
 * the attempt, whatever the end (completed, failed, interrupted, aborted, abandoned).
 */
export class AttemptRecorder {
  constructor(private readonly options: AttemptRecorderOptions) {}

  /** Records one attempt. Never throws: a failing tracker or pricing is a warning, not a failed call. */
  record(context: RequestContext, outcome: AttemptOutcome): void {
    const { candidate, usage, error } = outcome;
    // Built without spreads (once per attempt); `error` only when there is one.
    const attempt: Attempt = { attempt: outcome.attempt, provider: candidate.provider, model: candidate.model, status: outcome.status, latencyMs: outcome.latencyMs };
    if (error) attempt.error = error;
    context.attempts.push(attempt);
    if (error) context.errors.push(error);
    let costUsd: number | null = null;
    let priceSource = '';
    try {
      ({ costUsd, priceSource } = this.options.priceBook.price({
        provider: candidate.provider,
        providerType: this.options.providerType(candidate.provider),
        model: candidate.model,
        usage,
      }));
    } catch (error) {
      this.#failed('pricing', candidate, error);
    }
    if (costUsd === null) {
      this.options.warn(
        'unpriced_model',
        `No price for model '${candidate.model}' of provider '${candidate.provider}': its cost is recorded as unknown (add it under cost_tracking.pricing)`,
        candidate.provider,
        candidate.model,
      );
    }
    context.cost = context.cost === null || costUsd === null ? null : context.cost + costUsd;
    if (!this.options.trackingEnabled) return;
    const input: UsageRecordInput = {
      sessionId: this.options.sessionId,
      requestId: context.requestId,
      attempt: outcome.attempt,
      provider: candidate.provider,
      model: candidate.model,
      status: outcome.status,
      usage,
      usageSource: outcome.usageSource,
      costUsd,
      priceSource,
      latencyMs: outcome.latencyMs,
    };
    if (error) input.errorKind = error.kind;
    const { metadata } = context.request;
    if (metadata) input.metadata = metadata;
    let record: ReturnType<CostTracker['record']>;
    try {
      // The call's first record: its request id was just generated, and no record can hold it
      // yet unless an `attempt` listener saw it first. Through `record()` itself when a
      // subclass, a spy or a patch of the prototype replaced it: they must see every record.
      const { tracker } = this.options;
      record =
        context.attempts.length === 1 && !context.requestIdShown && tracker.record === trackerRecord
          ? recordFirstOfFreshRequest(tracker, input)
          : tracker.record(input);
    } catch (error) {
      this.#failed('recording', candidate, error);
      return;
    }
    this.options.onRecord(record);
  }

  #failed(step: string, candidate: Candidate, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.options.warn(`cost_${step}_failed`, `Cost ${step} failed for ${candidate.provider}/${candidate.model}: ${reason}`, candidate.provider, candidate.model);
  }
}
