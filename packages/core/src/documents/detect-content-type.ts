import { parse as parseYaml } from "yaml";
import type { DocumentContentType } from "./split-document.js";

/**
 * Guesses a document's type from its file name and content: `.md` and `.markdown` are Markdown;
 * `.json`, `.yaml` and `.yml` with a top-level `openapi` or `swagger` key are OpenAPI; other `.json`
 * is JSON (invalid JSON included, so that splitting reports it); anything else, other YAML and a
 * missing file name included, is text. Extensions are compared case-insensitively. Never throws.
 *
 * @example
 * ```ts
 * detectContentType("petstore.yaml", "openapi: 3.0.3\npaths: {}\n"); // "openapi"
 * ```
 */
export function detectContentType(fileName: string | undefined, content: string): DocumentContentType {
  const extension = /\.([^./\\]+)$/.exec(fileName?.toLowerCase() ?? "")?.[1];
  if (extension === "md" || extension === "markdown") return "markdown";
  if (extension === "json" || extension === "yaml" || extension === "yml") {
    if (hasOpenApiKey(content, extension === "json")) return "openapi";
    return extension === "json" ? "json" : "text";
  }
  return "text";
}

function hasOpenApiKey(content: string, json: boolean): boolean {
  let value: unknown;
  try {
    value = json ? JSON.parse(content.replace(/^\uFEFF/, "")) : parseYaml(content, { logLevel: "silent" });
  } catch {
    return false;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) && (Object.hasOwn(value, "openapi") || Object.hasOwn(value, "swagger"));
}
