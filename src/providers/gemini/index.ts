export { GeminiProvider, type GeminiProviderOptions, type GeminiSdk } from './gemini-provider.js';
