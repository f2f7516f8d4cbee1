export { AnthropicProvider, type AnthropicProviderOptions } from './anthropic-provider.js';
export { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic-default-max-tokens.js';
