export { AllFallbacksFailedError } from './all-fallbacks-failed-error.js';
export { ConfigurationError, type ConfigurationIssue } from './configuration-error.js';
export { type ErrorKind, isRetryableKind } from './error-kind.js';
export { ModelNotFoundError } from './model-not-found-error.js';
export { OrchestratorError } from './orchestrator-error.js';
export { ProviderError, type ProviderErrorOptions } from './provider-error.js';
export { StreamInterruptedError } from './stream-interrupted-error.js';
