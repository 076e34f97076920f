import { type ApiKeyGrant, grantAllowsScope, isWithinScope, type Memory, type StoredRecord } from "@mnemo/core";
import { HttpError } from "../app/http-error.js";

/** Who and where a records call runs: the user and collection, always filtered in SQL by core. */
export interface RecordTarget {
  memory: Memory;
  grant: ApiKeyGrant;
  userId: string;
  collection: string;
}

/**
 * A page of records newest first: core lists oldest first, so the page is read from the other end
 * (count, then the mirrored offset) and reversed.
 */
export async function newestFirst(
  target: RecordTarget,
  options: { scopePrefix: string | undefined; limit: number; offset: number; includeVectors: boolean; vectorModel?: { name: string } | undefined },
): Promise<StoredRecord[]> {
  const { memory, userId, collection } = target;
  const total = await memory.records.count({ userId, collection, ...(options.scopePrefix ? { scopePrefix: options.scopePrefix } : {}) });
  const end = total - options.offset;
  if (end <= 0 || options.limit === 0) return [];
  const start = Math.max(0, end - options.limit);
  const page = await memory.records.list({
    userId,
    collection,
    ...(options.scopePrefix ? { scopePrefix: options.scopePrefix } : {}),
    limit: end - start,
    offset: start,
    includeVectors: options.includeVectors,
    ...(options.vectorModel ? { vectorModel: options.vectorModel } : {}),
  });
  return page.reverse();
}

/** The oldest and newest creation times under a scope prefix (null when it holds nothing). */
export async function dateRange(target: RecordTarget, scopePrefix: string | undefined): Promise<{ oldest: Date | null; newest: Date | null; count: number }> {
  const { memory, userId, collection } = target;
  const scoped = scopePrefix ? { scopePrefix } : {};
  const count = await memory.records.count({ userId, collection, ...scoped });
  if (count === 0) return { oldest: null, newest: null, count };
  const [oldest] = await memory.records.list({ userId, collection, ...scoped, limit: 1, offset: 0 });
  const [newest] = await memory.records.list({ userId, collection, ...scoped, limit: 1, offset: count - 1 });
  return { oldest: oldest?.createdAt ?? null, newest: newest?.createdAt ?? null, count };
}

/**
 * The child scopes of `parent` the key may see, with counts of only the records it may see. Inside a key
 * scope that is core's answer; above it (a key for `/crew/a` listing `/`), each child toward a key scope
 * counts only that key scope's records, so nothing of other scopes leaks, not even a count.
 */
export async function visibleScopes(target: RecordTarget, parent: string) {
  const { memory, grant, userId, collection } = target;
  if (grantAllowsScope(grant, parent)) return memory.records.scopes({ userId, collection, parent });
  const base = parent === "/" ? "/" : `${parent.replace(/\/$/, "")}/`;
  const below = grant.scopes.filter((scope) => scope !== parent && isWithinScope(scope, parent));
  const children = new Map<string, string[]>();
  for (const scope of below) {
    const child = base + (scope.slice(base.length).split("/")[0] ?? "");
    children.set(child, [...(children.get(child) ?? []), scope]);
  }
  const result: { scope: string; count: number; oldestAt: Date; newestAt: Date }[] = [];
  for (const [child, scopes] of [...children].sort(([a], [b]) => a.localeCompare(b))) {
    const ranges = await Promise.all(scopes.map((scope) => dateRange(target, scope)));
    const held = ranges.filter((range) => range.count > 0);
    if (held.length === 0) continue;
    result.push({
      scope: child,
      count: held.reduce((sum, range) => sum + range.count, 0),
      oldestAt: new Date(Math.min(...held.map((range) => (range.oldest as Date).getTime()))),
      newestAt: new Date(Math.max(...held.map((range) => (range.newest as Date).getTime()))),
    });
  }
  return result;
}

/**
 * Refuses an upsert that would overwrite a record the key may not see: the same id stored in a scope
 * outside the key's (only keys limited to scope paths need the check).
 */
export async function assertIdsWritable(target: RecordTarget, ids: readonly string[]): Promise<void> {
  const { memory, grant, userId, collection } = target;
  if (grant.scopes.includes("/")) return;
  for (let index = 0; index < ids.length; index += 50) {
    const stored = await Promise.all(ids.slice(index, index + 50).map((id) => memory.records.get({ userId, collection, id })));
    if (stored.some((record) => record && !grantAllowsScope(grant, record.scope))) {
      throw new HttpError(403, "forbidden", "A record with one of these ids exists outside the scopes this API key covers.");
    }
  }
}

/** The ids a key may touch: all of them for a whole-user key, else those stored inside its scopes. */
export async function visibleIds(target: RecordTarget, ids: readonly string[]): Promise<string[]> {
  const { memory, grant, userId, collection } = target;
  if (grant.scopes.includes("/")) return [...ids];
  const visible: string[] = [];
  for (const id of ids) {
    const record = await memory.records.get({ userId, collection, id });
    if (record && grantAllowsScope(grant, record.scope)) visible.push(id);
  }
  return visible;
}
