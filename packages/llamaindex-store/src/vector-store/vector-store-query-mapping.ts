import type { MetadataFilter as LlamaIndexFilter, MetadataFilters, VectorStoreQuery } from "@llamaindex/core/vector-store";
import { InvalidInputError, type MetadataFilter, type RecordQueryInput } from "@mnemo/core";

type QueryParts = Pick<RecordQueryInput, "vector" | "text" | "mode" | "alpha" | "limit" | "filter" | "sourceIds" | "mmr">;

/**
 * The part of a Mnemo records query that a LlamaIndex `VectorStoreQuery` says: top-k, the query
 * vector and text, the mode (`default`: vector, or lexical without a vector; `sparse`: lexical;
 * `hybrid` with `alpha`; `mmr` with `mmrThreshold` as λ), `docIds` (source documents) and filters.
 */
export function toRecordQuery(query: VectorStoreQuery): QueryParts {
  const vector = query.queryEmbedding && query.queryEmbedding.length > 0 ? query.queryEmbedding : undefined;
  const text = query.queryStr?.trim() ? query.queryStr : undefined;
  const parts: QueryParts = { limit: query.similarityTopK, ...modeParts(query, vector !== undefined, text !== undefined) };
  if (parts.mode !== "lexical" && vector) parts.vector = vector;
  if (parts.mode !== "vector" && text) parts.text = text;
  if (query.docIds && query.docIds.length > 0) parts.sourceIds = query.docIds;
  if (query.filters && query.filters.filters.length > 0) parts.filter = toMnemoFilter(query.filters);
  return parts;
}

function modeParts(query: VectorStoreQuery, hasVector: boolean, hasText: boolean): QueryParts {
  const mode = String(query.mode ?? "default");
  if (mode === "default") return { mode: hasVector ? "vector" : "lexical" };
  if (mode === "sparse" || mode === "text_search") return { mode: "lexical" };
  if (mode === "hybrid" || mode === "semantic_hybrid") {
    if (!hasVector || !hasText) return { mode: hasVector ? "vector" : "lexical" };
    return { mode: "hybrid", ...(query.alpha !== undefined ? { alpha: query.alpha } : {}) };
  }
  if (mode === "mmr") return { mode: hasVector ? "vector" : "lexical", mmr: { lambda: query.mmrThreshold ?? 0.5 } };
  throw new InvalidInputError(`MnemoVectorStore: query mode "${mode}" is not supported; use default, sparse, hybrid or mmr.`, {
    issues: [{ path: "mode", message: "must be default, sparse, hybrid or mmr" }],
  });
}

/** LlamaIndex `MetadataFilters` (nested ones too, as LlamaIndex Python writes them) as Mnemo's filter. */
export function toMnemoFilter(filters: MetadataFilters): MetadataFilter {
  const condition = filters.condition ?? "and";
  if (condition !== "and" && condition !== "or") {
    throw new InvalidInputError(`MnemoVectorStore: filter condition "${String(condition)}" is not supported; use "and" or "or".`, {
      issues: [{ path: "filters.condition", message: 'must be "and" or "or"' }],
    });
  }
  const each = filters.filters.map((filter: LlamaIndexFilter | MetadataFilters) =>
    "filters" in filter ? toMnemoFilter(filter) : { key: filter.key, op: filter.operator, ...("value" in filter ? { value: filter.value } : {}) },
  );
  return condition === "and" ? { and: each } : { or: each };
}
