import type { ChatRequest } from '../spec/chat-request.js';
import { buildCandidateChain } from './build-candidate-chain.js';
import type { OrchestratorCore } from './orchestrator-core.js';

/** Why a candidate would not be tried now. */
export type CandidateSkipReason = 'provider_unavailable' | 'model_retired' | 'model_not_found' | 'cooling_down';

/** One candidate of a call's chain, as {@link LLMOrchestrator.explain} sees it. */
export interface CandidateExplanation {
  /** The provider entry's name in the config. */
  provider: string;
  model: string;
  /** Whether a call made now would try it (in this order, as the chain reaches it). */
  willTry: boolean;
  /** Why not, when `willTry` is false. */
  skipReason?: CandidateSkipReason;
  /** A sentence for people: why it is tried or skipped (never contains a secret). */
  detail: string;
  /** The registry or the lifecycle data calls the model deprecated: it is still tried, with a warning. */
  deprecated: boolean;
  /**
   * Its circuit (cool-downs): `open` skips it until `coolingDownUntil`; `half-open` lets one
   * trial request through (skipped while another call's trial is in flight).
   */
  circuit: 'closed' | 'open' | 'half-open';
  /** While cooling down: when the cool-down ends and a trial request may go through. */
  coolingDownUntil?: Date;
}

/** A call's resolved fallback chain, every candidate in order, with what a call made now would do. */
export interface ChainExplanation {
  candidates: CandidateExplanation[];
}

/**
 * The chain a call with these `provider`/`model` pins would walk, and for each candidate whether
 * it would be tried and why not. Reads state only: takes no trial, emits no warning. Per-call
 * decisions (retries, a provider skipped after `auth`/`quota`, the attempt budget) depend on
 * the answers and are not foreseen.
 *
 * @throws ConfigurationError when the request pins a provider the config does not have.
 */
export function explainChain(core: OrchestratorCore, request: Pick<ChatRequest, 'provider' | 'model'> = {}): ChainExplanation {
  const chain = buildCandidateChain(core.config, request);
  const explicit = request.model !== undefined;
  const candidates = chain.all.map(({ candidate, unavailableReason }): CandidateExplanation => {
    const { provider, model } = candidate;
    const { skip, deprecated } = core.models.inspect(candidate, explicit);
    const circuit = core.circuits.status(candidate);
    const base = { provider, model, deprecated, circuit: circuit.state };
    if (unavailableReason !== undefined) {
      return { ...base, willTry: false, skipReason: 'provider_unavailable', detail: `provider '${provider}' is unavailable: ${unavailableReason}` };
    }
    if (skip) return { ...base, willTry: false, skipReason: skip.code, detail: skip.message };
    if (circuit.state === 'open' && circuit.until !== undefined) {
      const until = new Date(circuit.until);
      return { ...base, willTry: false, skipReason: 'cooling_down', coolingDownUntil: until, detail: `cooling down after failures until ${until.toISOString()}` };
    }
    if (circuit.state === 'half-open' && circuit.trialInFlight) {
      return { ...base, willTry: false, skipReason: 'cooling_down', detail: 'its cool-down ended; another call is making the one trial request' };
    }
    const why = circuit.state === 'half-open' ? 'its cool-down ended: the next call makes the one trial request' : 'available';
    return { ...base, willTry: true, detail: deprecated ? `${why} (deprecated: tried with a warning)` : why };
  });
  return { candidates };
}
