import { z } from "zod";

/**
 * A scope path such as `/` or `/crew/researcher`: no spaces, `%`, `*`, NUL, empty or `..` segments,
 * at most 512 characters. The same rule model memory applies to its scopes.
 */
export const scopePathSchema = z
  .string()
  .max(512, "must be at most 512 characters")
  .regex(/^\/([^/\s%*\u0000]+\/)*([^/\s%*\u0000]+)?$/u, "must be a path such as / or /crew/researcher (no spaces, %, * or empty segments)")
  .refine((value) => !value.split("/").includes(".."), "must not contain '..'");

/**
 * True when `scope` is `prefix` or lies under it, compared as paths: `/crew` holds `/crew/a`, not
 * `/crewman`; `/` holds everything. A trailing `/` on either side is ignored.
 * @example
 * isWithinScope("/crew/researcher", "/crew"); // true
 * isWithinScope("/crewman", "/crew"); // false
 */
export function isWithinScope(scope: string, prefix: string): boolean {
  const path = trimSlash(scope);
  const base = trimSlash(prefix);
  return base === "" || path === base || path.startsWith(`${base}/`);
}

/** `/a/b/` → `/a/b`; `/` → `` (the root). */
function trimSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}
