import { getDefaults, Lexer, type Tokens } from "marked";
import type { DocumentSection } from "./document-section.js";

// YAML front matter (`---` … `---`) would otherwise lex as a rule followed by a setext heading.
const frontMatter = /^---[ \t]*\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * Splits Markdown at its top-level headings, as `marked` lexes them, so `#` lines inside code fences,
 * block quotes or lists never start a section.
 *
 * - A section's `heading` is the path of enclosing headings (`Install > Linux`); its content is its
 *   raw Markdown, heading line included, so the chunk text alone still says what it is about.
 * - Front matter and text before the first heading form a section headed by `title`.
 * - Sections without text besides their heading line are dropped (their heading lives on in the
 *   paths of their subsections).
 * - Line endings come back as `\n`, as `marked` normalises them.
 */
export function markdownSections(content: string, title: string | undefined): DocumentSection[] {
  const matter = frontMatter.exec(content)?.[0] ?? "";
  // Fresh default options: a `marked.use()` elsewhere in the application changes the global ones.
  const tokens = new Lexer(getDefaults()).lex(content.slice(matter.length));
  const sections: DocumentSection[] = [];
  const path: { depth: number; text: string }[] = [];
  let current = { heading: title, headingLine: "", body: matter };
  const flush = (): void => {
    if (current.body.trim() !== "") sections.push({ heading: current.heading, content: current.headingLine + current.body });
  };
  for (const token of tokens) {
    if (token.type !== "heading") {
      current.body += token.raw;
      continue;
    }
    flush();
    const { depth, text } = token as Tokens.Heading;
    while ((path.at(-1)?.depth ?? 0) >= depth) path.pop();
    path.push({ depth, text: text.trim() });
    const heading = path
      .map((entry) => entry.text)
      .filter((entry) => entry !== "")
      .join(" > ");
    current = { heading: heading || title, headingLine: token.raw, body: "" };
  }
  flush();
  return sections;
}
