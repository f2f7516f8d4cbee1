const marker = Symbol.for('llm-orchestrator.error');

/**
 * The base of every error this package throws. Use the static `isInstance` checks rather than
 * `instanceof` when two copies of the package may be installed.
 */
export class OrchestratorError extends Error {
  private readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrchestratorError';
  }

  /** True for any error of this package, from any installed copy of it. */
  static isInstance(error: unknown): error is OrchestratorError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** Builds an `isInstance` check for a subclass keyed on its `name`, safe across package copies. */
export function hasErrorName(error: unknown, ...names: string[]): boolean {
  return OrchestratorError.isInstance(error) && names.includes(error.name);
}
