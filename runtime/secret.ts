import { inspect } from 'node:util';

const REDACTED = '***';

/**
 * A string that must never be printed: toString, JSON and util.inspect all show '***'. The value lives in a
 * private field so neither enumeration nor inspection reaches it; only reveal() does.
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
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
