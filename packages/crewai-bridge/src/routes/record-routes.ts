import type { z } from "@hono/zod-openapi";
import { type ApiKeyGrant, grantAllowsScope } from "@mnemo/core";
import type { Context } from "hono";
import type { BridgeEnv, RouteDependencies } from "../app/bridge-env.js";
import { HttpError, withRequestPaths } from "../app/http-error.js";
import { assertScopeAllowed, defaultWriteScope, effectiveScopePrefix } from "../auth/scope-access.js";
import { json } from "./json-response.js";
import {
  countRecords,
  deleteRecords,
  getRecord,
  listCategories,
  listRecords,
  listScopes,
  replaceRecord,
  resetRecords,
  saveRecords,
  scopeInfo,
  searchRecords,
  touchRecords,
} from "./record-route-definitions.js";
import { fromWireRecord, type recordInputSchema, toWireRecord } from "./record-schemas.js";
import { assertIdsWritable, dateRange, newestFirst, type RecordTarget, visibleIds, visibleScopes } from "./record-views.js";

/** The name client vectors are registered under when the request names none. */
export const defaultEmbeddingModel = "crewai";

/** Core's field names in issue paths, as the request spells them. */
const bodyPath = (path: string) => `body.${path.replace(/\.vector$|^vector$/, (match) => match.replace("vector", "embedding")).replace(/sourceId$/, "source")}`;

/**
 * Records of a collection — CrewAI's MemoryRecord storage: save, replace, get, list, search, delete,
 * reset, count, scopes, scope info, categories. Always the key's user; always inside the key's scopes.
 */
