import type { NormalizedConfig, OnRetired } from '../config/normalized-config.js';
import type { ConfigurationIssue } from '../errors/configuration-error.js';
import type { ProviderError } from '../errors/provider-error.js';
import { lifecycleStatus, type ModelLifecycle } from './model-lifecycle.js';
import type { ModelRegistry } from './model-registry.js';

/** A model of a provider entry. */
interface Target {
  provider: string;
  model: string;
}

/** What {@link ModelPolicy} reads and reports through. */
export interface ModelPolicyOptions {
  config: NormalizedConfig;
  registry: ModelRegistry;
  lifecycle: ModelLifecycle;
  /** @default 'skip' */
  onRetired: OnRetired;
  /** The orchestrator's warning channel (once per code, provider and model). */
  warn: (code: string, message: string, provider?: string, model?: string) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/** A model retiring within this many days is named at construction. */
export const retiringWithinDays = 90;

/**
 * The orchestrator's rules for deprecated and retired models: warnings for the configured
 * models, which candidates the chain leaves out, and what a `not_found` answer teaches the
 * registry. A request that names its model (`request.model`) always tries it: the user asked
 * for it explicitly; it still warns.
 */
export class ModelPolicy {
  constructor(private readonly options: ModelPolicyOptions) {}

  /**
   * The configured models (`active_model`, every `fallback_models` entry) checked against the
   * lifecycle data: returns the issues of retired models when `on_retired` is `error`, and
   * reports the other findings as warnings through `warn` (call it once listeners can hear).
   */
  checkConfiguredModels(): { issues: ConfigurationIssue[]; report: () => void } {
    const issues: ConfigurationIssue[] = [];
    const warnings: Array<() => void> = [];
    const now = this.#now();
    for (const { provider, model, path } of configuredModels(this.options.config)) {
      const entry = this.options.lifecycle.find(provider, model);
      if (!entry) continue;
      const status = lifecycleStatus(entry, now);
      const instead = entry.replacement ? `; the provider recommends '${entry.replacement}'` : '';
      if (status.retired) {
        if (this.options.onRetired === 'error') {
          issues.push({ path, message: `model '${model}' of '${provider}' was retired on ${entry.retiresAt}${instead} (models.on_retired is 'error')` });
        } else {
          warnings.push(() => this.#retiredWarning(provider, model));
        }
      } else if (status.daysToRetirement !== undefined && status.daysToRetirement <= retiringWithinDays) {
        const message = `Model '${model}' of '${provider}' retires on ${entry.retiresAt} (in ${status.daysToRetirement} days)${instead}`;
        warnings.push(() => this.options.warn('model_retiring', message, provider, model));
      } else if (status.deprecated) {
        const since = entry.deprecatedAt ? ` since ${entry.deprecatedAt}` : '';
        const until = entry.retiresAt ? `, retiring on ${entry.retiresAt}` : '';
        const message = `Model '${model}' of '${provider}' is deprecated${since}${until}${instead}`;
        warnings.push(() => this.options.warn('model_deprecated', message, provider, model));
      }
    }
    return { issues, report: () => warnings.forEach((warning) => warning()) };
  }

  /**
   * Why the chain leaves this candidate out, or undefined to try it: a model past its
   * retirement date under `on_retired: skip`, or one a `not_found` answer marked deprecated.
   * `explicit`: the request named this model, which is always tried. `ignoreNotFound`: whether
   * the `not_found` marks alone would leave the chain empty, so they are not followed; asked only
   * when this model carries a mark (the common path pays nothing for it).
   */
  skipReason(candidate: Target, explicit: boolean, ignoreNotFound: () => boolean = () => false): string | undefined {
    const { provider, model } = candidate;
    const entry = this.options.lifecycle.find(provider, model);
    const retired = entry !== undefined && lifecycleStatus(entry, this.#now()).retired;
    if (retired) this.#retiredWarning(provider, model);
    if (explicit) return undefined;
    // Under `error` a model retired at start-up already failed construction; one that retires later is skipped.
    if (retired && this.options.onRetired !== 'warn') return `${model} retired on ${entry.retiresAt}`;
    if (this.options.registry.isMarkedNotFound(provider, model) && !ignoreNotFound()) {
      const reason = this.options.registry.get(provider, model)?.deprecationReason ?? 'not found';
      this.options.warn(
        'deprecated_model_skipped',
        `Model '${model}' of '${provider}' is skipped: an earlier call answered not_found (${reason}); name it in the request to try it anyway`,
        provider,
        model,
      );
      return `${model} answered not_found earlier`;
    }
    return undefined;
  }

  /**
   * What {@link skipReason} would decide, without warning: for `explain`. `deprecated` tells
   * whether the registry or the lifecycle data calls the model deprecated (tried with a warning).
   */
  inspect(candidate: Target, explicit: boolean): { skip?: { code: 'model_retired' | 'model_not_found'; message: string }; deprecated: boolean } {
    const { provider, model } = candidate;
    const entry = this.options.lifecycle.find(provider, model);
    const status = entry ? lifecycleStatus(entry, this.#now()) : undefined;
    const deprecated = (this.options.registry.get(provider, model)?.deprecated ?? false) || (status?.deprecated ?? false);
    if (explicit) return { deprecated };
    if (entry && status?.retired && this.options.onRetired !== 'warn') {
      return { deprecated, skip: { code: 'model_retired', message: `${model} retired on ${entry.retiresAt} (models.on_retired: ${this.options.onRetired})` } };
    }
    if (this.options.registry.isMarkedNotFound(provider, model)) {
      const reason = this.options.registry.get(provider, model)?.deprecationReason ?? 'not found';
      return { deprecated, skip: { code: 'model_not_found', message: `${model} answered not_found earlier (${reason})` } };
    }
    return { deprecated };
  }

  /** Before an attempt: the first use of a deprecated model warns once. */
  beforeAttempt(candidate: Target): void {
    const info = this.options.registry.get(candidate.provider, candidate.model);
    if (!info?.deprecated) return;
    const until = info.retiresAt ? `, retiring on ${info.retiresAt}` : '';
    const instead = info.replacement ? `; the provider recommends '${info.replacement}'` : '';
    const why = info.deprecationReason ? ` (${info.deprecationReason})` : '';
    this.options.warn(
      'deprecated_model_used',
      `Using deprecated model '${candidate.model}' of '${candidate.provider}'${why}${until}${instead}`,
      candidate.provider,
      candidate.model,
    );
  }

  /** After a failed attempt: `not_found` marks the model deprecated for later requests. */
  afterFailure(candidate: Target, error: ProviderError): void {
    if (error.kind !== 'not_found') return;
    const { registry } = this.options;
    if (registry.isMarkedNotFound(candidate.provider, candidate.model)) return;
    registry.markNotFound(candidate.provider, candidate.model, `not_found: ${error.message}`);
    this.options.warn(
      'model_not_found',
      `Model '${candidate.model}' of '${candidate.provider}' answered not_found: marked deprecated; later requests skip it unless they name it`,
      candidate.provider,
      candidate.model,
    );
  }

  /** After a successful attempt: a `not_found` mark no longer holds. */
  afterSuccess(candidate: Target): void {
    this.options.registry.markAnswered(candidate.provider, candidate.model);
  }

  #retiredWarning(provider: string, model: string): void {
    const entry = this.options.lifecycle.find(provider, model);
    const instead = entry?.replacement ? `; the provider recommends '${entry.replacement}'` : '';
    const action = this.options.onRetired === 'warn' ? 'it is still tried (models.on_retired: warn)' : 'the fallback chain skips it unless a request names it';
    this.options.warn('model_retired', `Model '${model}' of '${provider}' was retired on ${entry?.retiresAt}${instead}: ${action}`, provider, model);
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** Every configured model with its config path, once per provider entry and model. */
function configuredModels(config: NormalizedConfig): Array<Target & { path: string }> {
  const found: Array<Target & { path: string }> = [];
  const seen = new Set<string>();
  const add = (provider: string, model: string, path: string) => {
    const key = `${provider}\u0000${model}`;
    if (seen.has(key) || model === '') return;
    seen.add(key);
    found.push({ provider, model, path });
  };
  const active = config.providers[config.activeProvider];
  if (active && !active.fallbackModels.includes(config.activeModel)) add(active.name, config.activeModel, 'active_model');
  for (const entry of Object.values(config.providers)) {
    entry.fallbackModels.forEach((model, index) => add(entry.name, model, `providers.${entry.name}.fallback_models[${index}]`));
  }
  return found;
}
