import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { detectContentType } from "./detect-content-type.js";
import { type DocumentChunk, type DocumentContentType, type DocumentInput, splitDocument } from "./split-document.js";

const counter = createTiktokenCounter("o200k_base");

function split(document: DocumentInput, chunkTokens = 256): DocumentChunk[] {
  const chunks = splitDocument(document, { counter, chunkTokens });
  expectValidChunks(chunks, chunkTokens);
  return chunks;
}

/** Asserts every promise splitDocument makes about each chunk. */
function expectValidChunks(chunks: DocumentChunk[], chunkTokens: number): void {
  for (const chunk of chunks) {
    expect(chunk.tokenCount).toBe(counter.count(chunk.content));
    expect(chunk.tokenCount).toBeLessThanOrEqual(chunkTokens);
    expect(chunk.content.trim()).not.toBe("");
    expect(chunk.content).toBe(chunk.content.trimEnd());
    if ("heading" in chunk) expect(chunk.heading).not.toBe("");
  }
}

const headings = (chunks: DocumentChunk[]): (string | undefined)[] => chunks.map((chunk) => chunk.heading);

const manual = `Mnemo keeps memory for LLM apps.

# Install

## Linux

Install the package:

\`\`\`sh
# not a heading
npm install @mnemo/core
\`\`\`

### Debian

Use apt.

## macOS
Use brew.

# Usage

Call createMemory.
`;

describe("splitDocument: markdown", () => {
  it("splits at headings with heading paths, ignoring # lines inside code fences", () => {
    const chunks = split({ content: manual, contentType: "markdown", title: "Manual" });
    expect(headings(chunks)).toEqual(["Manual", "Install > Linux", "Install > Linux > Debian", "Install > macOS", "Usage"]);
    expect(chunks[0]?.content).toBe("Mnemo keeps memory for LLM apps.");
    expect(chunks[1]?.content).toBe("## Linux\n\nInstall the package:\n\n```sh\n# not a heading\nnpm install @mnemo/core\n```");
    expect(chunks[3]?.content).toBe("## macOS\nUse brew.");
  });

  it("leaves text before the first heading without a heading when there is no title", () => {
    expect(split({ content: "Preface.\n\n# One\n\nBody.", contentType: "markdown" })).toEqual([
      { content: "Preface.", tokenCount: counter.count("Preface.") },
      { heading: "One", content: "# One\n\nBody.", tokenCount: counter.count("# One\n\nBody.") },
    ]);
  });

  it("keeps front matter with the text before the first heading and reads setext headings", () => {
    const chunks = split({ content: "---\ntitle: Guide\n---\n\nGuide\n=====\n\nText.\n", contentType: "markdown", title: "Guide" });
    expect(chunks.map(({ heading, content }) => ({ heading, content }))).toEqual([
      { heading: "Guide", content: "---\ntitle: Guide\n---" },
      { heading: "Guide", content: "Guide\n=====\n\nText." },
    ]);
  });

  it("returns nothing for a document of headings only", () => {
    expect(split({ content: "# A\n## B\n", contentType: "markdown" })).toEqual([]);
  });

  it("cuts a long section into pieces under budget that keep its heading", () => {
    const sentences = Array.from({ length: 120 }, (_, index) => `Sentence ${index} explains one more detail of the setup.`);
    const content = `# Setup\n\n## Details\n\n${sentences.join(" ")}\n\n## Next\n\nDone.`;
    const chunks = split({ content, contentType: "markdown" }, 64);
    const details = chunks.filter((chunk) => chunk.heading === "Setup > Details");
    expect(details.length).toBeGreaterThan(10);
    expect(details.map((chunk) => chunk.content).join(" ")).toContain("Sentence 119 explains");
    expect(chunks.at(-1)).toEqual({ heading: "Setup > Next", content: "## Next\n\nDone.", tokenCount: counter.count("## Next\n\nDone.") });
  });
});

