import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';

/** The Bedrock runtime SDK module, loaded on first use. */
export type BedrockRuntimeSdk = typeof import('@aws-sdk/client-bedrock-runtime');
/** The Bedrock control-plane SDK module, loaded on first use. */
export type BedrockControlSdk = typeof import('@aws-sdk/client-bedrock');
/** The node:http request handler module, loaded on first use. */
export type NodeHttpHandlerSdk = typeof import('@smithy/node-http-handler');

/** Loads `@aws-sdk/client-bedrock-runtime`; a missing package is a `ConfigurationError`. */
export function loadBedrockRuntimeSdk(providerName: string): Promise<BedrockRuntimeSdk> {
  return loadOptionalSdk('@aws-sdk/client-bedrock-runtime', providerName, () => import('@aws-sdk/client-bedrock-runtime'));
}

/** Loads `@aws-sdk/client-bedrock` (only `listModels` needs it). */
export function loadBedrockControlSdk(providerName: string): Promise<BedrockControlSdk> {
  return loadOptionalSdk('@aws-sdk/client-bedrock', providerName, () => import('@aws-sdk/client-bedrock'));
}

/**
 * Loads `@smithy/node-http-handler`. Bedrock clients always use it: the SDK's default HTTP/2
 * handler is not needed for Converse and cannot be intercepted by proxies or test servers.
 */
export function loadNodeHttpHandlerSdk(providerName: string): Promise<NodeHttpHandlerSdk> {
  return loadOptionalSdk('@smithy/node-http-handler', providerName, () => import('@smithy/node-http-handler'));
}
