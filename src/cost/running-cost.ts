import type { LedgerColumns } from './ledger-columns.js';
import { USD_UNITS_PER_DOLLAR } from './round-usd.js';
import type { UsageRecord } from './usage-record.js';

/** A model that has records with no price, and how many. */
export interface UnpricedModel {
  provider: string;
  model: string;
  records: number;
}

/**
 * Cost of every record a tracker ever held, in total and by session, and its unpriced records
 * by model, kept as records arrive: `totalCost()`, `sessionCost()` and `unpriced()` stay exact
 * after old records leave memory, and cost nothing to ask. Costs are summed in whole 1e-10 USD
 * units, like reports, so a total equals a report's over the same records.
 */
export class RunningCost {
  #totalUnits = 0;
  readonly #unitsBySession = new Map<string, { units: number }>();
  /** The last session added to: records come in runs of one session, so most skip the map. */
  #lastSession: { id: string; sum: { units: number } } | undefined;
  /** By provider, then model, in first-seen order. */
  readonly #unpriced = new Map<string, UnpricedModel>();

  add(record: UsageRecord): void {
    this.#add(record.session_id, record.provider, record.model, record.cost_usd ?? Number.NaN);
  }

  /** Adds a run of records in columns, as a ledger index holds them. */
  addColumns(columns: LedgerColumns): void {
    const { strings } = columns;
    const sessions = columns.textColumn('session_id');
    const providers = columns.textColumn('provider');
    const models = columns.textColumn('model');
    const costs = columns.numberColumn('cost_usd');
    for (let index = 0; index < columns.count; index += 1) {
      this.#add(strings[sessions[index] as number] as string, strings[providers[index] as number] as string, strings[models[index] as number] as string, costs[index] as number);
    }
  }

  /** Adds one record's cost (`NaN` when unpriced). */
  #add(sessionId: string, provider: string, model: string, cost: number): void {
    if (Number.isNaN(cost)) {
      const key = `${provider}\u0000${model}`;
      const entry = this.#unpriced.get(key);
      if (entry) entry.records += 1;
      else this.#unpriced.set(key, { provider, model, records: 1 });
      return;
    }
    const units = Math.round(cost * USD_UNITS_PER_DOLLAR);
    this.#totalUnits += units;
    const id = sessionId;
    let last = this.#lastSession;
    if (last === undefined || last.id !== id) {
      let sum = this.#unitsBySession.get(id);
      if (sum === undefined) {
        sum = { units: 0 };
        this.#unitsBySession.set(id, sum);
      }
      last = { id, sum };
      this.#lastSession = last;
    }
    last.sum.units += units;
  }

  /** USD of all priced records. */
  total(): number {
    return this.#totalUnits / USD_UNITS_PER_DOLLAR;
  }

  /** USD of one session's priced records (0 for a session with none). */
  session(sessionId: string): number {
    return (this.#unitsBySession.get(sessionId)?.units ?? 0) / USD_UNITS_PER_DOLLAR;
  }

  /** The (provider, model) pairs with unpriced records, in the order first seen (copies). */
  unpriced(): UnpricedModel[] {
    return [...this.#unpriced.values()].map((entry) => ({ ...entry }));
  }
}
