import { LEDGER_COLUMNS, type UsageRecord } from './usage-record.js';

/**
 * One record as a JSON line, without the line break: exactly the ledger columns, in
 * {@link LEDGER_COLUMNS} order, whatever order the object's own keys are in.
 */
export function toJsonLine(record: UsageRecord): string {
  const ordered: Record<string, unknown> = {};
  for (const column of LEDGER_COLUMNS) ordered[column] = record[column] ?? null;
  return JSON.stringify(ordered);
}