const petStore = {
  openapi: "3.0.3",
  info: { title: "Pet Store", version: "1.0.0", description: "Sells pets." },
  servers: [{ url: "https://pets.example.com/v1" }],
  paths: {
    "/pets": {
      get: {
        summary: "List pets",
        operationId: "listPets",
        parameters: [{ name: "limit", in: "query", description: "How many\nitems to return", schema: { type: "integer", format: "int32" } }],
        responses: {
          "200": { description: "A page of pets", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Pet" } } } } },
        },
      },
      post: {
        operationId: "createPet",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
        responses: { "201": { description: "Created" }, default: { $ref: "#/components/responses/Error" } },
      },
    },
    "/pets/{petId}": {
      parameters: [{ name: "petId", in: "path", required: true, description: "The pet's id", schema: { type: "string" } }],
      get: {
        summary: "Show a pet",
        responses: { "200": { description: "The pet", content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } } },
      },
      delete: { parameters: [{ $ref: "#/components/parameters/Force" }], responses: { "204": { description: "Deleted" } } },
    },
  },
  components: {
    parameters: { Force: { name: "force", in: "query", schema: { type: "boolean" } } },
    responses: { Error: { description: "Unexpected error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } },
    schemas: {
      Pet: {
        type: "object",
        required: ["id", "name"],
        properties: {
          id: { type: "integer", format: "int64" },
          name: { type: "string", description: "What the pet answers to" },
          status: { type: "string", enum: ["available", "sold"] },
          parent: { $ref: "#/components/schemas/Pet" },
        },
      },
      Error: { type: "object", properties: { code: { type: "integer" }, message: { type: "string" } } },
      Loop: { $ref: "#/components/schemas/Loop" },
    },
  },
};

describe("splitDocument: openapi", () => {
  const formats = [
    ["JSON", JSON.stringify(petStore, null, 2)],
    ["YAML", toYaml(petStore)],
  ] as const;

  it.each(formats)("makes one chunk per operation from %s", (_format, content) => {
    const chunks = split({ content, contentType: "openapi" });
    expect(headings(chunks)).toEqual([
      "Pet Store",
      "Pet Store > GET /pets",
      "Pet Store > POST /pets",
      "Pet Store > GET /pets/{petId}",
      "Pet Store > DELETE /pets/{petId}",
      "Pet Store > Schema Pet",
      "Pet Store > Schema Error",
      "Pet Store > Schema Loop",
    ]);
    const byHeading = new Map(chunks.map((chunk) => [chunk.heading, chunk.content]));
    expect(byHeading.get("Pet Store")).toBe("Pet Store 1.0.0\nSells pets.\nServers: https://pets.example.com/v1");
    expect(byHeading.get("Pet Store > GET /pets")).toBe(
      [
        "GET /pets",
        "Summary: List pets",
        "Operation ID: listPets",
        "Parameters:",
        "- limit (query): integer (int32) — How many items to return",
        "Responses:",
        "- 200: A page of pets; application/json: array of Pet {id: integer (int64), name: string, status?: string (one of available | sold), parent?: Pet}",
      ].join("\n"),
    );
    expect(byHeading.get("Pet Store > POST /pets")).toContain("Request body (required): application/json: Pet {id: integer (int64)");
    expect(byHeading.get("Pet Store > POST /pets")).toContain("- default: Unexpected error; application/json: Error {code?: integer, message?: string}");
    expect(byHeading.get("Pet Store > GET /pets/{petId}")).toContain("- petId (path, required): string — The pet's id");
    expect(byHeading.get("Pet Store > DELETE /pets/{petId}")).toContain("- petId (path, required): string — The pet's id\n- force (query): boolean");
    expect(byHeading.get("Pet Store > Schema Pet")).toContain("Properties:\n- name: What the pet answers to");
    expect(byHeading.get("Pet Store > Schema Loop")).toBe("Schema Loop");
  });

  it("gives the same chunks for JSON and YAML", () => {
    const [json, yaml] = formats.map(([, content]) => split({ content, contentType: "openapi" }));
    expect(yaml).toEqual(json);
  });

  it("reads Swagger 2: body parameters, response schemas and definitions", () => {
    const swagger = {
      swagger: "2.0",
      info: { title: "Old Pets", version: "1" },
      host: "api.example.com",
      basePath: "/v1",
      paths: {
        "/pets": {
          post: {
            parameters: [
              { name: "body", in: "body", required: true, schema: { $ref: "#/definitions/Pet" } },
              { name: "dryRun", in: "query", type: "boolean" },
            ],
            responses: { "200": { description: "OK", schema: { $ref: "#/definitions/Pet" } } },
          },
        },
      },
      definitions: { Pet: { type: "object", properties: { name: { type: "string" } } } },
    };
    const chunks = split({ content: toYaml(swagger), contentType: "openapi" });
    expect(chunks.map(({ heading, content }) => ({ heading, content }))).toEqual([
      { heading: "Old Pets", content: "Old Pets 1\nServers: api.example.com/v1" },
      {
        heading: "Old Pets > POST /pets",
        content: "POST /pets\nParameters:\n- body (body, required): Pet {name?: string}\n- dryRun (query): boolean\nResponses:\n- 200: OK; Pet {name?: string}",
      },
      { heading: "Old Pets > Schema Pet", content: "Schema Pet {name?: string}" },
    ]);
  });

  it("uses the document title when the API has none, and survives YAML aliases that make the document cyclic", () => {
    const content =
      "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      requestBody:\n        content:\n          application/json:\n            schema: &node\n              properties:\n                self: *node\n";
    const chunks = split({ content, contentType: "openapi", title: "Service" });
    expect(headings(chunks)).toEqual(["Service > GET /a"]);
    expect(chunks[0]?.content).toContain("Request body: application/json: {self?: {self?: {self?: object}}}");
  });

  it("rejects documents that are not OpenAPI", () => {
    for (const content of ["{ not json", "a: [1,\nb: c: d", "openapi: 3.0.0\ninfo: {title: x}\n", "just some words", '["paths"]']) {
      expect(() => splitDocument({ content, contentType: "openapi" }, { counter, chunkTokens: 64 })).toThrow(InvalidInputError);
    }
    expect(() => splitDocument({ content: "a: [1,\nb: c: d", contentType: "openapi" }, { counter, chunkTokens: 64 })).toThrow(/not valid YAML \(line 2/);
    expect(() => splitDocument({ content: "openapi: 3.0.0\n", contentType: "openapi" }, { counter, chunkTokens: 64 })).toThrow(/"paths" object/);
  });
});

describe("detectContentType", () => {
  it.each<[string | undefined, string, DocumentContentType]>([
    ["README.md", "# Title", "markdown"],
    ["docs/Guide.MARKDOWN", "text", "markdown"],
    ["petstore.json", JSON.stringify({ openapi: "3.0.3", paths: {} }), "openapi"],
    ["petstore.yaml", "openapi: 3.0.3\npaths: {}\n", "openapi"],
    ["legacy.yml", "swagger: '2.0'\npaths: {}\n", "openapi"],
    ["data.json", '{"name": "x", "nested": {"openapi": "3"}}', "json"],
    ["broken.json", "{ not json", "json"],
    ["config.yaml", "name: x\n", "text"],
    ["broken.yaml", "a: [1,\nb: c: d", "text"],
    ["notes.txt", "# looks like markdown", "text"],
    ["Makefile", "all:", "text"],
    [undefined, '{"openapi": "3.0.0"}', "text"],
  ])("%s → %s", (fileName, content, expected) => {
    expect(detectContentType(fileName, content)).toBe(expected);
  });
});

describe("splitDocument: json", () => {
  it("makes one section per top-level key with the pretty-printed value", () => {
    const content = JSON.stringify({ name: "mnemo", version: 2, tags: ["memory", "postgres"] });
    expect(split({ content, contentType: "json" }).map(({ heading, content }) => ({ heading, content }))).toEqual([
      { heading: "name", content: '"mnemo"' },
      { heading: "version", content: "2" },
      { heading: "tags", content: '[\n  "memory",\n  "postgres"\n]' },
    ]);
  });

  it("groups consecutive items of a top-level array and splits values over budget by their keys", () => {
    const items = Array.from({ length: 40 }, (_, index) => ({ id: index, label: `item number ${index}` }));
    const chunks = split({ content: JSON.stringify(items), contentType: "json" }, 64);
    expect(chunks[0]?.heading).toMatch(/^\[0\.\.\d+\]$/);
    expect(chunks.at(-1)?.heading).toMatch(/^\[\d+\.\.39\]$/);
    expect(chunks.flatMap((chunk) => JSON.parse(chunk.content))).toEqual(items);

    const nested = split({ content: JSON.stringify({ settings: { a: "x ".repeat(40), b: "y ".repeat(40) }, tiny: true }), contentType: "json" }, 64);
    expect(headings(nested)).toEqual(["settings > a", "settings > b", "tiny"]);
  });

  it("keeps a scalar document whole under the title", () => {
    expect(split({ content: '"hello"', contentType: "json", title: "Greeting" })).toEqual([
      { heading: "Greeting", content: '"hello"', tokenCount: counter.count('"hello"') },
    ]);
  });

  it("rejects invalid JSON, and strings that PostgreSQL text cannot hold once parsed", () => {
    expect(() => split({ content: '{"a": secret}', contentType: "json" })).toThrow(/content: is not valid JSON/);
    expect(() => split({ content: '{"a\\u0000": 1}', contentType: "json" })).toThrow(/U\+0000/);
  });
});

describe("splitDocument: text", () => {
  it("groups paragraphs up to the budget without cutting them", () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => `Paragraph ${index} says a few words about memory.`);
    const chunks = split({ content: paragraphs.join("\n\n  \n"), contentType: "text", title: "Notes" }, 40);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.length).toBeLessThan(12);
    expect(chunks.flatMap((chunk) => chunk.content.split("\n\n"))).toEqual(paragraphs);
    expect(new Set(headings(chunks))).toEqual(new Set(["Notes"]));
  });
});

