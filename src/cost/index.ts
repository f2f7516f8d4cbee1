export { CATALOGUE_PRICE_SOURCE, CATALOGUE_VERSION, OVERRIDE_PRICE_SOURCE } from './catalogue-version.js';
export { CostTracker } from './cost-tracker.js';
export { CsvSink } from './csv-sink.js';
export { csvHeader, toCsvRow } from './format-csv.js';
export { JsonlSink } from './jsonl-sink.js';
export { PriceBook } from './price-book.js';
export { LEDGER_COLUMNS } from './usage-record.js';

export type { CostReport, CostSummary, ReportGroupBy, ReportOptions } from './cost-report.js';
export type { CostSink } from './cost-sink.js';
export type { CostTrackerOptions, UnpricedModel } from './cost-tracker.js';
export type { CostWarning } from './cost-warning.js';
export type { FileSinkOptions } from './file-sink-options.js';
export type { PriceBookOptions, PriceInput, PriceResult } from './price-book.js';
export type { RecordFilter } from './record-filter.js';
export type { UsageRecordInput } from './usage-record-input.js';
export type { LedgerColumn, UsageRecord, UsageSource } from './usage-record.js';
