import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Queryable } from "../driver/driver.js";
import { validateVectors } from "../embeddings/validate-vectors.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { jsonProblem, textProblem } from "../ingest/check-text.js";
import type { MemoryParts } from "../memory/memory.js";
import { countSchema, idSchema, parseInput } from "../memory/parse-input.js";
import { bm25OverOwnRows } from "../search/bm25-sql.js";
import { type Fused, fuseRanked } from "../search/fuse-rankings.js";
import { queryVectorFor, queryVectorSchema } from "../search/query-vector.js";
import { searchModeFor } from "../search/search-options.js";
import { vectorOverOwnRows } from "../search/vector-over-own-rows.js";
import { detectContentType } from "./detect-content-type.js";
import { type DocumentChunk, type DocumentContentType, splitDocument } from "./split-document.js";

/** A stored reference document, without its chunks. */
export interface ReferenceDocument {
  documentId: string;
  title: string;
  source: string | undefined;
  contentType: DocumentContentType;
  /** The sum of its chunks' token counts. */
  tokenCount: number;
  chunkCount: number;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** One stored chunk of a reference document. */
export interface ReferenceChunk {
  chunkIndex: number;
  heading: string | undefined;
  content: string;
  tokenCount: number;
}

/** What {@link ReferenceDocuments.add} did. */
export interface AddDocumentResult {
  documentId: string;
  /** `unchanged`: the same content, title, source, type and metadata were stored already, and nothing was written. */
  status: "created" | "updated" | "unchanged";
  chunks: number;
  tokenCount: number;
}

/** A chunk found by {@link ReferenceDocuments.search}, with its document's title and source. */
export interface DocumentHit {
  documentId: string;
  title: string;
  source: string | undefined;
  chunkIndex: number;
  heading: string | undefined;
  content: string;
  tokenCount: number;
  /** The fused score (hybrid), BM25 (lexical) or cosine similarity (vector). */
  score: number;
  /** 1-based rank in each leg; undefined when the leg did not find the chunk. */
  lexicalRank: number | undefined;
  vectorRank: number | undefined;
}

/** The longest document accepted, in characters. */
const maxContentLength = 5_000_000;
/** Ids derived from `source` are UUIDv5 in the RFC 4122 URL namespace: reproducible with any UUID library. */
const urlNamespace = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");

const checked = <T extends z.ZodType<string>>(schema: T) =>
  schema.superRefine((value, context) => {
    const problem = textProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });
const id = checked(idSchema);
const documentKey = z.object({ userId: id, documentId: id });
const addSchema = z.object({
  userId: id,
  documentId: id.optional(),
  title: checked(z.string().max(1_000, "must be at most 1,000 characters")).refine((value) => value.trim() !== "", "must not be empty"),
  source: checked(z.string().min(1, "must not be empty").max(2_048, "must be at most 2,048 characters")).optional(),
  content: checked(z.string().max(maxContentLength, `must be at most ${maxContentLength} characters`)).refine(
    (value) => value.trim() !== "",
    "must contain some non-whitespace text",
  ),
  contentType: z.enum(["text", "markdown", "json", "openapi"] satisfies DocumentContentType[]).optional(),
  fileName: checked(z.string().max(1_024, "must be at most 1,024 characters")).optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .superRefine((value, context) => {
      const problem = jsonProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .optional(),
});
const listSchema = z.object({ userId: id, limit: countSchema(1_000).default(50), offset: countSchema(Number.MAX_SAFE_INTEGER).default(0) });
const searchSchema = z.object({
  userId: id,
  query: z.string().max(10_000, "must be at most 10,000 characters"),
  limit: z.number().int("must be an integer").min(1, "must be at least 1").max(200, "must be at most 200").default(10),
  mode: z.enum(["hybrid", "lexical", "vector"]).optional(),
  documentIds: z.array(id).max(1_000, "must list at most 1,000 ids").optional(),
  /** The query's vector, made with the memory's embedder, instead of embedding `query` again. */
  queryVector: queryVectorSchema,
});

/** What {@link ReferenceDocuments.add} stores. */
export type AddDocumentInput = z.input<typeof addSchema>;
/** What {@link ReferenceDocuments.search} looks for. */
export type DocumentSearchInput = z.input<typeof searchSchema>;

interface DocumentRow {
  document_id: string;
  title: string;
  source: string | null;
  content_type: DocumentContentType;
  token_count: number;
  chunk_count: number;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

interface ChunkRow {
  document_id: string;
  chunk_index: number;
  heading: string | null;
  content: string;
  token_count: number;
}

type ChunkKey = { document_id: string | number; chunk_index: string | number };

/** A validated document, split and hashed, ready for one write. */
interface PreparedDocument {
  userId: string;
  documentId: string;
  title: string;
  source: string | undefined;
  contentType: DocumentContentType;
  contentSha256: string;
  metadata: Record<string, unknown>;
  chunks: DocumentChunk[];
  tokenCount: number;
}

/**
 * A user's reference documents (manuals, API specs, notes): split by their structure into chunks that
 * are searched like conversations, by BM25 and (with an embedder) cosine similarity, fused by weighted
 * reciprocal rank. Documents are kept apart from the conversation logs. Reached as `memory.documents`.
 */
export class ReferenceDocuments {
  readonly #parts: MemoryParts;

  /** @internal Created by {@link Memory}. */
  constructor(parts: MemoryParts) {
    this.#parts = parts;
  }

  get #s(): string {
    return this.#parts.store.s;
  }

  /**
   * Adds a document, or replaces the stored one of the same id: splits it by its type (detected from
   * `fileName` and content unless given), embeds the chunks, then writes the document, chunks and
   * vectors in one transaction. `documentId` defaults to a UUIDv5 of `source` (re-adding the same
   * source updates it), else a random UUID. Re-adding what is stored writes and embeds nothing.
   * @throws InvalidInputError for invalid input, or content that does not parse as its type; nothing is written.
   * @example
   * const manual = await readFile("docs/manual.md", "utf8");
   * const { documentId, status } = await memory.documents.add({ userId: "ada", title: "Manual", source: "docs/manual.md", fileName: "manual.md", content: manual });
   */
  async add(input: AddDocumentInput): Promise<AddDocumentResult> {
    const document = this.#prepare(input);
    const stored = await this.#compare(this.#parts.store.driver, document);
    if (stored.status === "unchanged") return stored;
    const vectors = await this.#embed(document);
    return this.#parts.store.driver.transaction(async (db) => {
      await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`mnemo:document:${this.#s}:${document.userId}:${document.documentId}`]);
      // Checked again under the lock: a concurrent add of the same document may have written it meanwhile.
      const current = await this.#compare(db, document);
      if (current.status !== "unchanged") await this.#write(db, document, vectors);
      return current;
    });
  }

  /**
   * One document with its chunks in order, or undefined.
   * @example
   * const manual = await memory.documents.get({ userId: "ada", documentId });
   */
  async get(input: { userId: string; documentId: string }): Promise<(ReferenceDocument & { chunks: ReferenceChunk[] }) | undefined> {
    const request = parseInput(documentKey, input);
    const db = this.#parts.store.driver;
    const [documents, chunks] = await Promise.all([
      db.query<DocumentRow>(`SELECT * FROM ${this.#s}.documents WHERE user_id = $1 AND document_id = $2`, [request.userId, request.documentId]),
      db.query<ChunkRow>(
        `SELECT document_id, chunk_index, heading, content, token_count FROM ${this.#s}.document_chunks
         WHERE user_id = $1 AND document_id = $2 ORDER BY chunk_index`,
        [request.userId, request.documentId],
      ),
    ]);
    const row = documents.rows[0];
    return row && { ...toDocument(row), chunks: chunks.rows.map(toChunk) };
  }

  /**
   * A user's documents, most recently changed first, without their chunks.
   * @example
   * const page = await memory.documents.list({ userId: "ada", limit: 20 });
   */
  async list(input: { userId: string; limit?: number; offset?: number }): Promise<ReferenceDocument[]> {
    const request = parseInput(listSchema, input);
    const { rows } = await this.#parts.store.driver.query<DocumentRow>(
      `SELECT * FROM ${this.#s}.documents WHERE user_id = $1 ORDER BY updated_at DESC, document_id LIMIT $2 OFFSET $3`,
      [request.userId, request.limit, request.offset],
    );
    return rows.map(toDocument);
  }

  /**
   * Deletes a document with its chunks and vectors; false when there was none.
   * @example
   * await memory.documents.delete({ userId: "ada", documentId });
   */
  async delete(input: { userId: string; documentId: string }): Promise<boolean> {
    const request = parseInput(documentKey, input);
    return this.#parts.store.driver.transaction(async (db) => {
      const params = [request.userId, request.documentId];
      await db.query(`DELETE FROM ${this.#s}.document_embeddings WHERE user_id = $1 AND document_id = $2`, params);
      await db.query(`DELETE FROM ${this.#s}.document_chunks WHERE user_id = $1 AND document_id = $2`, params);
      const { affectedRows } = await db.query(`DELETE FROM ${this.#s}.documents WHERE user_id = $1 AND document_id = $2`, params);
      return affectedRows > 0;
    });
  }

  /**
   * The chunks of a user's documents most relevant to `query`, best first: `lexical` (BM25), `vector`
   * (cosine similarity, needs an embedder) or `hybrid` (both, fused; the default with an embedder).
   * `documentIds` limits the search to some documents. An empty query finds nothing.
   * @throws InvalidInputError for a vector or hybrid search without an embedder.
   * @example
   * const hits = await memory.documents.search({ userId: "ada", query: "how do I delete a pet?", limit: 5 });
   */
  async search(input: DocumentSearchInput): Promise<DocumentHit[]> {
    const request = parseInput(searchSchema, input);
    const { embedding } = this.#parts;
    const mode = searchModeFor(request.mode, embedding !== undefined);
    if (request.query.trim() === "") return [];
    const candidates = Math.max(50, request.limit * this.#parts.search.candidateFactor);
    const [lexical, vector] = await Promise.all([
      mode === "vector" ? [] : this.#lexical(request.userId, request.query, candidates, request.documentIds),
      mode === "lexical" ? [] : this.#vector(request.userId, request.query, request.queryVector, candidates, request.documentIds),
    ]);
    const ranked: Fused<ChunkKey>[] =
      mode === "hybrid"
        ? fuseRanked(lexical, vector, (hit) => `${hit.document_id}\u0000${hit.chunk_index}`, this.#parts.search.fusion)
        : (mode === "lexical" ? lexical : vector).map((hit, index) => ({
            item: hit,
            score: hit.score,
            lexicalRank: mode === "lexical" ? index + 1 : undefined,
            vectorRank: mode === "vector" ? index + 1 : undefined,
          }));
    return this.#hits(request.userId, ranked.slice(0, request.limit));
  }

  /** Validates, types, splits and hashes a document; throws before anything is embedded or written. */
  #prepare(input: AddDocumentInput): PreparedDocument {
    const request = parseInput(addSchema, input);
    const contentType = request.contentType ?? detectContentType(request.fileName, request.content);
    const { counter, chunkTokens } = this.#parts.prepare;
    const chunks = splitDocument({ content: request.content, contentType, title: request.title }, { counter, chunkTokens });
    if (chunks.length === 0) throw new InvalidInputError(`Invalid content: it has no text besides its ${contentType} structure; nothing to store.`);
    return {
      userId: request.userId,
      documentId: request.documentId ?? (request.source === undefined ? randomUUID() : uuidV5(request.source)),
      title: request.title,
      source: request.source,
      contentType,
      contentSha256: createHash("sha256").update(request.content).digest("hex"),
      metadata: request.metadata ?? {},
      chunks,
      tokenCount: chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0),
    };
  }

  /** Whether the document would be created, updated or is stored as it is (with this embedder's vectors). */
  async #compare(db: Queryable, document: PreparedDocument): Promise<AddDocumentResult> {
    const modelId = this.#parts.embedding?.model.modelId ?? null;
    const { rows } = await db.query<{ unchanged: boolean }>(
      `SELECT d.content_sha256 = decode($3, 'hex') AND d.title = $4 AND d.source IS NOT DISTINCT FROM $5 AND d.content_type = $6
              AND d.metadata = $7::jsonb AND d.chunk_count = $8 AND d.token_count = $9
              AND ($10::int4 IS NULL OR d.chunk_count = (SELECT count(*) FROM ${this.#s}.document_embeddings e
                   WHERE e.user_id = d.user_id AND e.document_id = d.document_id AND e.model_id = $10)) AS unchanged
       FROM ${this.#s}.documents d WHERE d.user_id = $1 AND d.document_id = $2`,
      [
        document.userId,
        document.documentId,
        document.contentSha256,
        document.title,
        document.source ?? null,
        document.contentType,
        JSON.stringify(document.metadata),
        document.chunks.length,
        document.tokenCount,
        modelId,
      ],
    );
    const row = rows[0];
    const status = row === undefined ? "created" : row.unchanged ? "unchanged" : "updated";
    return { documentId: document.documentId, status, chunks: document.chunks.length, tokenCount: document.tokenCount };
  }

  /** The chunks' vectors (title, heading and content embedded together), or undefined without an embedder. */
  async #embed(document: PreparedDocument): Promise<number[][] | undefined> {
    const embedder = this.#parts.embedding?.embedder;
    if (!embedder) return undefined;
    const texts = document.chunks.map((chunk) => searchableChunk(document.title, chunk));
    return validateVectors(await embedder.embedDocuments(texts), { count: texts.length, dimensions: embedder.dimensions, source: `embedder ${embedder.id}` });
  }

  /** Upserts the document and replaces its chunks and vectors (of every model: they describe the old content). */
  async #write(db: Queryable, document: PreparedDocument, vectors: number[][] | undefined): Promise<void> {
    const { userId, documentId, chunks } = document;
    await db.query(`INSERT INTO ${this.#s}.users (user_id) VALUES ($1) ON CONFLICT DO NOTHING`, [userId]);
    await db.query(
      `INSERT INTO ${this.#s}.documents (user_id, document_id, title, source, content_type, content_sha256, token_count, chunk_count, metadata)
       VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), $7, $8, $9::jsonb)
       ON CONFLICT (user_id, document_id) DO UPDATE SET title = excluded.title, source = excluded.source, content_type = excluded.content_type,
         content_sha256 = excluded.content_sha256, token_count = excluded.token_count, chunk_count = excluded.chunk_count,
         metadata = excluded.metadata, updated_at = now()`,
      [
        userId,
        documentId,
        document.title,
        document.source ?? null,
        document.contentType,
        document.contentSha256,
        document.tokenCount,
        chunks.length,
        JSON.stringify(document.metadata),
      ],
    );
    await db.query(`DELETE FROM ${this.#s}.document_embeddings WHERE user_id = $1 AND document_id = $2`, [userId, documentId]);
    await db.query(`DELETE FROM ${this.#s}.document_chunks WHERE user_id = $1 AND document_id = $2`, [userId, documentId]);
    await db.query(
      `INSERT INTO ${this.#s}.document_chunks (user_id, document_id, chunk_index, heading, content, token_count, search_vector)
       SELECT $1, $2, x.i - 1, x.h, x.c, x.t, to_tsvector($7::regconfig, concat_ws(E'\\n', $3::text, x.h, x.c))
       FROM unnest($4::text[], $5::text[], $6::int4[]) WITH ORDINALITY AS x(h, c, t, i)`,
      [
        userId,
        documentId,
        document.title,
        chunks.map((chunk) => chunk.heading ?? null),
        chunks.map((chunk) => chunk.content),
        chunks.map((chunk) => chunk.tokenCount),
        this.#parts.store.searchConfig,
      ],
    );
    const model = this.#parts.embedding?.model;
    if (!model || !vectors) return;
    await db.query(
      `INSERT INTO ${this.#s}.document_embeddings (user_id, document_id, chunk_index, model_id, embedding)
       SELECT $1, $2, x.i - 1, $3, x.v::vector FROM unnest($4::text[]) WITH ORDINALITY AS x(v, i)`,
      [userId, documentId, model.modelId, vectors.map((vector) => JSON.stringify(vector))],
    );
  }

  #lexical(userId: string, query: string, limit: number, documentIds: string[] | undefined) {
    const { store, search } = this.#parts;
    return bm25OverOwnRows(
      store.driver,
      {
        table: `${this.#s}.document_chunks`,
        keys: ["document_id", "chunk_index"],
        userId,
        query,
        searchConfig: store.searchConfig,
        stopWords: search.stopWords,
        limit,
        where: "AND ($8::text[] IS NULL OR r.document_id = ANY($8::text[]))",
        extraParams: [documentIds ?? null],
      },
      search.bm25,
    );
  }

  async #vector(userId: string, query: string, queryVector: readonly number[] | undefined, limit: number, documentIds: string[] | undefined) {
    const embedding = this.#parts.embedding;
    if (!embedding) return [];
    const vector = await queryVectorFor(embedding.embedder, query, queryVector);
    return vectorOverOwnRows(
      this.#parts.store.driver,
      {
        table: `${this.#s}.document_embeddings`,
        keys: ["document_id", "chunk_index"],
        userId,
        vector,
        limit,
        where: "AND ($4::text[] IS NULL OR r.document_id = ANY($4::text[]))",
        extraParams: [documentIds ?? null],
      },
      embedding.model,
    );
  }

  /** Reads the ranked chunks with their documents' titles and sources, keeping the ranking. */
  async #hits(userId: string, ranked: readonly Fused<ChunkKey>[]): Promise<DocumentHit[]> {
    if (ranked.length === 0) return [];
    const { rows } = await this.#parts.store.driver.query<ChunkRow & { title: string; source: string | null }>(
      `SELECT c.document_id, c.chunk_index, c.heading, c.content, c.token_count, d.title, d.source
       FROM unnest($2::text[], $3::int4[]) AS k(d, i)
       JOIN ${this.#s}.document_chunks c ON c.user_id = $1 AND c.document_id = k.d AND c.chunk_index = k.i
       JOIN ${this.#s}.documents d ON d.user_id = $1 AND d.document_id = c.document_id`,
      [userId, ranked.map((hit) => String(hit.item.document_id)), ranked.map((hit) => Number(hit.item.chunk_index))],
    );
    const byKey = new Map(rows.map((row) => [`${row.document_id}\u0000${row.chunk_index}`, row]));
    return ranked.flatMap(({ item, score, lexicalRank, vectorRank }) => {
      const row = byKey.get(`${item.document_id}\u0000${item.chunk_index}`);
      // A chunk replaced or deleted between ranking and reading is left out.
      if (!row) return [];
      return [{ documentId: row.document_id, title: row.title, source: row.source ?? undefined, ...toChunk(row), score, lexicalRank, vectorRank }];
    });
  }
}

/** What is embedded for a chunk: its document's title, its heading, then its text. */
function searchableChunk(title: string, chunk: DocumentChunk): string {
  return [title, chunk.heading, chunk.content].filter(Boolean).join("\n\n");
}

/** RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in the URL namespace. */
function uuidV5(name: string): string {
  const bytes = createHash("sha1").update(urlNamespace).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toDocument(row: DocumentRow): ReferenceDocument {
  return {
    documentId: row.document_id,
    title: row.title,
    source: row.source ?? undefined,
    contentType: row.content_type,
    tokenCount: row.token_count,
    chunkCount: row.chunk_count,
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toChunk(row: ChunkRow): ReferenceChunk {
  return { chunkIndex: row.chunk_index, heading: row.heading ?? undefined, content: row.content, tokenCount: row.token_count };
}
