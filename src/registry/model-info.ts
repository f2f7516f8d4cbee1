/** What the registry knows of one model. */
export interface ModelInfo {
  /** The id a request uses (Google's `models/` prefix stripped). */
  id: string;
  /** The provider entry's name. */
  provider: string;
  /**
   * True once a refresh no longer listed it, a call answered `not_found`, or the provider
   * announced its deprecation (lifecycle data). Models are never removed.
   */
  deprecated: boolean;
  /** When it was deprecated: the provider's announcement date, else the ISO time we noticed. */
  deprecatedAt?: string;
  /** Why it is marked deprecated, when the registry marked it (not listed, `not_found`...). */
  deprecationReason?: string;
  /** ISO date the provider retires it, when known. */
  retiresAt?: string;
  /** The model the provider recommends instead, when known. */
  replacement?: string;
  /** ISO time a refresh last listed it. */
  lastSeenAt?: string;
  /** ISO time `validateModel` last proved it answers. */
  lastValidatedAt?: string;
}
