import { InvalidInputError } from "@mnemo/core";

/** Namespace labels become scope segments: no `/`, whitespace, `%`, `*`, `.`, `:` or NUL, and no leading `@` (item keys use it). */
const labelPattern = /^[^/\s%*.:@\u0000][^/\s%*.:\u0000]*$/u;
/** Keys made of these characters are stored readably; any other key is stored base64url-encoded. */
const plainKey = /^[A-Za-z0-9_-]{1,200}$/u;

/**
 * Checks a LangGraph namespace for Mnemo: `namespace[0]` is the user id, the rest is the scope path.
 * @throws InvalidInputError for an empty namespace or a label that cannot be a scope segment.
 */
export function checkNamespace(namespace: readonly string[], what = "namespace"): void {
  if (!Array.isArray(namespace) || namespace.length === 0) {
    throw new InvalidInputError(`${what}: must start with the user id, e.g. ["ada"] or ["ada", "preferences"].`);
  }
  if (namespace[0] === "langgraph") throw new InvalidInputError(`${what}: the root label "langgraph" is reserved by LangGraph.`);
  const [userId, ...labels] = namespace;
  if (typeof userId !== "string" || userId === "" || userId.length > 256)
    throw new InvalidInputError(`${what}: the user id (label 0) must be a non-empty string.`);
  labels.forEach((label, index) => {
    if (typeof label !== "string" || !labelPattern.test(label) || label.length > 100) {
      throw new InvalidInputError(`${what}: label ${index + 1} must be 1 to 100 characters without / . : % * whitespace or NUL, not starting with @.`);
    }
  });
}

/** The model-memory scope of a namespace: `["ada", "prefs", "food"]` → `/prefs/food`. */
export function scopeOf(namespace: readonly string[]): string {
  return `/${namespace.slice(1).join("/")}`;
}

/** The scope of one item: its namespace's scope plus `@<key>` (base64url as `@=<…>` when the key has other characters). */
export function itemScope(namespace: readonly string[], key: string): string {
  if (typeof key !== "string" || key === "" || key.length > 300) throw new InvalidInputError("key: must be a non-empty string of at most 300 characters.");
  const segment = plainKey.test(key) ? `@${key}` : `@=${Buffer.from(key, "utf8").toString("base64url")}`;
  const parent = scopeOf(namespace);
  return `${parent === "/" ? "" : parent}/${segment}`;
}

/** The namespace (without the user) and key of an item scope; undefined for an entry not written by the store. */
export function parseItemScope(scope: string): { labels: string[]; key: string } | undefined {
  const segments = scope.split("/").slice(1);
  const last = segments.pop();
  if (!last?.startsWith("@")) return undefined;
  const key = last.startsWith("@=") ? Buffer.from(last.slice(2), "base64url").toString("utf8") : last.slice(1);
  return { labels: segments, key };
}
