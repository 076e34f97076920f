import type { DocumentSection, SectionContext } from "./document-section.js";
import { groupByBudget } from "./group-by-budget.js";
import { parseJson } from "./parse-structured.js";

// Past this depth a value over budget is left whole for the token split: each level measures its subtree again.
const maxDepth = 8;

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

/**
 * Splits JSON into one section per top-level key (heading: the key) or per run of consecutive
 * top-level array items that fits the budget (heading: `[0..9]`), each pretty-printed. A value over
 * budget is split the same way by its own keys or items, with a heading path (`servers > [2]`).
 * A scalar document is one section headed by the title.
 *
 * @throws InvalidInputError when the content is not JSON.
 */
export function jsonSections(content: string, context: SectionContext): DocumentSection[] {
  const value = parseJson(content);
  if (typeof value !== "object" || value === null) return [{ heading: context.title, content: pretty(value) }];
  return childSections(value, [], context);
}

function valueSections(value: unknown, path: string[], context: SectionContext): DocumentSection[] {
  const content = pretty(value);
  const fits = typeof value !== "object" || value === null || path.length >= maxDepth || context.counter.count(content) <= context.chunkTokens;
  return fits ? [{ heading: path.join(" > "), content }] : childSections(value, path, context);
}

function childSections(value: object, path: string[], context: SectionContext): DocumentSection[] {
  if (!Array.isArray(value)) return Object.entries(value).flatMap(([key, item]) => valueSections(item, [...path, key], context));
  const indexed = value.map((item: unknown, index) => ({ item, index }));
  const render = (group: readonly { item: unknown }[]): string => pretty(group.map((entry) => entry.item));
  return groupByBudget(indexed, render, context).flatMap((group) => {
    const first = group[0];
    const last = group.at(-1);
    if (!first || !last) return [];
    if (group.length === 1) return valueSections(first.item, [...path, `[${first.index}]`], context);
    return [{ heading: [...path, `[${first.index}..${last.index}]`].join(" > "), content: render(group) }];
  });
}
