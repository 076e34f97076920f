import { type BaseNode, jsonToNode, type Metadata, type ObjectType } from "@llamaindex/core/schema";
import type { RecordInput, StoredRecord } from "@mnemo/core";

/**
 * The metadata key under which a node's own fields (type, relationships, excluded keys, templates,
 * hash, character offsets…) are kept, next to its user metadata, so that every metadata filter sees
 * exactly the node's `metadata` and the node comes back whole.
 */
export const nodeMetadataKey = "_node";

/**
 * The Mnemo record for a LlamaIndex node: its id, its text as `content` (searchable by the lexical
 * leg), its metadata as is (what filters see), its source document's id as `sourceId`, and its vector.
 */
export function toRecordInput(node: BaseNode, vector: number[] | undefined): RecordInput {
  const { embedding: _embedding, metadata, text, ...fields } = node.toMutableJSON();
  const sourceId = node.sourceNode?.nodeId;
  return {
    id: node.id_,
    content: typeof text === "string" ? text : "",
    metadata: { ...(metadata as Metadata), [nodeMetadataKey]: JSON.parse(JSON.stringify(fields)) },
    ...(sourceId ? { sourceId } : {}),
    ...(vector ? { vector } : {}),
  };
}

/** The LlamaIndex node a record was made from (of `@llamaindex/core`'s node classes), without its vector. */
export function toNode(record: StoredRecord): BaseNode {
  const { [nodeMetadataKey]: kept, ...metadata } = record.metadata;
  const fields = typeof kept === "object" && kept !== null ? (kept as Record<string, unknown>) : {};
  const type = typeof fields.type === "string" ? (fields.type as ObjectType) : ("TEXT" as ObjectType);
  return jsonToNode({ ...fields, id_: record.id, text: record.content, metadata }, type);
}
