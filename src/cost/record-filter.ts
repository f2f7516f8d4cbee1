import type { AttemptStatus } from '../spec/chat-response.js';
import type { UsageRecord } from './usage-record.js';

/** Selects records. Every field given must match; `from` is inclusive, `to` exclusive. */
export interface RecordFilter {
  /** Records at or after this instant (a `Date` or anything `new Date()` reads). */
  from?: Date | string;
  /** Records strictly before this instant. */
  to?: Date | string;
  /** Provider entry name. */
  provider?: string;
  model?: string;
  sessionId?: string;
  status?: AttemptStatus;
}

/**
 * Builds a predicate for {@link RecordFilter}.
 * @throws RangeError when `from` or `to` is not a valid date.
 */
export function createRecordPredicate(filter: RecordFilter = {}): (record: UsageRecord) => boolean {
  const from = filter.from === undefined ? undefined : toTime(filter.from, 'from');
  const to = filter.to === undefined ? undefined : toTime(filter.to, 'to');
  return (record) => {
    if (filter.provider !== undefined && record.provider !== filter.provider) return false;
    if (filter.model !== undefined && record.model !== filter.model) return false;
    if (filter.sessionId !== undefined && record.session_id !== filter.sessionId) return false;
    if (filter.status !== undefined && record.status !== filter.status) return false;
    if (from === undefined && to === undefined) return true;
    const time = Date.parse(record.timestamp);
    if (from !== undefined && !(time >= from)) return false;
    if (to !== undefined && !(time < to)) return false;
    return true;
  };
}

function toTime(value: Date | string, name: string): number {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`Invalid '${name}' date in cost filter: ${String(value)}`);
  return time;
}
