import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../app/error-body.js";
import { queryIntegerOr, scopeSchema, timestampSchema, userHeaders } from "./common-schemas.js";
import { collectionParams, embeddingModelSchema, filterSchema, recordInputSchema, recordParams, recordSchema } from "./record-schemas.js";

const tags = ["records (CrewAI storage)"];
const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { "application/json": { schema } } });
const ok = <T extends z.ZodType>(description: string, schema: T) => ({ 200: { description, content: { "application/json": { schema } } } });
const includeEmbedding = z
  .enum(["true", "false"])
  .optional()
  .transform((value) => value === "true")
  .openapi({ description: "Return each record's vector" });
const scopePrefixQuery = z.object({ scopePrefix: scopeSchema.optional() });
const selection = {
  scopePrefix: scopeSchema.optional(),
  categories: z.array(z.string()).max(100).optional().openapi({ description: "Any of these categories" }),
  filter: filterSchema.optional(),
};

export const saveRecords = createRoute({
  method: "post",
  path: "/v1/collections/{collection}/records",
  tags,
  summary: "Save (upsert by id) a batch of records, in one transaction",
  description:
    "Idempotent: saving the same records again changes nothing. A vector whose length differs from the stored ones is a 400 with reason dimension_mismatch, expected and actual; nothing is written.",
  request: {
    params: collectionParams,
    headers: userHeaders,
    body: jsonBody(z.object({ records: z.array(recordInputSchema).min(1).max(1_000), embeddingModel: embeddingModelSchema.optional() })),
  },
  responses: { ...ok("Counts", z.object({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })), ...errorResponses() },
});

export const replaceRecord = createRoute({
  method: "put",
  path: "/v1/collections/{collection}/records/{recordId}",
  tags,
  summary: "Replace a record (or create it), keeping its creation time",
  request: {
    params: recordParams,
    headers: userHeaders,
    body: jsonBody(recordInputSchema.partial({ id: true }).extend({ embeddingModel: embeddingModelSchema.optional() })),
  },
  responses: { ...ok("The stored record", z.object({ record: recordSchema })), ...errorResponses() },
});

export const getRecord = createRoute({
  method: "get",
  path: "/v1/collections/{collection}/records/{recordId}",
  tags,
  summary: "One record",
  request: { params: recordParams, headers: userHeaders, query: z.object({ includeEmbedding, embeddingModel: embeddingModelSchema.optional() }) },
  responses: { ...ok("The record", z.object({ record: recordSchema })), ...errorResponses(404) },
});

export const listRecords = createRoute({
  method: "get",
  path: "/v1/collections/{collection}/records",
  tags,
  summary: "A page of records, newest first (order=asc: oldest first)",
  request: {
    params: collectionParams,
    headers: userHeaders,
    query: scopePrefixQuery.extend({
      limit: queryIntegerOr(10_000, 200),
      offset: queryIntegerOr(Number.MAX_SAFE_INTEGER, 0),
      order: z.enum(["desc", "asc"]).default("desc"),
      includeEmbedding,
      embeddingModel: embeddingModelSchema.optional(),
    }),
  },
  responses: { ...ok("Records", z.object({ records: z.array(recordSchema) })), ...errorResponses() },
});

export const searchRecords = createRoute({
  method: "post",
  path: "/v1/collections/{collection}/search",
  tags,
  summary: "Search by vector (cosine similarity), by text, or both",
  description:
    "With `embedding`: cosine similarity. With `query` only: hybrid (BM25 fused with the service's embedder, when it has one and the collection holds its vectors), else BM25; `mode: vector` asks for cosine similarities from the service's embedder (BM25 without one). With both: hybrid, unless `mode` says otherwise.",
  request: {
    params: collectionParams,
    headers: userHeaders,
    body: jsonBody(
      z.object({
        embedding: z.array(z.number()).min(1).max(16_000).optional(),
        query: z.string().max(10_000).optional(),
        embeddingModel: embeddingModelSchema.optional(),
        mode: z.enum(["vector", "lexical", "hybrid"]).optional(),
        ...selection,
        limit: z.number().int().min(1).max(1_000).default(10),
        minScore: z.number().optional(),
        includeEmbedding: z.boolean().default(false),
      }),
    ),
  },
  responses: { ...ok("Best first", z.object({ results: z.array(z.object({ record: recordSchema, score: z.number() })) })), ...errorResponses() },
});

