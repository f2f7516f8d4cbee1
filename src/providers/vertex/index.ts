export { VertexProvider } from './vertex-provider.js';
export type { VertexAccessTokenSource, VertexProviderOptions, VertexSdk } from './vertex-provider-options.js';
