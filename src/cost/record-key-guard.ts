/**
 * The `(request_id, attempt)` keys of the records a tracker holds, so none is held twice, and a
 * small integer slot per request held, which reports use to count distinct requests without
 * hashing request ids again. Attempts 1 to 30 (all real ones) are bits in a typed array indexed
 * by slot: one map entry per request, no joined key string or array per record, which matters
 * when a million records are loaded. Any other attempt number goes to a set of joined keys.
 * A request's slot is freed, for reuse, once none of its keys is held.
 */
export class RecordKeyGuard {
  readonly #slots = new Map<string, number>();
  #attemptBits = new Int32Array(1_024);
  /** Per slot, how many of its keys are in `#otherKeys`. */
  #otherCounts = new Int32Array(1_024);
  readonly #otherKeys = new Set<string>();
  readonly #freeSlots: number[] = [];
  #nextSlot = 0;
  /** The request of the last `add` and its slot: a request's attempts usually come together. */
  #lastRequestId: string | undefined;
  #lastSlot = -1;
  /**
   * Requests added with {@link addFresh} and their slots, not in `#slots` yet: a fresh request id
   * costs a map insertion (about a microsecond for a new string in a large map) only once
   * something has to look it up.
   */
  #pendingIds: string[] = [];
  #pendingSlots: number[] = [];

  /** One more than the highest slot ever given: slots are below it. */
  get slotLimit(): number {
    return this.#nextSlot;
  }

  /** Keys held (for tests and diagnostics). */
  get size(): number {
    this.#flush();
    let count = this.#otherKeys.size;
    for (const slot of this.#slots.values()) {
      for (let rest = this.#attemptBits[slot] as number; rest !== 0; rest &= rest - 1) count += 1;
    }
    return count;
  }

  /** Adds the key and returns its request's slot; -1 (and nothing changes) when it is held already. */
  add(requestId: string, attempt: number): number {
    const slot = requestId === this.#lastRequestId ? this.#lastSlot : this.#slotOf(requestId);
    if (slot !== undefined) return this.addToSlot(slot, requestId, attempt);
    const newSlot = this.#startRequest(requestId, attempt);
    this.#slots.set(requestId, newSlot);
    return newSlot;
  }

  /**
   * {@link add} for the first key of a request id no key was ever added for (one the caller
   * has just generated): no lookup, and no map insertion until something looks ids up.
   */
  addFresh(requestId: string, attempt: number): number {
    const slot = this.#startRequest(requestId, attempt);
    this.#pendingIds.push(requestId);
    this.#pendingSlots.push(slot);
    return slot;
  }

  /** Gives a request not held yet a slot holding its first key (the caller files the slot by id). */
  #startRequest(requestId: string, attempt: number): number {
    const slot = this.#takeSlot();
    this.#lastRequestId = requestId;
    this.#lastSlot = slot;
    const bit = attemptBit(attempt);
    if (bit === 0) {
      this.#otherKeys.add(joinedKey(requestId, attempt));
      this.#otherCounts[slot] = 1;
    } else this.#attemptBits[slot] = bit;
    return slot;
  }

  /**
   * {@link add} for a request whose slot the caller knows (returned by an earlier `add` of this
   * request, with a key of it still held): spares the lookup. Returns the slot, or -1.
   */
  addToSlot(slot: number, requestId: string, attempt: number): number {
    this.#lastRequestId = requestId;
    this.#lastSlot = slot;
    const bit = attemptBit(attempt);
    if (bit === 0) {
      const key = joinedKey(requestId, attempt);
      if (this.#otherKeys.has(key)) return -1;
      this.#otherKeys.add(key);
      this.#otherCounts[slot] = (this.#otherCounts[slot] as number) + 1;
      return slot;
    }
    const bits = this.#attemptBits[slot] as number;
    if ((bits & bit) !== 0) return -1;
    this.#attemptBits[slot] = bits | bit;
    return slot;
  }

  /** Whether the key is held. */
  has(requestId: string, attempt: number): boolean {
    const slot = requestId === this.#lastRequestId ? this.#lastSlot : this.#slotOf(requestId);
    if (slot === undefined) return false;
    const bit = attemptBit(attempt);
    if (bit === 0) return this.#otherKeys.has(joinedKey(requestId, attempt));
    return ((this.#attemptBits[slot] as number) & bit) !== 0;
  }

  /** Removes the key (a record evicted from memory), freeing its request's slot when it was the last. */
  delete(requestId: string, attempt: number): void {
    const slot = this.#slotOf(requestId);
    if (slot === undefined) return;
    const bit = attemptBit(attempt);
    if (bit === 0) {
      if (this.#otherKeys.delete(joinedKey(requestId, attempt))) this.#otherCounts[slot] = (this.#otherCounts[slot] as number) - 1;
    } else this.#attemptBits[slot] = (this.#attemptBits[slot] as number) & ~bit;
    if (this.#attemptBits[slot] === 0 && this.#otherCounts[slot] === 0) {
      this.#slots.delete(requestId);
      this.#freeSlots.push(slot);
      if (requestId === this.#lastRequestId) this.#lastRequestId = undefined;
    }
  }

  /** The slot of a request held, or undefined. */
  #slotOf(requestId: string): number | undefined {
    this.#flush();
    return this.#slots.get(requestId);
  }

  /** Moves the requests added fresh into the map. */
  #flush(): void {
    const ids = this.#pendingIds;
    if (ids.length === 0) return;
    const slots = this.#pendingSlots;
    for (let index = 0; index < ids.length; index += 1) this.#slots.set(ids[index] as string, slots[index] as number);
    this.#pendingIds = [];
    this.#pendingSlots = [];
  }

  #takeSlot(): number {
    const free = this.#freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.#nextSlot;
    this.#nextSlot += 1;
    if (slot === this.#attemptBits.length) {
      this.#attemptBits = grow(this.#attemptBits);
      this.#otherCounts = grow(this.#otherCounts);
    }
    return slot;
  }
}

function grow(values: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(values.length * 2);
  larger.set(values);
  return larger;
}

/** The attempt's bit (1 << (attempt - 1)) for integers 1 to 30, else 0. */
function attemptBit(attempt: number): number {
  return Number.isInteger(attempt) && attempt >= 1 && attempt <= 30 ? 1 << (attempt - 1) : 0;
}

function joinedKey(requestId: string, attempt: number): string {
  return `${requestId}\u0000${attempt}`;
}
