import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";
import { textProblem } from "../ingest/check-text.js";
import { splitByTokensWithCounts } from "../ingest/split-by-tokens.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import type { DocumentSection, SectionContext } from "./document-section.js";
import { jsonSections } from "./json-sections.js";
import { markdownSections } from "./markdown-sections.js";
import { openApiSections } from "./openapi-sections.js";
import { textSections } from "./text-sections.js";

/** How a reference document is split: by paragraphs, Markdown headings, JSON keys or OpenAPI operations. */
export type DocumentContentType = "text" | "markdown" | "json" | "openapi";

/** Every {@link DocumentContentType}, for validation and error messages. */
export const documentContentTypes: readonly DocumentContentType[] = ["text", "markdown", "json", "openapi"];

/** A reference document to split. */
export interface DocumentInput {
  /** The whole document; must contain some non-whitespace text. */
  content: string;
  contentType: DocumentContentType;
  /** Heads the parts that have no heading of their own (text, Markdown before its first heading, an untitled API). */
  title?: string | undefined;
}

/** Options for {@link splitDocument}. */
export interface SplitDocumentOptions {
  /** The tokenizer that defines the budget and the counts. */
  counter: TokenCounter;
  /** The largest token count of a chunk, an integer of at least 16. */
  chunkTokens: number;
}

/** One searchable piece of a document. */
export interface DocumentChunk {
  /** Where the chunk sits, e.g. `Install > Linux`, `Pet Store > GET /pets/{petId}` or a JSON key path. */
  heading?: string | undefined;
  content: string;
  /** Exactly `counter.count(content)`, and at most `chunkTokens`. */
  tokenCount: number;
}

const minChunkTokens = 16;

/**
 * Splits a reference document into chunks by its structure, then cuts every part over budget by tokens.
 *
 * - `markdown`: one part per top-level heading, as `marked` lexes it (`#` lines in code fences are
 *   not headings); the heading is the path (`Install > Linux`) and the content the raw Markdown,
 *   heading line included. Parts with no text besides their heading line are dropped.
 * - `openapi` (JSON or YAML): one part for `info`, one per operation (`GET /pets/{petId}`, under
 *   the API title) with its parameters, request body and responses, one per component schema.
 * - `json`: one part per top-level key or run of top-level array items; values over budget are
 *   split by their own keys or items.
 * - `text`: paragraphs, grouped up to the budget.
 *
 * Parts are never merged across headings. Chunks keep document order, have non-blank content with
 * leading blank lines and trailing whitespace removed, and `tokenCount === counter.count(content) <= chunkTokens`.
 * The result is empty only when nothing is left once structure is removed (headings only, `{}`).
 *
 * @throws InvalidInputError when an argument is invalid, or the content does not parse as its type.
 *
 * @example
 * ```ts
 * const chunks = splitDocument({ content: readme, contentType: "markdown", title: "README" }, { counter: createTiktokenCounter("o200k_base"), chunkTokens: 512 });
 * // [{ heading: "Install > Linux", content: "## Linux\n\nRun …", tokenCount: 87 }, …]
 * ```
 */
export function splitDocument(document: DocumentInput, options: SplitDocumentOptions): DocumentChunk[] {
  throwIfInvalid([...documentIssues(document), ...optionIssues(options)]);
  const context: SectionContext = { counter: options.counter, chunkTokens: options.chunkTokens, title: document.title };
  const sections = sectionsOf(document, context);
  // Parsed JSON and YAML can spell out characters (`\u0000`) that the raw text could not hold.
  throwIfInvalid(sections.flatMap(sectionIssues));
  return sections.flatMap((section) => chunksOf(section, context));
}

function sectionsOf(document: DocumentInput, context: SectionContext): DocumentSection[] {
  switch (document.contentType) {
    case "markdown":
      return markdownSections(document.content, document.title);
    case "openapi":
      return openApiSections(document.content, document.title);
    case "json":
      return jsonSections(document.content, context);
    case "text":
      return textSections(document.content, context);
  }
}

/** The section cut to the budget; pieces lose leading blank lines and trailing whitespace, and blank ones are dropped. */
function chunksOf(section: DocumentSection, context: SectionContext): DocumentChunk[] {
  const { counter, chunkTokens } = context;
  const heading = section.heading === undefined || section.heading === "" ? {} : { heading: section.heading };
  return splitByTokensWithCounts(tidy(section.content), counter, chunkTokens).flatMap((piece) => {
    const content = tidy(piece.content);
    if (content.trim() === "") return [];
    if (content === piece.content) return [{ ...heading, ...piece }];
    const tokenCount = counter.count(content);
    // Trimming cannot add tokens with a BPE tokenizer, but a custom counter owes us nothing: keep the measured piece.
    return [tokenCount <= chunkTokens ? { ...heading, content, tokenCount } : { ...heading, ...piece }];
  });
}

const tidy = (text: string): string => text.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();

function documentIssues(document: DocumentInput): InputIssue[] {
  if (typeof document !== "object" || document === null) return [{ path: "document", message: "must be an object with content and contentType" }];
  const issues: InputIssue[] = [];
  const { content, contentType, title } = document;
  if (typeof content !== "string") issues.push({ path: "content", message: "must be a string" });
  else if (content.trim() === "") issues.push({ path: "content", message: "must contain some non-whitespace text" });
  else {
    const problem = textProblem(content);
    if (problem) issues.push({ path: "content", message: problem });
  }
  if (!documentContentTypes.includes(contentType)) issues.push({ path: "contentType", message: `must be one of ${documentContentTypes.join(", ")}` });
  if (title !== undefined && typeof title !== "string") issues.push({ path: "title", message: "must be a string when given" });
  return issues;
}

function optionIssues(options: SplitDocumentOptions): InputIssue[] {
  if (typeof options !== "object" || options === null) return [{ path: "options", message: "must be an object with counter and chunkTokens" }];
  const issues: InputIssue[] = [];
  if (typeof options.counter?.count !== "function") issues.push({ path: "counter", message: "must be a TokenCounter" });
  if (!Number.isInteger(options.chunkTokens) || options.chunkTokens < minChunkTokens) {
    issues.push({ path: "chunkTokens", message: `must be an integer of at least ${minChunkTokens}` });
  }
  return issues;
}

function sectionIssues(section: DocumentSection, index: number): InputIssue[] {
  const problem = textProblem(section.content) ?? (section.heading === undefined ? undefined : textProblem(section.heading));
  return problem ? [{ path: `content (part ${index + 1})`, message: `a parsed value ${problem.replace(/^contains/, "holds")}` }] : [];
}

function throwIfInvalid(issues: InputIssue[]): void {
  const first = issues[0];
  if (!first) return;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new InvalidInputError(`Invalid document ${first.path}: ${first.message}${more}.`, { issues });
}
