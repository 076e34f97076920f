// Compact, readable text for the parts of a parsed OpenAPI document. The document is untrusted: any
// field may have any type, and YAML aliases can even make it cyclic, so every walk is bounded.

/** The object `value` is, or undefined for anything else (arrays included). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string, number or boolean as text; undefined for anything else. */
export function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

/** Text on one line, for lists: descriptions often span several. */
export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

// Levels of nesting (objects, arrays) and of `$ref`s expanded, and items listed per level, before `…`.
const maxDepth = 3;
const maxRefs = 4;
const maxItems = 25;

/** The target of a local `$ref` (`#/components/schemas/Pet`); undefined when it is missing or not local. */
export function lookUpPointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let current = root;
  for (const segment of ref.slice(2).split("/")) {
    const key = unescapePointer(decodeSegment(segment));
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const unescapePointer = (segment: string): string => segment.replaceAll("~1", "/").replaceAll("~0", "~");

const refOf = (value: unknown): string | undefined => {
  const ref = asRecord(value)?.$ref;
  return typeof ref === "string" ? ref : undefined;
};

/** The last segment of a `$ref`, e.g. `Pet`; the whole `$ref` when that segment is empty. */
export function refName(ref: string): string {
  return unescapePointer(decodeSegment(ref.slice(ref.lastIndexOf("/") + 1))) || ref;
}

/** Follows a chain of `$ref`s (a parameter, a response) to an object; undefined when it is missing, not local or cyclic. */
export function resolveObject(root: unknown, value: unknown): Record<string, unknown> | undefined {
  const seen = new Set<string>();
  let current = value;
  for (let ref = refOf(current); ref !== undefined; ref = refOf(current)) {
    if (seen.has(ref)) return undefined;
    seen.add(ref);
    current = lookUpPointer(root, ref);
  }
  return asRecord(current);
}

/**
 * A schema on one line, e.g. `Pet {id: integer (int64), name: string, tag?: string}`: optional
 * properties end in `?`, `$ref`s show their name and, within the limits, their content. A `$ref`
 * already being expanded shows its name only, which ends cycles.
 */
export function describeSchema(root: unknown, schema: unknown, depth = 0, expanding: ReadonlySet<string> = new Set()): string {
  const ref = refOf(schema);
  if (ref === undefined) {
    const record = asRecord(schema);
    return record ? describeShape(root, record, depth, expanding) : "any";
  }
  const name = refName(ref);
  const target = expanding.has(ref) || expanding.size >= maxRefs || depth >= maxDepth ? undefined : lookUpPointer(root, ref);
  if (target === undefined) return name;
  const body = describeSchema(root, target, depth, new Set([...expanding, ref]));
  if (body === name) return name;
  return body.startsWith("{") ? `${name} ${body}` : `${name} (${body})`;
}

const compositions = [
  ["allOf", " & "],
  ["oneOf", " | "],
  ["anyOf", " | "],
] as const;

function describeShape(root: unknown, schema: Record<string, unknown>, depth: number, expanding: ReadonlySet<string>): string {
  const describe = (value: unknown): string => describeSchema(root, value, depth + 1, expanding);
  for (const [keyword, separator] of compositions) {
    const parts = schema[keyword];
    if (Array.isArray(parts) && parts.length > 0) return limit(parts.map(describe), separator);
  }
  let text = typesOf(schema)
    .map((type) => {
      if (type === "array") return `array of ${describe(schema.items)}`;
      return type === "object" ? describeObject(root, schema, depth, expanding) : type;
    })
    .join(" | ");
  const format = asText(schema.format);
  if (format !== undefined) text += ` (${format})`;
  if (Array.isArray(schema.enum)) text += ` (one of ${limit(schema.enum.map(enumValue), " | ")})`;
  if (schema.const !== undefined) text += ` = ${asText(schema.const) ?? "…"}`;
  if (schema.nullable === true) text += " | null";
  return text;
}

function typesOf(schema: Record<string, unknown>): string[] {
  const declared = Array.isArray(schema.type)
    ? schema.type.filter((type) => typeof type === "string")
    : [asText(schema.type)].filter((type) => type !== undefined);
  if (declared.length > 0) return declared;
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return ["object"];
  return [schema.items === undefined ? "any" : "array"];
}

function describeObject(root: unknown, schema: Record<string, unknown>, depth: number, expanding: ReadonlySet<string>): string {
  const properties = Object.entries(asRecord(schema.properties) ?? {});
  const extra = asRecord(schema.additionalProperties);
  if (depth >= maxDepth || (properties.length === 0 && !extra)) return "object";
  if (properties.length === 0) return `map of ${describeSchema(root, extra, depth + 1, expanding)}`;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = properties.map(([name, value]) => `${name}${required.has(name) ? "" : "?"}: ${describeSchema(root, value, depth + 1, expanding)}`);
  return `{${limit(fields, ", ")}}`;
}

const enumValue = (value: unknown): string => asText(value) ?? "null";

/** Joins at most `maxItems` parts, marking the rest with `…`. */
function limit(parts: string[], separator: string): string {
  return parts.length > maxItems ? `${parts.slice(0, maxItems).join(separator)}${separator}…` : parts.join(separator);
}
