/** Which Google SDK the Vertex adapter drives. */
export type VertexSdk = 'vertexai' | 'genai';

/** Anything with `getAccessToken()`, as `google-auth-library` clients have (used by tests). */
export interface VertexAccessTokenSource {
  getAccessToken(): Promise<{ token?: string | null } | string | null | undefined>;
}

/** How to build a {@link VertexProvider}. */
export interface VertexProviderOptions {
  /** The provider entry's name in the config (`vertex`, or the entry's own key). */
  name: string;
  /** The Google Cloud project id. */
  projectId: string;
  /** A Vertex AI region (`us-central1`, `europe-west4`...) or `global`. */
  location: string;
  /**
   * The API endpoint as an `https://host[:port]` URL (a private endpoint, a proxy). Passed to
   * `@google-cloud/vertexai` as `apiEndpoint` (`host[:port]`, always https) and to
   * `@google/genai` as `httpOptions.baseUrl` (which also accepts `http://`).
   * @default `https://{location}-aiplatform.googleapis.com`, `https://aiplatform.googleapis.com` for `global`
   */
  baseUrl?: string;
  /**
   * A Google credential file (service-account key or any kind `google-auth-library` reads).
   * @default Application Default Credentials
   */
  credentialsPath?: string;
  /**
   * `vertexai` is `@google-cloud/vertexai` (deprecated by Google, and unable to cancel a
   * request in flight); `genai` is `@google/genai` in Vertex mode, Google's maintained SDK.
   * @default 'vertexai'
   */
  sdk?: VertexSdk;
  /**
   * An auth client used instead of `credentialsPath` and ADC: any object with
   * `getAccessToken()` (tests inject one so nothing reaches Google's token servers).
   */
  authClient?: unknown;
}
