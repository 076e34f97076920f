import { parse as parseYaml } from "yaml";
import { InvalidInputError } from "../errors/invalid-input-error.js";

const byteOrderMark = /^\uFEFF/;

/**
 * Parses JSON; a leading byte order mark is ignored.
 *
 * @throws InvalidInputError when `content` is not JSON; the parser's error, which quotes the text, is only the `cause`.
 */
export function parseJson(content: string): unknown {
  try {
    return JSON.parse(content.replace(byteOrderMark, ""));
  } catch (error) {
    throw new InvalidInputError('content: is not valid JSON; fix it or pass contentType "text".', { cause: error });
  }
}

/**
 * Parses JSON when the content starts with `{` or `[`, YAML otherwise (one document, at most 100 aliases).
 *
 * @throws InvalidInputError when `content` is neither.
 */
export function parseJsonOrYaml(content: string): unknown {
  if (/^\uFEFF?\s*[{[]/.test(content)) return parseJson(content);
  try {
    return parseYaml(content, { logLevel: "error" });
  } catch (error) {
    const position = yamlPosition(error);
    throw new InvalidInputError(`content: is not valid YAML${position}; fix it or pass contentType "text".`, { cause: error });
  }
}

function yamlPosition(error: unknown): string {
  const start = typeof error === "object" && error !== null && "linePos" in error && Array.isArray(error.linePos) ? error.linePos[0] : undefined;
  return typeof start?.line === "number" ? ` (line ${start.line}, column ${start.col})` : "";
}
