/**
 * Something the cost tracker could not do but did not throw for. Codes:
 * `sink_write_failed`, `sink_flush_failed`, `sink_close_failed`, `duplicate_record`,
 * `record_after_close`, `invalid_cost`, `ledger_line_skipped`, `records_evicted`.
 */
export interface CostWarning {
  code: string;
  message: string;
}
