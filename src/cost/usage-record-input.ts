import type { ErrorKind } from '../errors/error-kind.js';
import type { AttemptStatus } from '../spec/chat-response.js';
import type { Usage } from '../spec/usage.js';
import type { UsageSource } from './usage-record.js';

/** What `CostTracker.record` takes: one attempt, in camelCase; the tracker builds the record. */
export interface UsageRecordInput {
  /** When the attempt ended. @default new Date() */
  timestamp?: Date;
  /** @default the tracker's `sessionId` */
  sessionId?: string;
  requestId: string;
  /** Counts from 1 across the whole call. With `requestId`, identifies the record. */
  attempt: number;
  /** Provider entry name. */
  provider: string;
  model: string;
  status: AttemptStatus;
  usage: Usage;
  usageSource: UsageSource;
  /** From `PriceBook.price`; `null` when unpriced. */
  costUsd: number | null;
  /** From `PriceBook.price`: `catalogue@<version>`, `override` or `''`. */
  priceSource: string;
  latencyMs: number;
  errorKind?: ErrorKind;
  metadata?: Record<string, string>;
}
