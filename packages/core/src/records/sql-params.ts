/**
 * Bind parameters of one statement, numbered from `first`: every value is added here and referenced
 * as `$n`, never written into the SQL text.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  readonly #first: number;

  /** `first` is the number of the first parameter added (after a helper's fixed ones). */
  constructor(first = 1) {
    this.#first = first;
  }

  /** Adds a value and returns its placeholder, e.g. `$4`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.#first + this.values.length - 1}`;
  }
}
