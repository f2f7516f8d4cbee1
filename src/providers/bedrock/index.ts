export { BedrockProvider } from './bedrock-provider.js';
export type { BedrockCredentials, BedrockProviderOptions } from './bedrock-provider-options.js';