export function registerRecordRoutes({ app, memory }: RouteDependencies): void {
  const target = (c: Context<BridgeEnv>, collection: string): RecordTarget => ({ memory, grant: c.var.grant, userId: c.var.userId, collection });

  app.openapi(saveRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const body = c.req.valid("json");
    const records = scopedRecords(c.var.grant, body.records, "body.records");
    await assertIdsWritable(
      target(c, collection),
      records.map((record) => record.id),
    );
    const vectorModel = body.records.some((record) => record.embedding) ? { name: body.embeddingModel ?? defaultEmbeddingModel } : undefined;
    const result = await withRequestPaths(
      () => memory.records.upsert({ userId: c.var.userId, collection, records: records.map(fromWireRecord), ...(vectorModel ? { vectorModel } : {}) }),
      bodyPath,
    );
    return json(c, result, 200);
  });

  app.openapi(replaceRecord, async (c) => {
    const { collection, recordId } = c.req.valid("param");
    const { embeddingModel, ...body } = c.req.valid("json");
    if (body.id !== undefined && body.id !== recordId) throw new HttpError(400, "invalid_input", "body.id must match the record id in the path.");
    const [record] = scopedRecords(c.var.grant, [{ ...body, id: recordId }], "body");
    await assertIdsWritable(target(c, collection), [recordId]);
    const vectorModel = record?.embedding ? { name: embeddingModel ?? defaultEmbeddingModel } : undefined;
    await withRequestPaths(
      () =>
        memory.records.upsert({ userId: c.var.userId, collection, records: [fromWireRecord(record as RecordInput)], ...(vectorModel ? { vectorModel } : {}) }),
      (path) => bodyPath(path).replace(/^body\.records\.0\b/, "body"),
    );
    const stored = await memory.records.get({
      userId: c.var.userId,
      collection,
      id: recordId,
      includeVectors: vectorModel !== undefined,
      ...(vectorModel ? { vectorModel } : {}),
    });
    return json(c, { record: toWireRecord(stored as NonNullable<typeof stored>) }, 200);
  });

  app.openapi(getRecord, async (c) => {
    const { collection, recordId } = c.req.valid("param");
    const { includeEmbedding, embeddingModel } = c.req.valid("query");
    const record = await memory.records.get({
      userId: c.var.userId,
      collection,
      id: recordId,
      includeVectors: includeEmbedding,
      ...(embeddingModel ? { vectorModel: { name: embeddingModel } } : {}),
    });
    if (!record || !grantAllowsScope(c.var.grant, record.scope)) throw new HttpError(404, "not_found", "No such record.");
    return json(c, { record: toWireRecord(record) }, 200);
  });

  app.openapi(listRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const query = c.req.valid("query");
    const scopePrefix = effectiveScopePrefix(c.var.grant, query.scopePrefix, "query.scopePrefix");
    const vectorModel = query.embeddingModel ? { vectorModel: { name: query.embeddingModel } } : {};
    const records =
      query.order === "asc"
        ? await memory.records.list({
            userId: c.var.userId,
            collection,
            ...(scopePrefix ? { scopePrefix } : {}),
            limit: query.limit,
            offset: query.offset,
            includeVectors: query.includeEmbedding,
            ...vectorModel,
          })
        : await newestFirst(target(c, collection), {
            scopePrefix,
            limit: query.limit,
            offset: query.offset,
            includeVectors: query.includeEmbedding,
            ...vectorModel,
          });
    return json(c, { records: records.map(toWireRecord) }, 200);
  });

  app.openapi(searchRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const body = c.req.valid("json");
    const scopePrefix = effectiveScopePrefix(c.var.grant, body.scopePrefix, "body.scopePrefix");
    if (!body.embedding && body.query === undefined)
      throw new HttpError(400, "invalid_input", "Send embedding, query, or both.", {
        details: { issues: [{ path: "body.embedding", message: "or body.query is required" }] },
      });
    // "vector" with text alone asks for cosine similarities from the service's embedder (CrewAI's legacy
    // score_threshold expects them); without an embedder, BM25 is the only way to search text.
    const mode = body.mode === "vector" && !body.embedding && !memory.embedder ? "lexical" : body.mode;
    const hits = await withRequestPaths(
      () =>
        memory.records.query({
          userId: c.var.userId,
          collection,
          ...(body.embedding ? { vector: body.embedding, vectorModel: { name: body.embeddingModel ?? defaultEmbeddingModel } } : {}),
          ...(body.query !== undefined ? { text: body.query } : {}),
          ...(mode ? { mode } : {}),
          ...(scopePrefix ? { scopePrefix } : {}),
          ...(body.categories?.length ? { categories: body.categories } : {}),
          ...(body.filter ? { filter: body.filter as never } : {}),
          limit: body.limit,
          ...(body.minScore === undefined ? {} : { minScore: body.minScore }),
          includeVectors: body.includeEmbedding,
        }),
      bodyPath,
    );
    return json(c, { results: hits.map((hit) => ({ record: toWireRecord(hit.record), score: hit.score })) }, 200);
  });

  app.openapi(deleteRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const body = c.req.valid("json");
    const scopePrefix = effectiveScopePrefix(c.var.grant, body.scopePrefix, "body.scopePrefix");
    const criteria = {
      ...(scopePrefix ? { scopePrefix } : {}),
      ...(body.ids ? { ids: body.ids } : {}),
      ...(body.categories ? { categories: body.categories } : {}),
      ...(body.olderThan ? { olderThan: body.olderThan } : {}),
      ...(body.filter ? { filter: body.filter as never } : {}),
    };
    const deleted =
      Object.keys(criteria).length === 0
        ? await memory.records.reset({ userId: c.var.userId, collection })
        : await withRequestPaths(() => memory.records.delete({ userId: c.var.userId, collection, ...criteria }), bodyPath);
    return json(c, { deleted }, 200);
  });

  app.openapi(resetRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const requested = c.req.header("content-type")?.includes("json") ? c.req.valid("json").scopePrefix : undefined;
    const scopePrefix = effectiveScopePrefix(c.var.grant, requested, "body.scopePrefix");
    return json(c, { deleted: await memory.records.reset({ userId: c.var.userId, collection, ...(scopePrefix ? { scopePrefix } : {}) }) }, 200);
  });

  app.openapi(countRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const scopePrefix = effectiveScopePrefix(c.var.grant, c.req.valid("query").scopePrefix, "query.scopePrefix");
    return json(c, { count: await memory.records.count({ userId: c.var.userId, collection, ...(scopePrefix ? { scopePrefix } : {}) }) }, 200);
  });

  app.openapi(listScopes, async (c) => {
    const { collection } = c.req.valid("param");
    return json(c, { scopes: await visibleScopes(target(c, collection), c.req.valid("query").parent) }, 200);
  });

  app.openapi(scopeInfo, async (c) => {
    const { collection } = c.req.valid("param");
    const { scope } = c.req.valid("query");
    const effective = effectiveScopePrefix(c.var.grant, scope, "query.scope");
    const scoped = effective && effective !== "/" ? { scopePrefix: effective } : {};
    const [range, categories, children] = await Promise.all([
      dateRange(target(c, collection), scoped.scopePrefix),
      memory.records.categories({ userId: c.var.userId, collection, ...scoped }),
      visibleScopes(target(c, collection), scope),
    ]);
    return json(
      c,
      {
        path: scope,
        recordCount: range.count,
        categories: Object.keys(categories),
        oldestRecord: range.oldest,
        newestRecord: range.newest,
        childScopes: children.map((child) => child.scope),
      },
      200,
    );
  });

  app.openapi(touchRecords, async (c) => {
    const { collection } = c.req.valid("param");
    const ids = await visibleIds(target(c, collection), c.req.valid("json").ids);
    return json(c, { touched: ids.length === 0 ? 0 : await memory.records.touch({ userId: c.var.userId, collection, ids }) }, 200);
  });

  app.openapi(listCategories, async (c) => {
    const { collection } = c.req.valid("param");
    const scopePrefix = effectiveScopePrefix(c.var.grant, c.req.valid("query").scopePrefix, "query.scopePrefix");
    return json(c, { categories: await memory.records.categories({ userId: c.var.userId, collection, ...(scopePrefix ? { scopePrefix } : {}) }) }, 200);
  });
}

type RecordInput = z.infer<typeof recordInputSchema>;

/** Each record with its scope (the key's default when missing), refused when outside the key's scopes. */
function scopedRecords(grant: ApiKeyGrant, records: readonly RecordInput[], field: string): RecordInput[] {
  return records.map((record, index) => {
    const path = records.length === 1 && field === "body" ? "body.scope" : `${field}.${index}.scope`;
    const scope = record.scope ?? defaultWriteScope(grant, path);
    assertScopeAllowed(grant, scope, path);
    return { ...record, scope };
  });
}
