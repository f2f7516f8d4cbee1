import { hasErrorName } from './orchestrator-error.js';
import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The provider does not serve this model (kind `not_found`): the chain moves to the next model. */
export class ModelNotFoundError extends ProviderError {
  constructor(options: Omit<ProviderErrorOptions, 'kind'>) {
    super({ ...options, kind: 'not_found' });
    this.name = 'ModelNotFoundError';
  }

  static override isInstance(error: unknown): error is ModelNotFoundError {
    return hasErrorName(error, 'ModelNotFoundError');
  }
}
