import { MnemoError } from "@mnemo/core";

/** Options for {@link KeyedWriteQueue}. */
export interface KeyedWriteQueueOptions<Operation> {
  /** Performs a group of operations of one key, in order: one operation, or a run of batchable ones. */
  write(key: string, operations: Operation[]): Promise<void>;
  /** Whether consecutive operations like this one may be handed to `write` together. */
  batchable(operation: Operation): boolean;
  /** Told about every failed group as it happens. */
  onError?: ((error: unknown, key: string) => void) | undefined;
}

/**
 * Runs writes that callers do not await, one key at a time, in the order they were enqueued. Writes of
 * different keys run concurrently. A failed write is remembered and thrown by the next `settled(key)`
 * or `settledAll()`, so it is never lost silently; the writes queued after it still run, in order (a failed batch is
 * retried one write at a time, so only the bad write fails).
 */
export class KeyedWriteQueue<Operation> {
  readonly #options: KeyedWriteQueueOptions<Operation>;
  readonly #pending = new Map<string, Operation[]>();
  readonly #draining = new Map<string, Promise<void>>();
  readonly #failures = new Map<string, unknown[]>();

  constructor(options: KeyedWriteQueueOptions<Operation>) {
    this.#options = options;
  }

  /** Queues an operation behind the key's earlier ones. */
  enqueue(key: string, operation: Operation): void {
    const pending = this.#pending.get(key);
    if (pending) pending.push(operation);
    else this.#pending.set(key, [operation]);
    if (!this.#draining.has(key)) this.#draining.set(key, this.#drain(key));
  }

  /** Whether any write is queued or running. */
  get idle(): boolean {
    return this.#draining.size === 0;
  }

  /** Resolves once every write queued for `key` so far has run; throws what failed since the last call. */
  async settled(key: string): Promise<void> {
    for (let draining = this.#draining.get(key); draining; draining = this.#draining.get(key)) await draining;
    this.#throwFailures([key]);
  }

  /** Resolves once every queued write of every key has run; throws what failed since the last call. */
  async settledAll(): Promise<void> {
    while (this.#draining.size > 0) await Promise.all(this.#draining.values());
    this.#throwFailures([...this.#failures.keys()]);
  }

  async #drain(key: string): Promise<void> {
    // Writes enqueued in the same tick (ChatMemoryBuffer's puts) are then written together.
    await Promise.resolve();
    try {
      for (let pending = this.#pending.get(key); pending && pending.length > 0; pending = this.#pending.get(key)) {
        const group = pending.splice(0, this.#groupSize(pending));
        if (await this.#attempt(key, group, group.length === 1)) continue;
        // The group failed as a whole (one transaction): write its operations one by one, so only the bad one fails.
        for (const operation of group) await this.#attempt(key, [operation], true);
      }
    } finally {
      this.#pending.delete(key);
      this.#draining.delete(key);
    }
  }

  /** Runs a group; on failure records it (when `record`) and resolves false. */
  async #attempt(key: string, group: Operation[], record: boolean): Promise<boolean> {
    try {
      await this.#options.write(key, group);
      return true;
    } catch (error) {
      if (record) {
        this.#failures.set(key, [...(this.#failures.get(key) ?? []), error]);
        this.#options.onError?.(error, key);
      }
      return false;
    }
  }

  #groupSize(pending: Operation[]): number {
    if (!this.#options.batchable(pending[0] as Operation)) return 1;
    const firstOther = pending.findIndex((operation) => !this.#options.batchable(operation));
    return firstOther === -1 ? pending.length : firstOther;
  }

  #throwFailures(keys: string[]): void {
    const failures = keys.flatMap((key) => this.#failures.get(key) ?? []);
    for (const key of keys) this.#failures.delete(key);
    if (failures.length === 0) return;
    if (failures.length === 1) throw failures[0];
    const first = failures[0];
    const code = MnemoError.isInstance(first) ? first.code : "internal";
    throw new MnemoError(code, `${failures.length} queued chat store writes failed; see cause.errors.`, { cause: new AggregateError(failures) });
  }
}
