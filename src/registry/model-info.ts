/** What the registry knows of one model. */
export interface ModelInfo {
  /** The id a request uses (Google's `models/` prefix stripped). */
  id: string;
  /** The provider entry's name. */
  provider: string;
  /** True once a refresh no longer listed it (models are never removed). */
  deprecated: boolean;
  /** ISO time it was marked deprecated. */
  deprecatedAt?: string;
  /** ISO date the provider retires it, when known. */
  retiresAt?: string;
  /** The model the provider recommends instead, when known. */
  replacement?: string;
  /** ISO time a refresh last listed it. */
  lastSeenAt?: string;
  /** ISO time `validateModel` last proved it answers. */
  lastValidatedAt?: string;
}
