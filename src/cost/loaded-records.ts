import type { CostReportBuilder } from './build-cost-report.js';
import type { LedgerColumns } from './ledger-columns.js';
import type { UsageRecord } from './usage-record.js';

/** Records in columns (from a ledger index), built into objects only when asked for. */
interface ColumnsPart {
  columns: LedgerColumns;
  requestOf: Int32Array;
  records: UsageRecord[] | undefined;
}

/** Records as objects (parsed from ledger lines). */
interface RecordsPart {
  columns: undefined;
  records: UsageRecord[];
  requestOf: number[];
}

/**
 * The records a tracker loaded from a ledger, in file order, each with its request number (the
 * tracker's request slot). Runs of records the ledger's index gave stay in its columns: a
 * report adds them up from there, and record objects are built only the first time the records
 * themselves are asked for (then kept), so loading and reporting a million records does not
 * make a million objects.
 */
export class LoadedRecords {
  readonly #parts: (ColumnsPart | RecordsPart)[] = [];
  #size = 0;

  /** Records loaded. */
  get size(): number {
    return this.#size;
  }

  /** Adds a run of records in columns; `requestOf[index]` is record `index`'s request number. */
  addColumns(columns: LedgerColumns, requestOf: Int32Array): void {
    this.#parts.push({ columns, requestOf, records: undefined });
    this.#size += columns.count;
  }

  /** Adds one (frozen) record with its request number. */
  addRecord(record: UsageRecord, requestNumber: number): void {
    let part = this.#parts.at(-1);
    if (part === undefined || part.columns !== undefined) {
      part = { columns: undefined, records: [], requestOf: [] };
      this.#parts.push(part);
    }
    part.records.push(record);
    part.requestOf.push(requestNumber);
    this.#size += 1;
  }

  /** Every record, in file order, in a new array; builds (once) the objects of runs held in columns. */
  toArray(): UsageRecord[] {
    const all = new Array<UsageRecord>(this.#size);
    let position = 0;
    for (const part of this.#parts) {
      part.records ??= buildFrozen(part.columns);
      for (const record of part.records) all[position++] = record;
    }
    return all;
  }

  /** The request number of every record, in file order. */
  requestNumbers(): Int32Array {
    const numbers = new Int32Array(this.#size);
    let position = 0;
    for (const part of this.#parts) {
      numbers.set(part.requestOf, position);
      position += part.requestOf.length;
    }
    return numbers;
  }

  /** Adds every record to a report, from the columns where it has them. */
  addTo(builder: CostReportBuilder): void {
    for (const part of this.#parts) {
      if (part.columns) builder.addColumns(part.columns, part.requestOf);
      else builder.addRecords(part.records, Int32Array.from(part.requestOf));
    }
  }

  /**
   * The newest record with this key, or undefined. Runs in columns are searched in their
   * columns; only the run that holds the key gets its objects built (and kept).
   */
  findNewest(requestId: string, attempt: number): UsageRecord | undefined {
    for (let index = this.#parts.length - 1; index >= 0; index -= 1) {
      const part = this.#parts[index] as ColumnsPart | RecordsPart;
      if (part.records === undefined && part.columns !== undefined) {
        const position = findInColumns(part.columns, requestId, attempt);
        if (position === -1) continue;
        part.records = buildFrozen(part.columns);
        return part.records[position];
      }
      const found = part.records?.findLast((record) => record.request_id === requestId && record.attempt === attempt);
      if (found) return found;
    }
    return undefined;
  }
}

/** The position of the newest record with this key in a run of columns, or -1. */
function findInColumns(columns: LedgerColumns, requestId: string, attempt: number): number {
  const { strings } = columns;
  const requests = columns.textColumn('request_id');
  const attempts = columns.numberColumn('attempt');
  for (let position = columns.count - 1; position >= 0; position -= 1) {
    if (attempts[position] === attempt && strings[requests[position] as number] === requestId) return position;
  }
  return -1;
}

function buildFrozen(columns: LedgerColumns | undefined): UsageRecord[] {
  if (columns === undefined) return [];
  const records = columns.records();
  for (const record of records) Object.freeze(record);
  return records;
}