describe("splitDocument: validation", () => {
  const valid: DocumentInput = { content: "text", contentType: "text" };
  it.each<[string, unknown, unknown]>([
    ["empty content", { content: "", contentType: "text" }, { counter, chunkTokens: 64 }],
    ["blank content", { content: " \n\t", contentType: "markdown" }, { counter, chunkTokens: 64 }],
    ["content not a string", { content: 42, contentType: "text" }, { counter, chunkTokens: 64 }],
    ["content with NUL", { content: "a\u0000b", contentType: "text" }, { counter, chunkTokens: 64 }],
    ["unknown content type", { content: "x", contentType: "html" }, { counter, chunkTokens: 64 }],
    ["title not a string", { content: "x", contentType: "text", title: 7 }, { counter, chunkTokens: 64 }],
    ["chunkTokens below 16", valid, { counter, chunkTokens: 15 }],
    ["chunkTokens not an integer", valid, { counter, chunkTokens: 16.5 }],
    ["no counter", valid, { chunkTokens: 64 }],
    ["no document", undefined, { counter, chunkTokens: 64 }],
  ])("rejects %s", (_case, document, options) => {
    expect(() => splitDocument(document as DocumentInput, options as never)).toThrow(InvalidInputError);
  });

  it("accepts the smallest budget", () => {
    expect(split(valid, 16)).toEqual([{ content: "text", tokenCount: 1 }]);
  });
});

