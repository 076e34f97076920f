import { z } from "@hono/zod-openapi";
import type { StoredRecord } from "@mnemo/core";
import { idParam, metadataSchema, scopeSchema, timestampSchema } from "./common-schemas.js";

/** The collection in the path: a name such as `crewai` or `crew:research` (one per crew if you like). */
export const collectionParams = z.object({
  collection: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "must be 1 to 64 of letters, digits, _ . : - (starting with a letter or digit)")
    .openapi({ param: { name: "collection", in: "path" }, example: "crewai" }),
});

/** A collection and a record id in the path. */
export const recordParams = collectionParams.extend({ recordId: idParam("recordId") });

/** The name vectors sent with records are registered under; one name always has one dimension. */
export const embeddingModelSchema = z
  .string()
  .min(1)
  .max(200)
  .openapi({ description: "Name of the embedding model the vectors come from (default crewai). One name always has one dimension.", example: "crewai" });

const vector = z.array(z.number()).min(1).max(16_000);

/** A record as sent: CrewAI's MemoryRecord in camelCase. */
export const recordInputSchema = z
  .object({
    id: z.string().min(1).max(256),
    content: z.string(),
    scope: scopeSchema.optional(),
    categories: z.array(z.string()).max(100).optional(),
    metadata: metadataSchema.optional(),
    importance: z.number().min(0).max(1).optional(),
    private: z.boolean().optional(),
    source: z.string().min(1).max(256).nullish(),
    createdAt: timestampSchema.optional(),
    lastAccessedAt: timestampSchema.nullish(),
    embedding: vector
      .optional()
      .openapi({ description: "The record's vector (e.g. 3,072 numbers from CrewAI's embedder); omitted: embedded by the service, if it has an embedder" }),
  })
  .openapi("RecordInput");

/** A record as answered. */
export const recordSchema = z
  .object({
    id: z.string(),
    content: z.string(),
    scope: z.string(),
    categories: z.array(z.string()),
    metadata: metadataSchema,
    importance: z.number(),
    private: z.boolean(),
    source: z.string().nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    lastAccessedAt: timestampSchema.nullable(),
    embedding: z.array(z.number()).optional(),
  })
  .openapi("Record");

/** A metadata filter tree: `{ and: [...] }`, `{ or: [...] }` or `{ key, op, value }` (see @mnemo/core records). */
export const filterSchema = z.record(z.string(), z.unknown()).openapi({
  type: "object",
  description: "{ and: [filters] } | { or: [filters] } | { key, op, value } with op one of == != > >= < <= in nin any all contains text_match is_empty",
  example: { and: [{ key: "agent", op: "==", value: "researcher" }] },
});

/** Core's record in the wire shape (`source`, `embedding`, ISO dates via JSON). */
export function toWireRecord(record: StoredRecord) {
  return {
    id: record.id,
    content: record.content,
    scope: record.scope,
    categories: record.categories,
    metadata: record.metadata,
    importance: record.importance,
    private: record.private,
    source: record.sourceId ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastAccessedAt: record.lastAccessedAt ?? null,
    ...(record.vector ? { embedding: record.vector } : {}),
  };
}

/** A wire record as core's upsert input. */
export function fromWireRecord(record: z.infer<typeof recordInputSchema>) {
  return {
    id: record.id,
    content: record.content,
    ...(record.scope === undefined ? {} : { scope: record.scope }),
    ...(record.categories === undefined ? {} : { categories: record.categories }),
    ...(record.metadata === undefined ? {} : { metadata: record.metadata }),
    ...(record.importance === undefined ? {} : { importance: record.importance }),
    ...(record.private === undefined ? {} : { private: record.private }),
    ...(record.source == null ? {} : { sourceId: record.source }),
    ...(record.createdAt === undefined ? {} : { createdAt: record.createdAt }),
    ...(record.lastAccessedAt == null ? {} : { lastAccessedAt: record.lastAccessedAt }),
    ...(record.embedding === undefined ? {} : { vector: record.embedding }),
  };
}
