import type { z } from "zod";
import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";

/**
 * Parses an embedder factory's options with `schema` (applying its defaults), or throws one
 * {@link InvalidInputError} listing every problem with paths like `options.batchSize`.
 * Zod's messages name the expected type, never the value given, so an API key cannot leak.
 */
export function parseEmbedderOptions<Schema extends z.ZodType>(schema: Schema, options: unknown, factory: string): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({ path: ["options", ...issue.path.map(String)].join("."), message: issue.message }));
  const first = issues[0] ?? { path: "options", message: "are invalid" };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new InvalidInputError(`${factory}: ${first.path}: ${first.message}${more}.`, { issues, cause: result.error });
}
