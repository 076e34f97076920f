import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "../embeddings/embedder.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

const manual = `# Lighthouse manual

Lighthouse keeps a ship's logbook in PostgreSQL.

## Installation

Run the installer, then start the lighthouse daemon with \`lighthouse start\`.

## Backups

Nightly backups are written to the harbour bucket. Restore one with \`lighthouse restore --from yesterday\`.

## Troubleshooting

If the lantern does not turn, check the gearbox oil and the fog sensor.
`;

const petstore = `openapi: 3.0.3
info:
  title: Pet Store
  version: 1.0.0
  description: Sells pets to the public.
paths:
  /pets:
    get:
      operationId: listPets
      summary: List all pets
      parameters:
        - name: limit
          in: query
          schema: { type: integer }
      responses:
        "200": { description: A page of pets }
    post:
      operationId: createPet
      summary: Create a pet
      responses:
        "201": { description: Created }
  /pets/{petId}:
    get:
      operationId: showPetById
      summary: Info for a specific pet
      parameters:
        - name: petId
          in: path
          required: true
          schema: { type: string }
      responses:
        "200": { description: The pet }
    delete:
      operationId: adoptPet
      summary: Remove a pet from the shop once adopted
      responses:
        "204": { description: Adopted }
`;

describe.each(testEngines())("reference documents on $name", (engine) => {
  let opened: OpenTestEngine;
  let lexical: Memory;
  let hybrid: Memory;
  const embedder = createHashingEmbedder();

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    lexical = await createMemory({ database: opened.database, schema: opened.newSchema(), chunkTokens: 64 });
    hybrid = await createMemory({ database: opened.database, schema: opened.newSchema(), chunkTokens: 64, embedder });
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("splits a Markdown manual by its headings, stores and lists it", async () => {
      const added = await lexical.documents.add({
        userId: "ada",
        title: "Lighthouse manual",
        fileName: "MANUAL.md",
        content: manual,
        metadata: { team: "ops" },
      });
      expect(added).toMatchObject({ status: "created", chunks: 4 });
      const stored = await lexical.documents.get({ userId: "ada", documentId: added.documentId });
      expect(stored).toMatchObject({
        title: "Lighthouse manual",
        contentType: "markdown",
        chunkCount: 4,
        tokenCount: added.tokenCount,
        metadata: { team: "ops" },
      });
      expect(stored?.chunks.map((chunk) => chunk.heading)).toEqual([
        "Lighthouse manual",
        "Lighthouse manual > Installation",
        "Lighthouse manual > Backups",
        "Lighthouse manual > Troubleshooting",
      ]);
      expect(stored?.chunks.map((chunk) => chunk.chunkIndex)).toEqual([0, 1, 2, 3]);
      expect((await lexical.documents.list({ userId: "ada" })).map((document) => document.documentId)).toEqual([added.documentId]);
      const [hit] = await lexical.documents.search({ userId: "ada", query: "how do I restore a backup?" });
      expect(hit).toMatchObject({ documentId: added.documentId, title: "Lighthouse manual", heading: "Lighthouse manual > Backups", chunkIndex: 2 });
      expect(hit?.lexicalRank).toBe(1);
      expect(hit?.vectorRank).toBeUndefined();
    });

    it("splits an OpenAPI spec by operation, and ranks the operation a query names first", async () => {
      const added = await lexical.documents.add({
        userId: "ada",
        title: "Pet Store API",
        source: "https://pets.example/openapi.yaml",
        fileName: "openapi.yaml",
        content: petstore,
      });
      expect(added.status).toBe("created");
      const stored = await lexical.documents.get({ userId: "ada", documentId: added.documentId });
      expect(stored?.contentType).toBe("openapi");
      expect(stored?.source).toBe("https://pets.example/openapi.yaml");
      expect(stored?.chunks.map((chunk) => chunk.heading)).toEqual(
        expect.arrayContaining(["Pet Store > GET /pets/{petId}", "Pet Store > DELETE /pets/{petId}"]),
      );
      const [byId] = await lexical.documents.search({ userId: "ada", query: "showPetById" });
      expect(byId?.heading).toBe("Pet Store > GET /pets/{petId}");
      const [adopt] = await lexical.documents.search({ userId: "ada", query: "adopted pet", documentIds: [added.documentId] });
      expect(adopt?.heading).toBe("Pet Store > DELETE /pets/{petId}");
      expect(adopt?.source).toBe("https://pets.example/openapi.yaml");
      // The id derived from the source is stable: adding it again finds the stored document.
      expect(
        await lexical.documents.add({
          userId: "ada",
          title: "Pet Store API",
          source: "https://pets.example/openapi.yaml",
          fileName: "openapi.yaml",
          content: petstore,
        }),
      ).toEqual({
        ...added,
        status: "unchanged",
      });
      expect(await lexical.documents.search({ userId: "ada", query: "showPetById", documentIds: ["another"] })).toEqual([]);
    });

    it("searches hybrid with an embedder, and vector alone", async () => {
      const added = await hybrid.documents.add({ userId: "ada", title: "Pet Store API", fileName: "openapi.yaml", content: petstore });
      const [hit] = await hybrid.documents.search({ userId: "ada", query: "info for a specific pet showPetById" });
      expect(hit).toMatchObject({ documentId: added.documentId, heading: "Pet Store > GET /pets/{petId}", lexicalRank: 1, vectorRank: 1 });
      const vector = await hybrid.documents.search({ userId: "ada", query: "remove a pet from the shop once adopted", mode: "vector", limit: 50 });
      expect(vector[0]?.heading).toBe("Pet Store > DELETE /pets/{petId}");
      expect(vector).toHaveLength(added.chunks);
      expect(vector.every((result) => result.lexicalRank === undefined && result.vectorRank !== undefined)).toBe(true);
      await expect(lexical.documents.search({ userId: "ada", query: "pets", mode: "vector" })).rejects.toThrow(InvalidInputError);
      expect(await hybrid.documents.search({ userId: "ada", query: "   " })).toEqual([]);
    });

    it("replaces the chunks and vectors of an updated document, and writes nothing for an unchanged one", async () => {
      const first = await hybrid.documents.add({ userId: "ada", documentId: "runbook", title: "Runbook", content: "Rotate the zeppelin keys every Monday." });
      expect(first).toMatchObject({ documentId: "runbook", status: "created", chunks: 1 });
      const before = await hybrid.documents.get({ userId: "ada", documentId: "runbook" });
      const calls = embedder.calls;
      const again = await hybrid.documents.add({ userId: "ada", documentId: "runbook", title: "Runbook", content: "Rotate the zeppelin keys every Monday." });
      expect(again.status).toBe("unchanged");
      expect(embedder.calls).toBe(calls);
      expect((await hybrid.documents.get({ userId: "ada", documentId: "runbook" }))?.updatedAt).toEqual(before?.updatedAt);
      const updated = await hybrid.documents.add({
        userId: "ada",
        documentId: "runbook",
        title: "Runbook",
        content: "Rotate the submarine keys on Fridays.\n\nPage the on-call engineer first.",
      });
      expect(updated.status).toBe("updated");
      expect(await hybrid.documents.search({ userId: "ada", query: "zeppelin", mode: "lexical" })).toEqual([]);
      expect((await hybrid.documents.search({ userId: "ada", query: "submarine" }))[0]?.documentId).toBe("runbook");
      const vectors = await hybrid.documents.search({ userId: "ada", query: "keys", mode: "vector", limit: 200, documentIds: ["runbook"] });
      expect(vectors.map((result) => result.content).join("\n")).not.toContain("zeppelin");
      expect(vectors).toHaveLength(updated.chunks);
      // Only the metadata changes: still an update.
      const content = "Rotate the submarine keys on Fridays.\n\nPage the on-call engineer first.";
      expect((await hybrid.documents.add({ userId: "ada", documentId: "runbook", title: "Runbook", content, metadata: { reviewed: true } })).status).toBe(
        "updated",
      );
      expect((await hybrid.documents.get({ userId: "ada", documentId: "runbook" }))?.metadata).toEqual({ reviewed: true });
    });

    it("writes a document once when it is added concurrently", async () => {
      const input = { userId: "eve", source: "notes/ferry.md", title: "Ferry", fileName: "ferry.md", content: manual };
      const results = await Promise.all(Array.from({ length: 5 }, () => hybrid.documents.add(input)));
      expect(results.map((result) => result.status).sort()).toEqual(["created", "unchanged", "unchanged", "unchanged", "unchanged"]);
      expect(new Set(results.map((result) => result.documentId)).size).toBe(1);
      const stored = await hybrid.documents.get({ userId: "eve", documentId: results[0]?.documentId as string });
      expect(stored?.chunks).toHaveLength(4);
      expect(await hybrid.documents.search({ userId: "eve", query: "lantern", mode: "vector", limit: 200 })).toHaveLength(4);
    });

    it("deletes a document with its chunks and vectors", async () => {
      const { documentId } = await hybrid.documents.add({ userId: "ada", title: "Doomed", content: "The quokka migration plan." });
      expect(await hybrid.documents.delete({ userId: "ada", documentId })).toBe(true);
      expect(await hybrid.documents.get({ userId: "ada", documentId })).toBeUndefined();
      expect(await hybrid.documents.search({ userId: "ada", query: "quokka migration", mode: "lexical" })).toEqual([]);
      const nearest = await hybrid.documents.search({ userId: "ada", query: "quokka migration", mode: "vector", limit: 200 });
      expect(nearest.length).toBeGreaterThan(0);
      expect(nearest.filter((hit) => hit.documentId === documentId)).toEqual([]);
      expect(await hybrid.documents.delete({ userId: "ada", documentId })).toBe(false);
    });

    it("keeps every user's documents to themselves", async () => {
      const { documentId } = await lexical.documents.add({ userId: "ada", title: "Secret", content: "The vault code is kept by the albatross." });
      expect(await lexical.documents.search({ userId: "bob", query: "albatross vault" })).toEqual([]);
      expect(await lexical.documents.get({ userId: "bob", documentId })).toBeUndefined();
      expect(await lexical.documents.list({ userId: "bob" })).toEqual([]);
      expect(await lexical.documents.delete({ userId: "bob", documentId })).toBe(false);
      expect((await lexical.documents.search({ userId: "ada", query: "albatross vault" }))[0]?.documentId).toBe(documentId);
      expect(await lexical.deleteUser({ userId: "ada" })).toBe(true);
      expect(await lexical.documents.list({ userId: "ada" })).toEqual([]);
    });

    it("rejects invalid documents and writes nothing", async () => {
      const base = { userId: "cyd", title: "Broken" };
      const invalid: unknown[] = [
        { ...base, documentId: "api", contentType: "openapi", content: "openapi: 3.0.0\ninfo: [unclosed" },
        { ...base, documentId: "api", fileName: "spec.json", content: '{"openapi": "3.0.0", "paths": {' },
        { ...base, documentId: "api", contentType: "openapi", content: "openapi: 3.0.0\ninfo: { title: No paths }\n" },
        { ...base, documentId: "api", content: "nul \u0000 byte" },
        { ...base, documentId: "api", content: "lone \ud800 surrogate" },
        { ...base, documentId: "api", content: "   " },
        { ...base, documentId: "api", content: "{}", contentType: "json" },
        { ...base, documentId: "api", content: "text", contentType: "pdf" },
        { ...base, title: " ", content: "text" },
        { ...base, documentId: "", content: "text" },
        { ...base, content: "text", metadata: { bad: Number.POSITIVE_INFINITY } },
      ];
      for (const input of invalid) {
        await expect(hybrid.documents.add(input as Parameters<Memory["documents"]["add"]>[0])).rejects.toThrow(InvalidInputError);
      }
      expect(await hybrid.documents.list({ userId: "cyd" })).toEqual([]);
      // A failed embedding writes nothing either; an invalid update keeps the stored version.
      await hybrid.documents.add({ userId: "cyd", documentId: "api", title: "Pets", fileName: "openapi.yaml", content: petstore });
      await expect(hybrid.documents.add({ userId: "cyd", documentId: "api", title: "Pets", contentType: "openapi", content: "openapi: [" })).rejects.toThrow(
        InvalidInputError,
      );
      expect((await hybrid.documents.get({ userId: "cyd", documentId: "api" }))?.contentType).toBe("openapi");
      const failing: Embedder = {
        ...embedder,
        id: embedder.id,
        dimensions: embedder.dimensions,
        embedDocuments: () => Promise.reject(new Error("model down")),
      };
      const broken = await createMemory({ database: opened.database, schema: opened.newSchema(), embedder: failing });
      await expect(broken.documents.add({ userId: "cyd", title: "Manual", content: manual })).rejects.toThrow("model down");
      expect(await broken.documents.list({ userId: "cyd" })).toEqual([]);
    });
  });
});
