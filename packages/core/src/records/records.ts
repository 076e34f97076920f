import type { Embedder } from "../embeddings/embedder.js";
import type { MemoryParts } from "../memory/memory.js";
import { parseInput } from "../memory/parse-input.js";
import type { VectorModel } from "../search/search-messages.js";
import { embedMissing } from "./embed-missing.js";
import { EmbeddingDimensionError } from "./embedding-dimension-error.js";
import { queryMode, runQuery } from "./query-records.js";
import { inScopeSql, selectionSql } from "./record-conditions.js";
import {
  type DeleteRecordsInput,
  deleteSchema,
  getSchema,
  listSchema,
  querySchema,
  type RecordQueryInput,
  type RecordVectorModel,
  scopedSchema,
  scopesSchema,
  touchSchema,
  type UpsertRecordsInput,
  upsertSchema,
} from "./record-schemas.js";
import { checkDimensions, findVectorModel, registerRecordModel } from "./record-vector-model.js";
import { SqlParams } from "./sql-params.js";
import { type RecordHit, type RecordRow, readVectors, recordColumns, type StoredRecord, toRecord } from "./stored-record.js";
import { lockCollection, type PreparedRecord, type UpsertResult, writeRecords } from "./write-records.js";

/** A child scope of {@link Records.scopes}, with how many records lie in it or below it. */
export interface ScopeCount {
  scope: string;
  count: number;
  oldestAt: Date;
  newestAt: Date;
}

/**
 * Records: a user's items in named collections, with client-supplied vectors (or vectors made by the
 * memory's embedder), metadata filters, scope paths, categories and hybrid search. The storage behind
 * the LlamaIndex vector store and the CrewAI bridge. Every statement is filtered by user and
 * collection; every call is validated first and writes in one transaction, or not at all.
 * Reached as `memory.records`.
 */
export class Records {
  readonly #parts: MemoryParts;
  /** Models known to have a catalogue row and a records HNSW index (a name never changes dimensions). */
  readonly #models = new Map<string, VectorModel>();
  /** Models found in the catalogue (rows are never changed or removed, so this never goes stale). */
  readonly #found = new Map<string, VectorModel>();

  /** @internal Created by {@link Memory}. */
  constructor(parts: MemoryParts) {
    this.#parts = parts;
  }

