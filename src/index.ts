export { LLMOrchestrator } from './llm-orchestrator.js';
export { AllFallbacksFailedError } from './errors/all-fallbacks-failed-error.js';
export { ConfigurationError } from './errors/configuration-error.js';
export { ModelNotFoundError } from './errors/model-not-found-error.js';
export { OrchestratorError } from './errors/orchestrator-error.js';
export { ProviderError } from './errors/provider-error.js';
export { StreamInterruptedError } from './errors/stream-interrupted-error.js';
export { CostTracker } from './cost/cost-tracker.js';
export { CsvSink } from './cost/csv-sink.js';
export { JsonlSink } from './cost/jsonl-sink.js';
export { LEDGER_COLUMNS } from './cost/usage-record.js';
export { PriceBook } from './cost/price-book.js';
export { ModelRegistry } from './registry/model-registry.js';
export { createUsage } from './spec/usage.js';

export type { Logger, OrchestratorOptions, ProviderSupplier } from './llm-orchestrator.js';
export type { ConfigInput } from './config/config-schema.js';
export type {
  CircuitBreakerInput,
  CostSinkInput,
  CostTrackingInput,
  LifecycleEntryInput,
  ModelPriceInput,
  ModelsInput,
  ProviderEntryInput,
  RetryInput,
  TimeoutsInput,
} from './config/config-input.js';
export type { OnRetired } from './config/normalized-config.js';
export type { ConfigurationIssue } from './errors/configuration-error.js';
export type { ErrorKind } from './errors/error-kind.js';
export type { ProviderErrorOptions } from './errors/provider-error.js';
export type { CostSink } from './cost/cost-sink.js';
export type { FileSinkOptions } from './cost/file-sink-options.js';
export type { JsonlSinkOptions } from './cost/jsonl-sink-options.js';
export type { CostTrackerOptions, UnpricedModel } from './cost/cost-tracker.js';
export type { UsageRecord } from './cost/usage-record.js';
export type { CostReport, CostSummary, ReportOptions } from './cost/cost-report.js';
export type { OrchestratorEvents, OrchestratorEventName } from './orchestrator/orchestrator-events.js';
export type { CandidateExplanation, CandidateSkipReason, ChainExplanation } from './orchestrator/explain-chain.js';
export type { ModelInfo } from './registry/model-info.js';
export type { RefreshResult } from './registry/model-registry.js';
export type {
  Attempt,
  AttemptStatus,
  BaseLLMProvider,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatStream,
  FinishReason,
  ProviderModelListing,
  ProviderRequest,
  ProviderResult,
  ProviderStreamEvent,
  StreamChunk,
  Usage,
} from './spec/index.js';
