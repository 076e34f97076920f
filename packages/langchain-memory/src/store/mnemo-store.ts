import {
  BaseStore,
  type GetOperation,
  getTextAtPath,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import { type ChangedBy, InvalidInputError, type Memory, type ModelMemoryEntry } from "@mnemo/core";
import { matchesFilter } from "./match-filter.js";
import { checkNamespace, itemScope, scopeOf } from "./namespace-scope.js";

/** Options for {@link MnemoStore}. */
export interface MnemoStoreOptions {
  memory: Memory;
  /**
   * Which fields of a value are indexed for natural-language search (paths as LangGraph writes them:
   * `text`, `profile.name`, `tags[*]`); a `put` with `index` overrides it. @default every string in the value
   */
  fields?: string[] | undefined;
  /** Recorded as who changed the entries. @default "model" */
  changedBy?: ChangedBy | undefined;
}

/** What an entry written by the store keeps in its metadata. */
interface StoredItem {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
}

const metadataKey = "langgraph";
const pageSize = 1_000;
/** Search with a query looks at this many best matches before filters and offset apply (model memory's limit). */
const searchCandidates = 200;

/**
 * A LangGraph `BaseStore` over Mnemo's model memory, so what an agent stores through `runtime.store`
 * is the same curated, versioned, searchable memory that Mnemo's context and tools use.
 * Namespaces map onto user and scope: `namespace[0]` is the user id, the other labels are the scope
 * path (`["ada", "preferences"]` → user `ada`, scope `/preferences`); each item is one entry in the
 * scope `/<labels>/@<key>`. Every read and write is confined to the user of its namespace.
 * @example
 * const store = new MnemoStore({ memory });
 * await store.put(["ada", "preferences"], "food", { text: "Allergic to peanuts" });
 * await store.search(["ada"], { query: "what can she eat?" });
 * const agent = createAgent({ model, tools, store });
 */
export class MnemoStore extends BaseStore {
  lc_namespace = ["mnemo", "langgraph", "store"];

  readonly #memory: Memory;
  readonly #fields: string[] | undefined;
  readonly #by: ChangedBy;

  constructor(options: MnemoStoreOptions) {
    super();
    this.#memory = options.memory;
    this.#fields = options.fields;
    this.#by = options.changedBy ?? "model";
  }

  /** Runs the operations in order; each result at the index of its operation. */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    for (const operation of operations) results.push(await this.#run(operation));
    return results as OperationResults<Op>;
  }

  #run(operation: Operation): Promise<unknown> {
    if ("value" in operation) return this.#put(operation);
    if ("key" in operation) return this.#get(operation);
    if ("namespacePrefix" in operation) return this.#search(operation);
    if ("limit" in operation) return this.#listNamespaces(operation);
    throw new InvalidInputError("MnemoStore.batch: unknown operation; expected get, put, search or listNamespaces.");
  }

  async #entry(namespace: string[], key: string): Promise<ModelMemoryEntry | undefined> {
    checkNamespace(namespace);
    // The item's own scope holds nothing else: labels never start with @, so it has no sub-scopes.
    const [entry] = await this.#memory.modelMemory.list({ userId: namespace[0] as string, scope: itemScope(namespace, key), limit: 1 });
    return entry;
  }

  async #get(operation: GetOperation): Promise<Item | null> {
    const entry = await this.#entry(operation.namespace, operation.key);
    return entry ? toItem(entry) : null;
  }

  async #put(operation: PutOperation): Promise<void> {
    const { namespace, key, value } = operation;
    const existing = await this.#entry(namespace, key);
    const userId = namespace[0] as string;
    if (value === null) {
      if (existing) await this.#memory.modelMemory.delete({ userId, memoryId: existing.memoryId, by: this.#by });
      return;
    }
    if (typeof value !== "object" || Array.isArray(value)) throw new InvalidInputError("value: must be an object (or null to delete).");
    const content = indexText(value, operation.index === false ? undefined : (operation.index ?? this.#fields));
    const metadata = { [metadataKey]: { namespace: [...namespace], key, value } satisfies StoredItem };
    if (existing) {
      await this.#memory.modelMemory.update({ userId, memoryId: existing.memoryId, content, metadata, by: this.#by });
    } else {
      await this.#memory.modelMemory.add({ userId, scope: itemScope(namespace, key), content, metadata, by: this.#by });
    }
  }

  async #search(operation: SearchOperation): Promise<SearchItem[]> {
    const { namespacePrefix, filter, query } = operation;
    checkNamespace(namespacePrefix, "namespacePrefix");
    const limit = operation.limit ?? 10;
    const offset = operation.offset ?? 0;
    const userId = namespacePrefix[0] as string;
    const scope = scopeOf(namespacePrefix);
    const keep = (entry: ModelMemoryEntry) => {
      const stored = storedItem(entry);
      return stored !== undefined && matchesFilter(stored.value, filter);
    };
    if (query && query.trim() !== "") {
      const hits = await this.#memory.modelMemory.search({ userId, query, scope, limit: searchCandidates });
      return hits
        .filter(keep)
        .slice(offset, offset + limit)
        .map((hit) => ({ ...toItem(hit), score: hit.score }));
    }
    const found = await this.#collect(userId, scope, keep, offset + limit);
    return found.slice(offset, offset + limit).map(toItem);
  }

  /** A user's entries under `scope` that pass `keep`, most important and most recently changed first, up to `wanted`. */
  async #collect(userId: string, scope: string, keep: (entry: ModelMemoryEntry) => boolean, wanted: number): Promise<ModelMemoryEntry[]> {
    const found: ModelMemoryEntry[] = [];
    for (let offset = 0; found.length < wanted; offset += pageSize) {
      const page = await this.#memory.modelMemory.list({ userId, scope, limit: pageSize, offset });
      found.push(...page.filter(keep));
      if (page.length < pageSize) break;
    }
    return found;
  }

  async #listNamespaces(operation: ListNamespacesOperation): Promise<string[][]> {
    const conditions = operation.matchConditions ?? [];
    const prefix = conditions.find((condition) => condition.matchType === "prefix")?.path ?? [];
    const userId = prefix[0];
    if (userId === undefined || userId === "*") {
      throw new InvalidInputError('listNamespaces: pass a prefix that starts with the user id, e.g. { prefix: ["ada"] }.');
    }
    const concrete = prefix.slice(0, prefix.indexOf("*") === -1 ? prefix.length : prefix.indexOf("*"));
    checkNamespace(concrete, "prefix");
    const entries = await this.#collect(userId, scopeOf(concrete), (entry) => storedItem(entry) !== undefined, Number.POSITIVE_INFINITY);
    const namespaces = new Map<string, string[]>();
    for (const entry of entries) {
      const namespace = (storedItem(entry) as StoredItem).namespace;
      if (!conditions.every((condition) => matchesCondition(namespace, condition))) continue;
      const shown = operation.maxDepth === undefined ? namespace : namespace.slice(0, operation.maxDepth);
      namespaces.set(JSON.stringify(shown), shown);
    }
    const sorted = [...namespaces.values()].sort((a, b) => a.join("\u0000").localeCompare(b.join("\u0000")));
    return sorted.slice(operation.offset, operation.offset + operation.limit);
  }
}