  get #s(): string {
    return this.#parts.store.s;
  }

  /**
   * Inserts or updates records by id. Vectors belong to `vectorModel` (default: the memory's
   * embedder, else `records:<collection>`); a record without one is embedded with the memory's
   * embedder when the call uses the embedder's model, else it is searchable lexically only.
   * Re-upserting what is stored writes nothing (`unchanged`); an update keeps `createdAt`.
   * @throws EmbeddingDimensionError when a vector's length differs from its model's; nothing is written.
   * @throws InvalidInputError for any other invalid input; nothing is written.
   * @example
   * await memory.records.upsert({ userId: "ada", collection: "notes", vectorModel: { name: "my-model", dimensions: 3 },
   *   records: [{ id: "n1", content: "Lisbon trip", metadata: { year: 2024 }, vector: [0.1, 0.2, 0.3] }] });
   */
  async upsert(input: UpsertRecordsInput): Promise<UpsertResult> {
    const request = parseInput(upsertSchema, input);
    const embedder = this.#embedderFor(request.vectorModel);
    const name = this.#modelName(request.collection, request.vectorModel);
    const given = request.records.flatMap((record, index) => (record.vector ? [{ path: `records.${index}.vector`, vector: record.vector }] : []));
    const known = await this.#findModel(name);
    const expected = known?.dimensions ?? request.vectorModel?.dimensions ?? embedder?.dimensions ?? given[0]?.vector.length;
    if (known && request.vectorModel?.dimensions !== undefined && request.vectorModel.dimensions !== known.dimensions) {
      throw new EmbeddingDimensionError({ expected: known.dimensions, actual: request.vectorModel.dimensions, model: name, path: "vectorModel.dimensions" });
    }
    if (expected !== undefined) checkDimensions(given, expected, name);
    const counter = this.#parts.prepare.counter;
    const records: PreparedRecord[] = request.records.map((record) => ({ ...record, tokenCount: record.content === "" ? 0 : counter.count(record.content) }));
    if (embedder) await embedMissing(this.#parts.store, request, records, embedder, (await this.#findModel(embedder.id))?.modelId);
    const needsModel = expected !== undefined && records.some((record) => record.vector !== undefined);
    const model = needsModel ? (known && this.#models.has(name) ? known : await this.#registerModel(name, expected)) : known;
    return this.#parts.store.driver.transaction((db) =>
      writeRecords(db, this.#s, { ...request, searchConfig: this.#parts.store.searchConfig, records, modelId: model?.modelId }),
    );
  }

  /**
   * The records most similar to `vector` and/or relevant to `text`, best first: `min(limit, matches)`
   * of them under any selection (`filter`, `scopePrefix`, `categories` any-of, `sourceIds`, `ids`).
   * Mode: `hybrid` (weighted reciprocal rank fusion; `alpha` weighs the vector leg) when there is a
   * text and a vector — given, or made from the text by the memory's embedder — else `vector` or
   * `lexical` (BM25). `minScore` drops weaker hits; `mmr` re-ranks `fetchK` candidates for variety.
   * @throws EmbeddingDimensionError when `vector` does not fit the model's dimensions.
   * @example
   * const hits = await memory.records.query({ userId: "ada", collection: "notes", vector, limit: 5,
   *   filter: { and: [{ key: "year", op: ">=", value: 2020 }, { key: "tags", op: "contains", value: "travel" }] } });
   */
  async query(input: RecordQueryInput): Promise<RecordHit[]> {
    const request = parseInput(querySchema, input);
    const embedder = this.#embedderFor(request.vectorModel);
    const mode = queryMode(request, embedder !== undefined);
    const name = this.#modelName(request.collection, request.vectorModel);
    const model = await this.#findModel(name);
    const expected = model?.dimensions ?? request.vectorModel?.dimensions ?? embedder?.dimensions;
    if (model && request.vectorModel?.dimensions !== undefined && request.vectorModel.dimensions !== model.dimensions) {
      throw new EmbeddingDimensionError({ expected: model.dimensions, actual: request.vectorModel.dimensions, model: name, path: "vectorModel.dimensions" });
    }
    if (request.vector && expected !== undefined) checkDimensions([{ path: "vector", vector: request.vector }], expected, name);
    const text = request.text?.trim() ?? "";
    // Without stored vectors of the model the vector leg finds nothing: the text is not embedded for it.
    const embedText = !request.vector && embedder && model && text !== "" && mode !== "lexical";
    const vector = mode === "lexical" ? undefined : (request.vector ?? (embedText ? await embedder.embedQuery(request.text ?? "") : undefined));
    return runQuery(this.#parts, request, { mode, model, vector });
  }

  /** One record, or undefined; `includeVectors` adds its vector (of `vectorModel`, default the first it has). */
  async get(input: {
    userId: string;
    collection: string;
    id: string;
    includeVectors?: boolean;
    vectorModel?: RecordVectorModel;
  }): Promise<StoredRecord | undefined> {
    const request = parseInput(getSchema, input);
    const [record] = await this.#read(request, "AND r.record_id = $3", [request.id], "");
    return record;
  }

  /** A page of records in a stable order (created_at, then id); `scopePrefix` includes sub-scopes. */
  async list(input: {
    userId: string;
    collection: string;
    scopePrefix?: string;
    limit?: number;
    offset?: number;
    includeVectors?: boolean;
    vectorModel?: RecordVectorModel;
  }): Promise<StoredRecord[]> {
    const request = parseInput(listSchema, input);
    return this.#read(
      request,
      `AND ($3::text IS NULL OR ${inScopeSql("r.scope", "$3")})`,
      [request.scopePrefix ?? null, request.limit, request.offset],
      "ORDER BY r.created_at, r.record_id LIMIT $4 OFFSET $5",
    );
  }

  /** How many records the collection (or the part under `scopePrefix`) holds. */
  async count(input: { userId: string; collection: string; scopePrefix?: string }): Promise<number> {
    const request = parseInput(scopedSchema, input);
    const { rows } = await this.#parts.store.driver.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM ${this.#s}.records r WHERE r.user_id = $1 AND r.collection = $2 AND ($3::text IS NULL OR ${inScopeSql("r.scope", "$3")})`,
      [request.userId, request.collection, request.scopePrefix ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Deletes the records that meet every given condition (`ids`, `sourceIds` — e.g. every node of a
   * LlamaIndex document —, `scopePrefix`, `categories` any-of, `olderThan` created, `filter`) with
   * their vectors; returns how many. At least one condition is required: {@link reset} empties a collection.
   * @example
   * await memory.records.delete({ userId: "ada", collection: "llamaindex:default", sourceIds: ["doc-1"] });
   */
  async delete(input: DeleteRecordsInput): Promise<number> {
    const request = parseInput(deleteSchema, input);
    const params = new SqlParams(3);
    return this.#deleteWhere(request, selectionSql(request, "r", params), params.values);
  }

  /** Deletes every record of the collection, or of the part under `scopePrefix`; returns how many. */
  async reset(input: { userId: string; collection: string; scopePrefix?: string }): Promise<number> {
    const request = parseInput(scopedSchema, input);
    return this.#deleteWhere(request, `AND ($3::text IS NULL OR ${inScopeSql("r.scope", "$3")})`, [request.scopePrefix ?? null]);
  }

  /**
   * The direct child scopes of `parent` (default `/`) that hold records, each with how many records lie
   * in it or below it, and their oldest and newest creation times; sorted by scope.
   * @example
   * await memory.records.scopes({ userId: "ada", collection: "crewai", parent: "/crew" }); // [{ scope: "/crew/researcher", count: 12, … }]
   */
  async scopes(input: { userId: string; collection: string; parent?: string }): Promise<ScopeCount[]> {
    const request = parseInput(scopesSchema, input);
    const { rows } = await this.#parts.store.driver.query<{ scope: string; n: number; oldest: Date; newest: Date }>(
      `SELECT x.base || split_part(substr(r.scope, length(x.base) + 1), '/', 1) AS scope, count(*)::int8 AS n,
              min(r.created_at) AS oldest, max(r.created_at) AS newest
       FROM ${this.#s}.records r, (SELECT CASE WHEN $3::text = '/' THEN '/' ELSE $3::text || '/' END AS base) x
       WHERE r.user_id = $1 AND r.collection = $2 AND r.scope <> $3::text AND ${inScopeSql("r.scope", "$3")}
       GROUP BY 1 ORDER BY 1`,
      [request.userId, request.collection, request.parent],
    );
    return rows.map((row) => ({ scope: row.scope, count: Number(row.n), oldestAt: row.oldest, newestAt: row.newest }));
  }

  /** How many records carry each category, in the collection or under `scopePrefix`. */
  async categories(input: { userId: string; collection: string; scopePrefix?: string }): Promise<Record<string, number>> {
    const request = parseInput(scopedSchema, input);
    const { rows } = await this.#parts.store.driver.query<{ category: string; n: number }>(
      `SELECT c.category, count(*)::int8 AS n FROM ${this.#s}.records r, unnest(r.categories) AS c(category)
       WHERE r.user_id = $1 AND r.collection = $2 AND ($3::text IS NULL OR ${inScopeSql("r.scope", "$3")})
       GROUP BY c.category ORDER BY c.category`,
      [request.userId, request.collection, request.scopePrefix ?? null],
    );
    return Object.fromEntries(rows.map((row) => [row.category, Number(row.n)]));
  }

  /** Sets `lastAccessedAt` of the records to now (what was recalled); returns how many exist. */
  async touch(input: { userId: string; collection: string; ids: string[] }): Promise<number> {
    const request = parseInput(touchSchema, input);
    return this.#parts.store.driver.transaction(async (db) => {
      await lockCollection(db, request.userId, request.collection);
      const { affectedRows } = await db.query(
        `UPDATE ${this.#s}.records SET last_accessed_at = now() WHERE user_id = $1 AND collection = $2 AND record_id = ANY($3::text[])`,
        [request.userId, request.collection, request.ids],
      );
      return affectedRows;
    });
  }

  /** The memory's embedder, when the call uses its model (no `vectorModel`, or the embedder's id). */
  #embedderFor(vectorModel: RecordVectorModel | undefined): Embedder | undefined {
    const embedder = this.#parts.embedding?.embedder;
    return embedder && (vectorModel === undefined || vectorModel.name === embedder.id) ? embedder : undefined;
  }

  #modelName(collection: string, vectorModel: RecordVectorModel | undefined): string {
    return vectorModel?.name ?? this.#parts.embedding?.embedder.id ?? `records:${collection}`;
  }

  async #findModel(name: string): Promise<VectorModel | undefined> {
    const known = this.#models.get(name) ?? this.#found.get(name) ?? (await findVectorModel(this.#parts.store, name));
    if (known) this.#found.set(name, known);
    return known;
  }

  async #registerModel(name: string, dimensions: number): Promise<VectorModel> {
    const model = await registerRecordModel(this.#parts.store, name, dimensions);
    this.#models.set(name, model);
    return model;
  }

  async #read(
    request: { userId: string; collection: string; includeVectors: boolean; vectorModel?: RecordVectorModel | undefined },
    where: string,
    params: unknown[],
    tail: string,
  ): Promise<StoredRecord[]> {
    const { driver } = this.#parts.store;
    const { rows } = await driver.query<RecordRow>(
      `SELECT ${recordColumns} FROM ${this.#s}.records r WHERE r.user_id = $1 AND r.collection = $2 ${where} ${tail}`,
      [request.userId, request.collection, ...params],
    );
    if (!request.includeVectors) return rows.map((row) => toRecord(row));
    const model = request.vectorModel ? await this.#findModel(request.vectorModel.name) : undefined;
    if (request.vectorModel && !model) return rows.map((row) => toRecord(row));
    const vectors = await readVectors(
      driver,
      this.#s,
      request,
      rows.map((row) => row.record_id),
      model?.modelId,
    );
    return rows.map((row) => toRecord(row, vectors.get(row.record_id)));
  }

  async #deleteWhere(key: { userId: string; collection: string }, conditions: string, params: unknown[]): Promise<number> {
    return this.#parts.store.driver.transaction(async (db) => {
      await lockCollection(db, key.userId, key.collection);
      const { rows } = await db.query<{ record_id: string }>(
        `DELETE FROM ${this.#s}.records r WHERE r.user_id = $1 AND r.collection = $2 ${conditions} RETURNING r.record_id`,
        [key.userId, key.collection, ...params],
      );
      if (rows.length > 0) {
        await db.query(`DELETE FROM ${this.#s}.record_embeddings WHERE user_id = $1 AND collection = $2 AND record_id = ANY($3::text[])`, [
          key.userId,
          key.collection,
          rows.map((row) => row.record_id),
        ]);
      }
      return rows.length;
    });
  }
}
