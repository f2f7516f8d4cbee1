/** One target of the fallback chain: a model of a provider entry. */
export interface Candidate {
  /** The provider entry's name in the config. */
  provider: string;
  model: string;
}
