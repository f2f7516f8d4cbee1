import { hasErrorName, OrchestratorError } from './orchestrator-error.js';

/** One problem found in a configuration, with where it is. */
export interface ConfigurationIssue {
  /** Dotted path with array indexes, e.g. `providers.openai.fallback_models[1]`; empty for the root. */
  path: string;
  message: string;
}

/**
 * A bad configuration or set-up: invalid config keys or values, an unreadable config file, a
 * provider SDK that is not installed. Lists every problem found, each with its path.
 */
export class ConfigurationError extends OrchestratorError {
  readonly issues: ConfigurationIssue[];

  /**
   * @param options.source the config file, named in the message.
   * @param options.subject what was invalid. @default 'configuration'
   */
  constructor(issues: ConfigurationIssue[], options?: { cause?: unknown; source?: string; subject?: 'configuration' | 'request' }) {
    const where = options?.source ? ` in ${options.source}` : '';
    const lines = issues.map((issue) => (issue.path ? `  ${issue.path}: ${issue.message}` : `  ${issue.message}`));
    super(`Invalid ${options?.subject ?? 'configuration'}${where}:\n${lines.join('\n')}`, options);
    this.name = 'ConfigurationError';
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is ConfigurationError {
    return hasErrorName(error, 'ConfigurationError');
  }
}
