import { AnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import { BedrockProvider } from '../../src/providers/bedrock/bedrock-provider.js';
import { GeminiProvider } from '../../src/providers/gemini/gemini-provider.js';
import { OpenAIProvider } from '../../src/providers/openai/openai-provider.js';
import { VertexProvider } from '../../src/providers/vertex/vertex-provider.js';
import type { ProviderEntryInput } from '../../src/config/config-input.js';
import type { NormalizedProviderConfig } from '../../src/config/normalized-config.js';
import type { OrchestratorOptions } from '../../src/llm-orchestrator.js';
import type { BaseLLMProvider } from '../../src/spec/base-llm-provider.js';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import type { FaultProvider, FaultServer } from './fault-server.js';
import { collectStream } from '../setup/collect-stream.js';

/** The model each provider is called with in the resilience tests. */
export const faultModels: Record<FaultProvider, string> = {
  openai: 'gpt-4.1-nano',
  anthropic: 'claude-haiku-4-5-20251001',
  gemini: 'gemini-2.5-flash',
  bedrock: 'anthropic.claude-3-haiku-20240307-v1:0',
  vertex: 'gemini-2.5-flash',
};

/** Fake credentials: the fault server checks none of them. */
export const fakeSecrets = {
  openai: 'sk-fault-secret-0123456789',
  anthropic: 'sk-ant-fault-secret-0123456789',
  gemini: 'AIzaFAULT-secret-0123456789',
  awsAccessKeyId: 'AKIAFAULTACCESSKEY',
  awsSecretAccessKey: 'fault-secret-access-key-0123456789',
  vertexAccessToken: 'ya29.fault-secret-0123456789',
};

/** The Google Cloud project and location of the Vertex entry. */
const vertexProject = { projectId: 'fault-project', location: 'us-central1' };

/**
 * A Google auth client that hands out a fake access token: nothing reaches Google's token or
 * metadata servers (a service-account key would send its signed JWT to oauth2.googleapis.com,
 * which no test can reach).
 */
const fakeVertexAuthClient = { getAccessToken: async () => ({ token: fakeSecrets.vertexAccessToken }) };

/**
 * The real Vertex adapter built from its normalized config entry, as the orchestrator builds it,
 * plus the fake auth client. Always `sdk: genai` (`@google/genai` in Vertex mode): the default
 * `@google-cloud/vertexai` backend only speaks https, and the fault server is plain http.
 */
function createFaultVertexProvider(entry: Pick<NormalizedProviderConfig, 'name' | 'projectId' | 'location' | 'baseUrl'>): VertexProvider {
  return new VertexProvider({
    name: entry.name,
    projectId: entry.projectId ?? vertexProject.projectId,
    location: entry.location ?? vertexProject.location,
    ...(entry.baseUrl !== undefined ? { baseUrl: entry.baseUrl } : {}),
    sdk: 'genai',
    authClient: fakeVertexAuthClient,
  });
}

/**
 * The orchestrator options every resilience test passes: the Vertex entry's adapter is the real
 * one, built from the entry, with the fake auth client (the config has no way to inject one).
 */
export const faultOrchestratorOptions = {
  providers: { vertex: (entry: NormalizedProviderConfig) => createFaultVertexProvider(entry) },
} satisfies OrchestratorOptions;

/** The real adapter of `provider`, pointed at the fault server. */
export function createFaultAdapter(provider: FaultProvider, server: FaultServer): BaseLLMProvider {
  const baseUrl = server.baseUrl(provider);
  switch (provider) {
    case 'openai':
      return new OpenAIProvider({ name: 'openai', apiKey: fakeSecrets.openai, baseUrl });
    case 'anthropic':
      return new AnthropicProvider({ name: 'anthropic', apiKey: fakeSecrets.anthropic, baseUrl });
    case 'gemini':
      return new GeminiProvider({ name: 'gemini', apiKey: fakeSecrets.gemini, baseUrl, sdk: 'generative-ai' });
    case 'bedrock':
      return new BedrockProvider({
        name: 'bedrock',
        region: 'us-east-1',
        baseUrl,
        controlBaseUrl: baseUrl,
        credentials: { accessKeyId: fakeSecrets.awsAccessKeyId, secretAccessKey: fakeSecrets.awsSecretAccessKey },
      });
    case 'vertex':
      return createFaultVertexProvider({ name: 'vertex', ...vertexProject, baseUrl });
  }
}

/**
 * The provider entry of an orchestrator config for `provider`, pointed at the fault server. An
 * orchestrator with a Vertex entry needs {@link faultOrchestratorOptions} as well.
 */
export function faultProviderEntry(provider: FaultProvider, server: FaultServer, models: string[]): ProviderEntryInput {
  const base_url = server.baseUrl(provider);
  if (provider === 'bedrock') {
    return { region: 'us-east-1', base_url, control_base_url: base_url, aws_access_key_id: fakeSecrets.awsAccessKeyId, aws_secret_access_key: fakeSecrets.awsSecretAccessKey, fallback_models: models };
  }
  if (provider === 'vertex') {
    // Served by `faultOrchestratorOptions.providers.vertex` (the fake auth client): pass those options too.
    return { project_id: vertexProject.projectId, location: vertexProject.location, base_url, sdk: 'genai', fallback_models: models };
  }
  return { api_key: fakeSecrets[provider], base_url, fallback_models: models };
}

/** Reads a whole adapter stream; returns its events, text, the error it threw, and whether it finished. */
export async function collectEvents(stream: AsyncIterable<ProviderStreamEvent>) {
  const outcome = await collectStream(stream);
  return { ...outcome, finished: outcome.events.some((event) => event.type === 'finish') };
}
