import type { DocumentSection, SectionContext } from "./document-section.js";
import { groupByBudget } from "./group-by-budget.js";

const paragraphBreak = /\n\s*\n/;
const renderParagraphs = (paragraphs: readonly string[]): string => paragraphs.join("\n\n");

/**
 * Splits plain text into paragraphs (separated by blank lines) and groups consecutive paragraphs up
 * to the budget, joined by one blank line. Every section is headed by the document title, if any.
 */
export function textSections(content: string, context: SectionContext): DocumentSection[] {
  const paragraphs = content
    .split(paragraphBreak)
    .filter((paragraph) => paragraph.trim() !== "")
    .map((paragraph) => paragraph.replace(/^\s*\n/, "").trimEnd());
  return groupByBudget(paragraphs, renderParagraphs, context).map((group) => ({ heading: context.title, content: renderParagraphs(group) }));
}
