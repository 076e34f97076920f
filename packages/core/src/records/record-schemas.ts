import { z } from "zod";
import { jsonProblem, textProblem } from "../ingest/check-text.js";
import { countSchema, idSchema } from "../memory/parse-input.js";
import { scope as scopePath } from "../model-memory/model-memory.js";
import { filterShapeProblem, type MetadataFilter, metadataFilterSchema } from "./metadata-filter.js";

const storable = <T extends z.ZodType<string>>(schema: T) =>
  schema.superRefine((value, context) => {
    const problem = textProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

const id = storable(idSchema);
/** A scope path; a trailing `/` is dropped (`/a/` is `/a`). */
const scope = scopePath.transform((value) => (value.length > 1 && value.endsWith("/") ? value.slice(0, -1) : value));
const vector = z.array(z.number().finite("must be finite numbers")).min(1, "must not be empty").max(16_000, "must have at most 16,000 dimensions");
const metadata = z.record(z.string(), z.unknown()).superRefine((value, context) => {
  const problem = jsonProblem(value) ?? (JSON.stringify(value).length > 1_000_000 ? "must be at most 1,000,000 characters as JSON" : undefined);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const filter = metadataFilterSchema.superRefine((value, context) => {
  const problem = filterShapeProblem(value);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const category = storable(z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"));
const categories = z
  .array(category)
  .max(100, "must list at most 100 categories")
  .transform((values) => [...new Set(values)]);
const vectorModel = z.object({
  name: storable(z.string().min(1, "must not be empty").max(200, "must be at most 200 characters")),
  dimensions: z.number().int("must be an integer").min(1, "must be at least 1").max(16_000, "must be at most 16,000").optional(),
});
const target = { userId: id, collection: id };

const recordSchema = z.object({
  id,
  content: storable(z.string().max(1_000_000, "must be at most 1,000,000 characters")),
  metadata: metadata.optional(),
  sourceId: id.nullish(),
  scope: scope.default("/"),
  categories: categories.default([]),
  importance: z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").default(0.5),
  private: z.boolean().default(false),
  vector: vector.optional(),
  createdAt: z.coerce.date("must be a date").optional(),
  lastAccessedAt: z.coerce.date("must be a date").nullish(),
});

/** Validates {@link Records.upsert} input: the records, their vectors, no id twice. */
export const upsertSchema = z
  .object({ ...target, records: z.array(recordSchema).max(10_000, "must hold at most 10,000 records per call"), vectorModel: vectorModel.optional() })
  .superRefine((value, context) => {
    const seen = new Set<string>();
    value.records.forEach((record, index) => {
      if (seen.has(record.id)) context.addIssue({ code: "custom", path: ["records", index, "id"], message: "repeats an earlier record's id in this call" });
      seen.add(record.id);
    });
  });

/** Conditions shared by query and delete; all given ones must hold. */
const selection = {
  scopePrefix: scope.optional(),
  categories: categories.optional(),
  sourceIds: z.array(id).max(10_000, "must list at most 10,000 ids").optional(),
  ids: z.array(id).max(10_000, "must list at most 10,000 ids").optional(),
  filter: filter.optional(),
  private: z.boolean().optional(),
};

/** Validates {@link Records.query} input. */
export const querySchema = z.object({
  ...target,
  ...selection,
  vector: vector.optional(),
  text: storable(z.string().max(10_000, "must be at most 10,000 characters")).optional(),
  mode: z.enum(["vector", "lexical", "hybrid"]).optional(),
  alpha: z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").optional(),
  limit: z.number().int("must be an integer").min(1, "must be at least 1").max(1_000, "must be at most 1,000").default(10),
  minScore: z.number().finite().optional(),
  mmr: z
    .object({
      lambda: z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1"),
      fetchK: z.number().int("must be an integer").min(1, "must be at least 1").max(5_000, "must be at most 5,000").optional(),
    })
    .optional(),
  includeVectors: z.boolean().default(false),
  vectorModel: vectorModel.optional(),
});

/** Validates {@link Records.delete} input: at least one condition. */
export const deleteSchema = z
  .object({ ...target, ...selection, olderThan: z.coerce.date("must be a date").optional() })
  .refine(
    (value) => Object.entries(value).some(([key, given]) => key !== "userId" && key !== "collection" && given !== undefined),
    "must name what to delete (ids, sourceIds, scopePrefix, categories, olderThan, private or filter); use reset() to delete a whole collection",
  );
/** Validates {@link Records.get} input. */
export const getSchema = z.object({ ...target, id, includeVectors: z.boolean().default(false), vectorModel: vectorModel.optional() });
/** Validates {@link Records.list} input. */
export const listSchema = z.object({
  ...target,
  scopePrefix: scope.optional(),
  limit: countSchema(10_000).min(1, "must be at least 1").default(100),
  offset: countSchema(Number.MAX_SAFE_INTEGER).default(0),
  includeVectors: z.boolean().default(false),
  vectorModel: vectorModel.optional(),
});
/** Validates a collection (or the part under a scope prefix): count, categories, reset. */
export const scopedSchema = z.object({ ...target, scopePrefix: scope.optional() });
/** Validates {@link Records.scopes} input. */
export const scopesSchema = z.object({ ...target, parent: scope.default("/") });
/** Validates {@link Records.touch} input. */
export const touchSchema = z.object({ ...target, ids: z.array(id).max(10_000, "must list at most 10,000 ids") });

/** What {@link Records.upsert} stores: records of one collection, with optional vectors. */
export type UpsertRecordsInput = z.input<typeof upsertSchema>;
/** One record as given to {@link Records.upsert}. */
export type RecordInput = z.input<typeof recordSchema>;
/** What {@link Records.query} looks for. */
export type RecordQueryInput = z.input<typeof querySchema>;
/** Which records {@link Records.delete} removes: every given condition must hold. */
export type DeleteRecordsInput = z.input<typeof deleteSchema>;
/** The record conditions of a query or delete, after validation. */
export type RecordSelection = { [Key in keyof typeof selection]?: z.output<(typeof selection)[Key]> } & { olderThan?: Date | undefined };
/** An embedding model for client-supplied vectors: vectors of one name always have one length. */
export type RecordVectorModel = z.input<typeof vectorModel>;
export type { MetadataFilter };
