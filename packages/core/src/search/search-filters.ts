import type { MessageRole } from "../ingest/message-input.js";

/** Which conversation pieces a search may return. The user is always a filter of its own. */
export interface SearchFilters {
  /** Only these conversations. */
  conversationIds?: readonly string[] | undefined;
  /** Only messages with these roles. */
  roles?: readonly MessageRole[] | undefined;
  /** `message`, `summary`, or both. @default both */
  kinds?: readonly ("message" | "summary")[] | undefined;
  /** Only messages created at or after this time. */
  after?: Date | undefined;
  /** Only messages created before this time. */
  before?: Date | undefined;
  /** Only messages whose metadata contains this JSON object (jsonb containment, `@>`). */
  metadata?: Record<string, unknown> | undefined;
  /** Include messages already covered by a summary. @default true */
  includeArchived?: boolean | undefined;
  /** Only messages with at least one of these keywords (lower-case, as stored). */
  keywords?: readonly string[] | undefined;
}

/**
 * SQL conditions (each starting with ` AND `) for `filters` on the conversation_log alias `l` of schema `s`.
 * Values are appended to `params` and referenced by position, never interpolated: metadata keys
 * and values travel inside one jsonb parameter.
 */
export function filterSql(filters: SearchFilters, params: unknown[], s: string): string {
  const conditions: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.conversationIds) conditions.push(`l.conversation_id = ANY(${add(filters.conversationIds)}::text[])`);
  if (filters.roles) conditions.push(`l.role = ANY(${add(filters.roles)}::text[])`);
  if (filters.kinds) conditions.push(`l.kind = ANY(${add(filters.kinds)}::text[])`);
  if (filters.after) conditions.push(`l.created_at >= ${add(filters.after)}::timestamptz`);
  if (filters.before) conditions.push(`l.created_at < ${add(filters.before)}::timestamptz`);
  if (filters.metadata) conditions.push(`l.metadata @> ${add(JSON.stringify(filters.metadata))}::jsonb`);
  if (filters.includeArchived === false) conditions.push("NOT l.archived");
  if (filters.keywords) {
    conditions.push(
      `EXISTS (SELECT 1 FROM ${s}.message_keywords k WHERE k.user_id = l.user_id AND k.conversation_id = l.conversation_id AND k.seq = l.seq
               AND k.keyword = ANY(${add(filters.keywords.map((keyword) => keyword.toLowerCase()))}::text[]))`,
    );
  }
  return conditions.map((condition) => ` AND ${condition}`).join("");
}