export const deleteRecords = createRoute({
  method: "post",
  path: "/v1/collections/{collection}/delete",
  tags,
  summary: "Delete the records matching every given criterion (none: all of them)",
  request: {
    params: collectionParams,
    headers: userHeaders,
    body: jsonBody(z.object({ ...selection, ids: z.array(z.string()).max(10_000).optional(), olderThan: timestampSchema.optional() })),
  },
  responses: { ...ok("How many were deleted", z.object({ deleted: z.number().int() })), ...errorResponses() },
});

export const resetRecords = createRoute({
  method: "post",
  path: "/v1/collections/{collection}/reset",
  tags,
  summary: "Delete every record (under scopePrefix)",
  request: { params: collectionParams, headers: userHeaders, body: { required: false, content: { "application/json": { schema: scopePrefixQuery } } } },
  responses: { ...ok("How many were deleted", z.object({ deleted: z.number().int() })), ...errorResponses() },
});

export const countRecords = createRoute({
  method: "get",
  path: "/v1/collections/{collection}/count",
  tags,
  summary: "How many records (under scopePrefix, sub-scopes included)",
  request: { params: collectionParams, headers: userHeaders, query: scopePrefixQuery },
  responses: { ...ok("The count", z.object({ count: z.number().int() })), ...errorResponses() },
});

export const listScopes = createRoute({
  method: "get",
  path: "/v1/collections/{collection}/scopes",
  tags,
  summary: "The immediate child scopes of parent that hold records",
  request: { params: collectionParams, headers: userHeaders, query: z.object({ parent: scopeSchema.default("/") }) },
  responses: {
    ...ok(
      "Child scopes with counts",
      z.object({ scopes: z.array(z.object({ scope: z.string(), count: z.number().int(), oldestAt: timestampSchema, newestAt: timestampSchema })) }),
    ),
    ...errorResponses(),
  },
});

export const scopeInfo = createRoute({
  method: "get",
  path: "/v1/collections/{collection}/scope-info",
  tags,
  summary: "Record count, categories, date range and child scopes of a scope",
  request: { params: collectionParams, headers: userHeaders, query: z.object({ scope: scopeSchema }) },
  responses: {
    ...ok(
      "CrewAI's ScopeInfo",
      z.object({
        path: z.string(),
        recordCount: z.number().int(),
        categories: z.array(z.string()),
        oldestRecord: timestampSchema.nullable(),
        newestRecord: timestampSchema.nullable(),
        childScopes: z.array(z.string()),
      }),
    ),
    ...errorResponses(),
  },
});

export const listCategories = createRoute({
  method: "get",
  path: "/v1/collections/{collection}/categories",
  tags,
  summary: "How many records carry each category",
  request: { params: collectionParams, headers: userHeaders, query: scopePrefixQuery },
  responses: { ...ok("Category counts", z.object({ categories: z.record(z.string(), z.number().int()) })), ...errorResponses() },
});

export const touchRecords = createRoute({
  method: "post",
  path: "/v1/collections/{collection}/touch",
  tags,
  summary: "Mark records as just accessed (last_accessed = now), as CrewAI's recall does",
  request: { params: collectionParams, headers: userHeaders, body: jsonBody(z.object({ ids: z.array(z.string().min(1).max(256)).min(1).max(10_000) })) },
  responses: { ...ok("How many of the ids exist", z.object({ touched: z.number().int() })), ...errorResponses() },
});
