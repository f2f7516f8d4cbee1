import { LEDGER_COLUMNS, type UsageRecord } from './usage-record.js';

/** The CSV header line of the ledger, without a line break. */
export function csvHeader(): string {
  return LEDGER_COLUMNS.join(',');
}

/**
 * One record as an RFC 4180 CSV line, without a line break: cells in {@link LEDGER_COLUMNS}
 * order, `null` as an empty cell (an unpriced `cost_usd`), `metadata` as JSON text, numbers
 * written out without exponents. A text cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'` so a spreadsheet shows it instead of running it as a
 * formula; numbers are left alone, so `-1` stays a number.
 */
export function toCsvRow(record: UsageRecord): string {
  return LEDGER_COLUMNS.map((column) => formatCsvCell(column === 'metadata' ? JSON.stringify(record.metadata ?? {}) : record[column])).join(',');
}

/** One CSV cell, formatted as {@link toCsvRow} describes. */
export function formatCsvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  const text = neutraliseFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const plain = String(value);
  if (!plain.includes('e')) return plain;
  // Costs are kept to 1e-10 USD; 1e-7 would read as text in some spreadsheets.
  if (Math.abs(value) < 1) return value.toFixed(10).replace(/\.?0+$/, '');
  return plain;
}
