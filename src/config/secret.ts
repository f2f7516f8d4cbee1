import { inspect } from 'node:util';

const hidden = '[redacted]';

/**
 * A secret from the config (API key, AWS secret). Prints, inspects and serializes as
 * `[redacted]`; only {@link Secret.reveal} gives the value, and only adapters call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return hidden;
  }

  toJSON(): string {
    return hidden;
  }

  [inspect.custom](): string {
    return hidden;
  }
}
