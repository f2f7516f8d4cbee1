import type { NormalizedProviderConfig } from '../config/normalized-config.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { BaseLLMProvider } from '../spec/base-llm-provider.js';
import { AnthropicProvider } from './anthropic/anthropic-provider.js';
import { BedrockProvider } from './bedrock/bedrock-provider.js';
import { GeminiProvider } from './gemini/gemini-provider.js';
import { OpenAIProvider } from './openai/openai-provider.js';
import { VertexProvider } from './vertex/vertex-provider.js';

/**
 * The built-in adapter for a provider entry. Adapters load their SDK on first use, so building
 * one imports nothing heavy. Secrets are revealed here, once, into the adapter's private fields.
 */
export function createProvider(config: NormalizedProviderConfig): BaseLLMProvider {
  const { name } = config;
  const apiKey = config.apiKey?.reveal();
  switch (config.type) {
    case 'openai':
      return new OpenAIProvider({ name, ...(apiKey !== undefined ? { apiKey } : {}), ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}) });
    case 'anthropic':
      return new AnthropicProvider({ name, ...(apiKey !== undefined ? { apiKey } : {}), ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}) });
    case 'gemini':
      return new GeminiProvider({
        name,
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.sdk === 'genai' ? { sdk: 'genai' as const } : {}),
      });
    case 'bedrock': {
      const accessKeyId = config.awsAccessKeyId?.reveal();
      const secretAccessKey = config.awsSecretAccessKey?.reveal();
      const sessionToken = config.awsSessionToken?.reveal();
      return new BedrockProvider({
        name,
        region: config.region ?? 'us-east-1',
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.controlBaseUrl ? { controlBaseUrl: config.controlBaseUrl } : {}),
        ...(accessKeyId && secretAccessKey
          ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
          : {}),
      });
    }
    case 'vertex':
      return new VertexProvider({
        name,
        projectId: config.projectId ?? '',
        location: config.location ?? 'us-central1',
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.credentialsPath ? { credentialsPath: config.credentialsPath } : {}),
        ...(config.sdk === 'genai' ? { sdk: 'genai' as const } : {}),
      });
    default:
      throw new ConfigurationError([
        { path: `providers.${name}.type`, message: `no built-in adapter for type '${config.type}': pass one in options.providers.${name}` },
      ]);
  }
}
