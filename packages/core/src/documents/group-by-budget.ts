import type { SectionContext } from "./document-section.js";

/**
 * Groups consecutive items greedily so that each group, as rendered, fits `chunkTokens`; an item
 * that alone is over budget forms its own group. Items are counted once each and their sum guides
 * the grouping; each group is then measured, and shrunk while it does not fit, because rendering a
 * group adds separators and counts need not be additive.
 */
export function groupByBudget<T>(items: readonly T[], render: (group: readonly T[]) => string, context: SectionContext): T[][] {
  const { counter, chunkTokens } = context;
  const counts = items.map((item) => counter.count(render([item])));
  const groups: T[][] = [];
  for (let start = 0; start < items.length; ) {
    let end = start + 1;
    let sum = counts[start] ?? 0;
    while (end < items.length && sum + (counts[end] ?? 0) <= chunkTokens) sum += counts[end++] ?? 0;
    while (end - start > 1 && counter.count(render(items.slice(start, end))) > chunkTokens) end--;
    groups.push(items.slice(start, end));
    start = end;
  }
  return groups;
}
