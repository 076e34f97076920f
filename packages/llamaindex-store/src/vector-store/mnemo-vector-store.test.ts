import type { MetadataFilter, MetadataFilters, VectorStoreQuery } from "@llamaindex/core/vector-store";
import { createMemory, EmbeddingDimensionError, InvalidInputError, type Memory } from "@mnemo/core";
import { createHashingEmbedder, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { Document, NodeRelationship, TextNode } from "llamaindex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoEmbedding } from "../embeddings/mnemo-embedding.js";
import { MnemoVectorStore } from "./mnemo-vector-store.js";

const embedModel = new MnemoEmbedding(createHashingEmbedder(16));

/** A unit vector pointing mostly along axis `axis` of 4, tilted by `tilt` towards the next axis. */
function direction(axis: number, tilt = 0): number[] {
  const vector = [0, 0, 0, 0];
  vector[axis % 4] = 1;
  vector[(axis + 1) % 4] = tilt;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** Nodes with every kind of metadata value the filter operators look at, including 0, false and ''. */
function catalogue(): TextNode[] {
  const rows: [string, Record<string, unknown>][] = [
    ["a", { rank: 0, open: false, note: "", tags: ["x", "y"], city: "Lisbon", nested: { level: 1 } }],
    ["b", { rank: 1, open: true, note: "quiet room", tags: ["y"], city: "Porto", nested: { level: 2 } }],
    ["c", { rank: 2, open: true, note: "Rooftop pool", tags: [], city: "lisbon" }],
    ["d", { rank: 3, open: false, note: null, tags: ["z", "x"], city: "Faro" }],
    ["e", { rank: 10, city: "Lisbon" }],
  ];
  return rows.map(([id, metadata], index) => new TextNode({ id_: id, text: `Hotel ${id} text`, metadata, embedding: direction(index) }));
}

const query = (filters: MetadataFilter[], condition: "and" | "or" = "and", similarityTopK = 10): VectorStoreQuery => ({
  queryEmbedding: direction(0),
  similarityTopK,
  mode: "default" as VectorStoreQuery["mode"],
  filters: { filters, condition },
});

describe.each(testEngines())("MnemoVectorStore conformance on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let next = 0;
  const store = (userId = "ada", collection = `c${++next}`) => new MnemoVectorStore({ memory, userId, collection, embedModel, vectorModel: "test-4d" });
  const ids = async (vectorStore: MnemoVectorStore, request: VectorStoreQuery) => (await vectorStore.query(request)).ids.sort();

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("stores text, returns the client, and keeps ids, text, metadata and relationships", async () => {
      const vectorStore = store();
      expect(vectorStore.storesText).toBe(true);
      expect(vectorStore.client()).toBe(memory);
      const source = new Document({ id_: "doc-1", text: "whole document" });
      const node = new TextNode({
        id_: "node-1",
        text: "The Memmo Alfama has a rooftop terrace.",
        metadata: { city: "Lisbon", stars: 4, amenities: ["terrace"], nested: { a: [1, { b: true }] } },
        excludedEmbedMetadataKeys: ["stars"],
        excludedLlmMetadataKeys: ["amenities"],
        startCharIdx: 10,
        endCharIdx: 50,
        relationships: {
          [NodeRelationship.SOURCE]: source.asRelatedNodeInfo(),
          [NodeRelationship.NEXT]: { nodeId: "node-2", metadata: {} },
        },
        embedding: direction(1),
      });
      expect(await vectorStore.add([node])).toEqual(["node-1"]);
      const result = await vectorStore.query({ queryEmbedding: direction(1), similarityTopK: 1, mode: "default" as VectorStoreQuery["mode"] });
      expect(result.ids).toEqual(["node-1"]);
      expect(result.similarities[0]).toBeCloseTo(1, 5);
      const back = result.nodes?.[0] as TextNode;
      const { embedding: _embedding, ...expected } = node.toJSON();
      expect({ ...back.toJSON(), embedding: undefined }).toEqual({ ...expected, embedding: undefined });
      expect(back.sourceNode?.nodeId).toBe("doc-1");
      expect(back.getContent()).toBe(node.getContent());
    });

    it("upserts by node id", async () => {
      const vectorStore = store();
      await vectorStore.add([new TextNode({ id_: "n", text: "first", metadata: { version: 1 }, embedding: direction(0) })]);
      await vectorStore.add([new TextNode({ id_: "n", text: "second", metadata: { version: 2 }, embedding: direction(2) })]);
      const result = await vectorStore.query({ queryEmbedding: direction(2), similarityTopK: 5, mode: "default" as VectorStoreQuery["mode"] });
      expect(result.ids).toEqual(["n"]);
      expect((result.nodes?.[0] as TextNode | undefined)?.text).toBe("second");
      expect(result.nodes?.[0]?.metadata).toEqual({ version: 2 });
      expect(result.similarities[0]).toBeCloseTo(1, 5);
    });

    it("deletes every node of a source document, and only those", async () => {
      const vectorStore = store();
      const [first, second] = [new Document({ id_: "doc-a", text: "A" }), new Document({ id_: "doc-b", text: "B" })];
      const node = (id: string, source: Document, axis: number) =>
        new TextNode({ id_: id, text: id, relationships: { [NodeRelationship.SOURCE]: source.asRelatedNodeInfo() }, embedding: direction(axis) });
      await vectorStore.add([node("a1", first, 0), node("a2", first, 1), node("a3", first, 2), node("b1", second, 3)]);
      await vectorStore.delete("doc-a");
      expect(await ids(vectorStore, { queryEmbedding: direction(0), similarityTopK: 10, mode: "default" as VectorStoreQuery["mode"] })).toEqual(["b1"]);
      expect(await vectorStore.deleteNodes(["b1", "nothing"])).toBe(1);
    });

    it.each<[string, MetadataFilter[], "and" | "or", string[]]>([
      ["== 0", [{ key: "rank", operator: "==", value: 0 }], "and", ["a"]],
      ["== false", [{ key: "open", operator: "==", value: false as never }], "and", ["a", "d"]],
      ["== ''", [{ key: "note", operator: "==", value: "" }], "and", ["a"]],
      ["== string (case-sensitive)", [{ key: "city", operator: "==", value: "Lisbon" }], "and", ["a", "e"]],
      ["!= 0", [{ key: "rank", operator: "!=", value: 0 }], "and", ["b", "c", "d", "e"]],
      ["> 0", [{ key: "rank", operator: ">", value: 0 }], "and", ["b", "c", "d", "e"]],
      [">= 2 (numeric, not text: 10 > 2)", [{ key: "rank", operator: ">=", value: 2 }], "and", ["c", "d", "e"]],
      ["< 1", [{ key: "rank", operator: "<", value: 1 }], "and", ["a"]],
      ["<= 1", [{ key: "rank", operator: "<=", value: 1 }], "and", ["a", "b"]],
      ["in numbers with 0", [{ key: "rank", operator: "in", value: [0, 3] }], "and", ["a", "d"]],
      ["in strings with ''", [{ key: "note", operator: "in", value: ["", "quiet room"] }], "and", ["a", "b"]],
      ["nin", [{ key: "rank", operator: "nin", value: [0, 1, 2] }], "and", ["d", "e"]],
      ["any", [{ key: "tags", operator: "any", value: ["x", "q"] }], "and", ["a", "d"]],
      ["all", [{ key: "tags", operator: "all", value: ["x", "y"] }], "and", ["a"]],
      ["contains", [{ key: "tags", operator: "contains", value: "y" }], "and", ["a", "b"]],
      ["text_match", [{ key: "note", operator: "text_match", value: "pool" }], "and", ["c"]],
      ["is_empty (missing, null, '' and [])", [{ key: "note", operator: "is_empty" }], "and", ["a", "d", "e"]],
      ["is_empty on arrays", [{ key: "tags", operator: "is_empty" }], "and", ["c", "e"]],
      ["dotted path", [{ key: "nested.level", operator: "==", value: 2 }], "and", ["b"]],
      [
        "and",
        [
          { key: "city", operator: "==", value: "Lisbon" },
          { key: "rank", operator: ">", value: 0 },
        ],
        "and",
        ["e"],
      ],
      [
        "or",
        [
          { key: "rank", operator: "==", value: 0 },
          { key: "city", operator: "==", value: "Faro" },
        ],
        "or",
        ["a", "d"],
      ],
    ])("filters: %s", async (_name, filters, condition, expected) => {
      const vectorStore = store();
      await vectorStore.add(catalogue());
      expect(await ids(vectorStore, query(filters, condition))).toEqual(expected);
    });

    it("filters: nested and/or groups (LlamaIndex Python shape)", async () => {
      const vectorStore = store();
      await vectorStore.add(catalogue());
      const nested: MetadataFilters = {
        condition: "or",
        filters: [
          { key: "rank", operator: "==", value: 10 },
          {
            condition: "and",
            filters: [
              { key: "open", operator: "==", value: true as never },
              { key: "tags", operator: "contains", value: "y" },
            ],
          } as unknown as MetadataFilter,
        ],
      };
      expect(await ids(vectorStore, { ...query([]), filters: nested })).toEqual(["b", "e"]);
    });

    it("rejects an unknown operator, a bad value and an unsupported mode with typed errors", async () => {
      const vectorStore = store();
      await vectorStore.add(catalogue());
      const invalid = (request: VectorStoreQuery) => expect(vectorStore.query(request)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      await invalid(query([{ key: "rank", operator: "~" as never, value: 1 }]));
      await invalid(query([{ key: "tags", operator: "any", value: "x" }]));
      await invalid({ ...query([]), mode: "svm" as VectorStoreQuery["mode"] });
      await invalid({ similarityTopK: 1, mode: "default" as VectorStoreQuery["mode"] });
      await invalid({ ...query([]), similarityTopK: 1_001 });
    });

    it("returns k results under a selective filter whenever k match", async () => {
      const vectorStore = store();
      const nodes = Array.from(
        { length: 400 },
        (_, index) =>
          new TextNode({ id_: `n${index}`, text: `node ${index}`, metadata: { rare: index % 80 === 7 }, embedding: direction(index, (index % 13) / 13) }),
      );
      await vectorStore.add(nodes);
      const rare = (k: number) => query([{ key: "rare", operator: "==", value: true as never }], "and", k);
      expect((await vectorStore.query(rare(5))).ids).toHaveLength(5);
      expect((await vectorStore.query(rare(3))).ids).toHaveLength(3);
      expect((await vectorStore.query(rare(20))).ids.sort()).toEqual(["n167", "n247", "n327", "n7", "n87"]);
    });

    it("honours docIds", async () => {
      const vectorStore = store();
      const [first, second] = [new Document({ id_: "doc-x", text: "X" }), new Document({ id_: "doc-y", text: "Y" })];
      await vectorStore.add([
        new TextNode({ id_: "x1", text: "x1", relationships: { [NodeRelationship.SOURCE]: first.asRelatedNodeInfo() }, embedding: direction(0) }),
        new TextNode({ id_: "y1", text: "y1", relationships: { [NodeRelationship.SOURCE]: second.asRelatedNodeInfo() }, embedding: direction(0, 0.1) }),
      ]);
      expect(await ids(vectorStore, { ...query([]), docIds: ["doc-y"] })).toEqual(["y1"]);
    });

    it("hybrid: alpha weighs the vector leg against the lexical leg of queryStr", async () => {
      const vectorStore = store();
      await vectorStore.add([
        new TextNode({ id_: "lexical", text: "rooftop swimming pool with a view", embedding: direction(2) }),
        new TextNode({ id_: "vector", text: "a quiet room near the river", embedding: direction(0) }),
      ]);
      const hybrid = (alpha: number) =>
        vectorStore.query({ queryEmbedding: direction(0), queryStr: "rooftop pool", similarityTopK: 2, mode: "hybrid" as VectorStoreQuery["mode"], alpha });
      expect((await hybrid(0)).ids[0]).toBe("lexical");
      expect((await hybrid(1)).ids[0]).toBe("vector");
      const sparse = await vectorStore.query({ queryStr: "rooftop pool", similarityTopK: 2, mode: "sparse" as VectorStoreQuery["mode"] });
      expect(sparse.ids).toEqual(["lexical"]);
    });

    it("MMR: mmrThreshold trades relevance for variety", async () => {
      const vectorStore = store();
      await vectorStore.add([
        new TextNode({ id_: "best", text: "best", embedding: direction(0, 0.1) }),
        new TextNode({ id_: "twin", text: "twin", embedding: direction(0, 0.12) }),
        new TextNode({ id_: "other", text: "other", embedding: direction(0, 1.2) }),
      ]);
      const mmr = (mmrThreshold: number) =>
        vectorStore.query({ queryEmbedding: direction(0), similarityTopK: 2, mode: "mmr" as VectorStoreQuery["mode"], mmrThreshold });
      expect((await mmr(1)).ids).toEqual(["best", "twin"]);
      expect((await mmr(0.3)).ids).toEqual(["best", "other"]);
    });

    it("embeds nodes that come without a vector, with its embedModel", async () => {
      const vectorStore = new MnemoVectorStore({ memory, userId: "ada", collection: "hashing", embedModel });
      await vectorStore.add([new TextNode({ id_: "h1", text: "rooftop pool" }), new TextNode({ id_: "h2", text: "river view" })]);
      const queryEmbedding = await embedModel.getTextEmbedding("rooftop pool");
      expect((await vectorStore.query({ queryEmbedding, similarityTopK: 1, mode: "default" as VectorStoreQuery["mode"] })).ids).toEqual(["h1"]);
    });

    it("rejects vectors of another dimension with a typed error and writes nothing", async () => {
      const vectorStore = store();
      await vectorStore.add([new TextNode({ id_: "ok", text: "ok", embedding: direction(0) })]);
      const wrong = [new TextNode({ id_: "new", text: "new", embedding: direction(1) }), new TextNode({ id_: "bad", text: "bad", embedding: [1, 0, 0] })];
      await expect(vectorStore.add(wrong)).rejects.toSatisfy(
        (error) => EmbeddingDimensionError.isInstance(error) && error.expected === 4 && error.actual === 3,
      );
      await expect(vectorStore.query({ queryEmbedding: [1, 0], similarityTopK: 1, mode: "default" as VectorStoreQuery["mode"] })).rejects.toSatisfy((error) =>
        EmbeddingDimensionError.isInstance(error),
      );
      expect(await ids(vectorStore, query([]))).toEqual(["ok"]);
    });

    it("keeps users and collections apart", async () => {
      const adas = store("ada", "shared");
      const bobs = store("bob", "shared");
      const other = store("ada", "other");
      await adas.add([new TextNode({ id_: "same-id", text: "Ada's node", embedding: direction(0) })]);
      await bobs.add([new TextNode({ id_: "same-id", text: "Bob's node", embedding: direction(0) })]);
      expect((await bobs.query(query([]))).nodes?.map((node) => (node as TextNode).text)).toEqual(["Bob's node"]);
      expect((await adas.query(query([]))).nodes?.map((node) => (node as TextNode).text)).toEqual(["Ada's node"]);
      expect((await other.query(query([]))).ids).toEqual([]);
      await bobs.delete("none");
      await bobs.clear();
      expect((await adas.query(query([]))).ids).toEqual(["same-id"]);
    });
  });
});
