import { ConfigurationError } from '../../errors/configuration-error.js';

/** Where a Vertex provider sends its requests, in the form each consumer wants. */
export interface VertexEndpoint {
  /** `https://host[:port]` (or `http://` when configured so): the REST root, no trailing slash. */
  origin: string;
  /** `host[:port]`: `@google-cloud/vertexai`'s `apiEndpoint`; `undefined` = the SDK's default. */
  apiEndpoint?: string;
  /** `@google/genai`'s `httpOptions.baseUrl` (with a trailing slash); `undefined` = the SDK's default. */
  genaiBaseUrl?: string;
}

/**
 * Resolves the endpoint of a Vertex provider. Location `global` is served by
 * `aiplatform.googleapis.com` (not `global-aiplatform...`, which `@google-cloud/vertexai` would
 * build by itself). A `baseUrl` must be an `http(s)://host[:port]` URL; path and query are not
 * allowed because neither SDK could honour them.
 */
export function resolveVertexEndpoint(options: { providerName: string; location: string; baseUrl?: string }): VertexEndpoint {
  if (options.baseUrl === undefined) {
    const host = options.location === 'global' ? 'aiplatform.googleapis.com' : `${options.location}-aiplatform.googleapis.com`;
    return {
      origin: `https://${host}`,
      ...(options.location === 'global' ? { apiEndpoint: host } : {}),
    };
  }
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw invalid(options.providerName, `'${options.baseUrl}' is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
    throw invalid(options.providerName, `'${options.baseUrl}' must be an https://host[:port] URL without a path`);
  }
  return { origin: url.origin, apiEndpoint: url.host, genaiBaseUrl: `${url.origin}/` };
}

function invalid(providerName: string, message: string): ConfigurationError {
  return new ConfigurationError([{ path: `providers.${providerName}.base_url`, message }]);
}