function storedItem(entry: ModelMemoryEntry): StoredItem | undefined {
  const stored = entry.metadata[metadataKey] as Partial<StoredItem> | undefined;
  return stored && Array.isArray(stored.namespace) && typeof stored.key === "string" && typeof stored.value === "object" ? (stored as StoredItem) : undefined;
}

function toItem(entry: ModelMemoryEntry): Item {
  const stored = storedItem(entry) as StoredItem;
  return { namespace: stored.namespace, key: stored.key, value: stored.value, createdAt: entry.createdAt, updatedAt: entry.updatedAt };
}

function matchesCondition(namespace: string[], condition: MatchCondition): boolean {
  const { path } = condition;
  if (path.length > namespace.length) return false;
  const part = condition.matchType === "prefix" ? namespace.slice(0, path.length) : namespace.slice(namespace.length - path.length);
  return path.every((label, index) => label === "*" || label === part[index]);
}

/** The text Mnemo indexes for a value: the strings at `fields`, or every string in it; its JSON when it has none. */
export function indexText(value: Record<string, unknown>, fields: string[] | undefined): string {
  const texts = fields ? fields.flatMap((field) => (field === "$" ? stringsIn(value) : getTextAtPath(value, field))) : stringsIn(value);
  const text = texts.filter((piece) => piece.trim() !== "").join("\n");
  return text === "" ? JSON.stringify(value) : text;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}
