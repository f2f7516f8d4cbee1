import { LEDGER_COLUMNS, type UsageRecord } from './usage-record.js';

/**
 * One record as a JSON line, without the line break: exactly the ledger columns, in
 * {@link LEDGER_COLUMNS} order, whatever order the object's own keys are in.
 */
export function toJsonLine(record: UsageRecord): string {
  // Records built by the tracker or loaded from a ledger already have exactly these keys in
  // this order: stringify them as they are, without building an ordered copy.
  if (hasLedgerKeyOrder(record)) return JSON.stringify(record);
  const ordered: Record<string, unknown> = {};
  for (const column of LEDGER_COLUMNS) ordered[column] = record[column] ?? null;
  return JSON.stringify(ordered);
}

function hasLedgerKeyOrder(record: UsageRecord): boolean {
  let column = 0;
  for (const key in record) {
    if (key !== LEDGER_COLUMNS[column] || record[key as keyof UsageRecord] === undefined) return false;
    column += 1;
  }
  return column === LEDGER_COLUMNS.length;
}
