import type { VertexAccessTokenSource } from './vertex-provider-options.js';

/** Marks an error raised while getting an access token, so it maps to kind `auth`. */
export class VertexAccessTokenError extends Error {
  constructor(cause: unknown) {
    super(`could not get a Google access token: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'VertexAccessTokenError';
  }
}

/** The auth client both SDKs accept as `googleAuthOptions.authClient`. */
export interface VertexAuthClient {
  getAccessToken(): Promise<{ token: string }>;
  getRequestHeaders(url?: string): Promise<Headers>;
}

/**
 * Adapts an injected token source (anything with `getAccessToken()`) to what both Google SDKs
 * call: `@google-cloud/vertexai` asks `getAccessToken()`, `@google/genai` asks
 * `getRequestHeaders()`. A failing or empty token fetch throws {@link VertexAccessTokenError}.
 */
export function createVertexAuthClient(source: unknown): VertexAuthClient {
  if (typeof (source as VertexAccessTokenSource | undefined)?.getAccessToken !== 'function') {
    throw new TypeError('authClient must have a getAccessToken() method');
  }
  const tokenSource = source as VertexAccessTokenSource;
  const getAccessToken = async (): Promise<{ token: string }> => {
    let token: string | null | undefined;
    try {
      const result = await tokenSource.getAccessToken();
      token = typeof result === 'string' ? result : result?.token;
    } catch (error) {
      throw new VertexAccessTokenError(error);
    }
    if (!token) throw new VertexAccessTokenError(new Error('the auth client returned no token'));
    return { token };
  };
  return {
    getAccessToken,
    async getRequestHeaders() {
      const { token } = await getAccessToken();
      return new Headers({ authorization: `Bearer ${token}` });
    },
  };
}
