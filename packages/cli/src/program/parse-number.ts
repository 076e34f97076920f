import { UsageError } from "./exit-codes.js";

/** Parses an integer option, or throws a {@link UsageError} naming the option and its range. */
export function integerOption(text: string | undefined, name: string, range: { min: number; max: number }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(`${name} must be a whole number from ${range.min} to ${range.max}.`);
  }
  return value;
}

/** Parses a number option in a range. */
export function numberOption(text: string | undefined, name: string, range: { min: number; max: number }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < range.min || value > range.max) throw new UsageError(`${name} must be a number from ${range.min} to ${range.max}.`);
  return value;
}

/** One line of text, shortened to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
