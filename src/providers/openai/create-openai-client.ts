import type OpenAI from 'openai';
import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';

/** The loaded `openai` module. */
export type OpenAISdk = typeof import('openai');

/** What {@link createOpenAIClient} needs. */
export interface OpenAIClientSettings {
  /** The provider entry name (named in the "install openai" error). */
  providerName: string;
  apiKey?: string;
  baseUrl?: string;
}

/** A loaded SDK and a client built from it. */
export interface OpenAIClientHandle {
  sdk: OpenAISdk;
  client: OpenAI;
}

/** Placeholder key for OpenAI-compatible servers that need none (the SDK refuses an empty one). */
export const missingApiKeyPlaceholder = 'no-key';

/**
 * Loads the `openai` package (first use only) and builds a client with the SDK's own retries
 * off (`maxRetries: 0`: the orchestrator retries). A missing package is a `ConfigurationError`.
 */
export async function createOpenAIClient(settings: OpenAIClientSettings): Promise<OpenAIClientHandle> {
  const sdk = await loadOptionalSdk('openai', settings.providerName, () => import('openai'));
  const client = new sdk.OpenAI({
    apiKey: settings.apiKey ?? missingApiKeyPlaceholder,
    maxRetries: 0,
    ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }),
  });
  return { sdk, client };
}