describe("splitDocument: properties", () => {
  const line = fc.oneof(
    fc.constantFrom("# Title", "## Section", "### Sub", "```", "```js", "    indented code", "- item", "> quote", "", "", "   ", "Setext", "===", "---"),
    fc.constantFrom("日本語のテキスト", "👩‍👩‍👧‍👦 emoji", "e\u0301", "\r", "\t", "word ".repeat(60)),
    fc.string({ unit: fc.constantFrom("a", "b", " ", "#", "`", "é", "中", "*"), maxLength: 80 }),
  );
  const markdownish = fc.array(line, { maxLength: 60 }).map((lines) => lines.join("\n"));

  it("keeps every markdown chunk within budget with exact counts", () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 16, max: 120 }), (content, chunkTokens) => {
        fc.pre(content.trim() !== "");
        expectValidChunks(splitDocument({ content, contentType: "markdown" }, { counter, chunkTokens }), chunkTokens);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every text chunk within budget and loses no text", () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 16, max: 120 }), (content, chunkTokens) => {
        fc.pre(content.trim() !== "");
        const chunks = splitDocument({ content, contentType: "text" }, { counter, chunkTokens });
        expectValidChunks(chunks, chunkTokens);
        const visible = (text: string): string => text.replace(/\s/g, "");
        expect(visible(chunks.map((chunk) => chunk.content).join(""))).toBe(visible(content));
      }),
      { numRuns: 200 },
    );
  });

  it("renders OpenAPI documents of any shape, with any $ref, without failing", () => {
    const key = fc.constantFrom("$ref", "type", "properties", "items", "allOf", "oneOf", "enum", "required", "schema", "content", "application/json");
    const moreKeys = fc.constantFrom("parameters", "name", "in", "requestBody", "responses", "200", "get", "post", "description", "A", "B");
    const refs = ["#/components/schemas/A", "#/components/schemas/B/properties/x", "#/paths", "#/", "#", "#/components/%ZZ", "other.yaml#/A"];
    const leaf = fc.oneof(fc.constantFrom(...refs, "object", "array", "string", "id"), fc.integer(), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(fc.oneof(key, moreKeys), tie("value"), { maxKeys: 4 }),
      ),
    }));
    const spec = fc.record({
      openapi: fc.constant("3.0.0"),
      info: value,
      paths: fc.dictionary(fc.constantFrom("/a", "/b/{id}"), value, { maxKeys: 2 }),
      components: fc.record({ schemas: fc.dictionary(fc.constantFrom("A", "B"), value), parameters: value }),
    });
    fc.assert(
      fc.property(spec, (document) => {
        expectValidChunks(splitDocument({ content: JSON.stringify(document), contentType: "openapi" }, { counter, chunkTokens: 64 }), 64);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every json chunk within budget for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 16, max: 80 }), (value, chunkTokens) => {
        expectValidChunks(splitDocument({ content: JSON.stringify(value), contentType: "json" }, { counter, chunkTokens }), chunkTokens);
      }),
      { numRuns: 200 },
    );
  });
});
