/** Static AWS credentials for {@link BedrockProvider}. */
export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary (STS) credentials. */
  sessionToken?: string;
}

/** How to build a {@link BedrockProvider}. */
export interface BedrockProviderOptions {
  /** The provider entry's name in the config (`bedrock`, or the entry's own key). */
  name: string;
  /** AWS region of the Bedrock runtime and control plane, e.g. `us-east-1`. */
  region: string;
  /**
   * The runtime endpoint (`endpoint` of the SDK client): a VPC endpoint or a proxy.
   * @default the region's `https://bedrock-runtime.{region}.amazonaws.com`
   */
  baseUrl?: string;
  /**
   * The control-plane endpoint used to list foundation models.
   * @default the region's `https://bedrock.{region}.amazonaws.com`
   */
  controlBaseUrl?: string;
  /**
   * Static credentials. Kept in a private field: never printed, inspected or serialized.
   * @default the default AWS credential chain (environment, shared config, SSO, IMDS...)
   */
  credentials?: BedrockCredentials;
}
