import { z } from "zod";
import { InvalidInputError } from "../errors/invalid-input-error.js";

/** A user, conversation or record id: 1 to 256 characters. */
export const idSchema = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");

/** A non-negative integer up to `max`. */
export const countSchema = (max: number) => z.number().int("must be an integer").min(0, "must not be negative").max(max, `must be at most ${max}`);

/** Parses `value` with `schema` (applying defaults), or throws one {@link InvalidInputError} listing every problem. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = issues[0];
  throw new InvalidInputError(first ? `Invalid ${first.path || "argument"}: ${first.message}.` : "Invalid argument.", { issues });
}
