import { AnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import { BedrockProvider } from '../../src/providers/bedrock/bedrock-provider.js';
import { GeminiProvider } from '../../src/providers/gemini/gemini-provider.js';
import { OpenAIProvider } from '../../src/providers/openai/openai-provider.js';
import type { ProviderEntryInput } from '../../src/config/config-input.js';
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
};

/** Fake credentials: the fault server checks none of them. */
export const fakeSecrets = {
  openai: 'sk-fault-secret-0123456789',
  anthropic: 'sk-ant-fault-secret-0123456789',
  gemini: 'AIzaFAULT-secret-0123456789',
  awsAccessKeyId: 'AKIAFAULTACCESSKEY',
  awsSecretAccessKey: 'fault-secret-access-key-0123456789',
};

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
  }
}

/** The provider entry of an orchestrator config for `provider`, pointed at the fault server. */
export function faultProviderEntry(provider: FaultProvider, server: FaultServer, models: string[]): ProviderEntryInput {
  const base_url = server.baseUrl(provider);
  if (provider === 'bedrock') {
    return { region: 'us-east-1', base_url, control_base_url: base_url, aws_access_key_id: fakeSecrets.awsAccessKeyId, aws_secret_access_key: fakeSecrets.awsSecretAccessKey, fallback_models: models };
  }
  return { api_key: fakeSecrets[provider], base_url, fallback_models: models };
}

/** Reads a whole adapter stream; returns its events, text, the error it threw, and whether it finished. */
export async function collectEvents(stream: AsyncIterable<ProviderStreamEvent>) {
  const outcome = await collectStream(stream);
  return { ...outcome, finished: outcome.events.some((event) => event.type === 'finish') };
}
