import { z } from "zod";
import type { MemoryParts } from "../memory/memory.js";
import { idSchema, parseInput } from "../memory/parse-input.js";
import { vectorType } from "../search/search-messages.js";
import { estimateK, kmeans } from "./kmeans.js";

/** What {@link Memory.topics} clusters. */
export interface TopicsOptions {
  userId: string;
  /** Number of clusters. @default estimated (best silhouette for k = 2…10) */
  k?: number | undefined;
  /** Top keywords reported per cluster. @default 5 */
  keywords?: number | undefined;
  /** The most recently active conversations considered. @default 2000 */
  maxConversations?: number | undefined;
  /** Seed of k-means++ (results are deterministic for a seed). @default 1 */
  seed?: number | undefined;
}

/** A group of a user's conversations about one topic. */
export interface Topic {
  /** Its most characteristic keywords: the summed keyword scores of its conversations' messages. */
  keywords: string[];
  conversations: { conversationId: string; title: string | undefined }[];
}

/** The result of {@link Memory.topics}. */
export interface TopicsResult {
  k: number;
  /** `embeddings` (mean of the conversation's piece vectors) or `keywords` (TF-IDF over stored keywords, without an embedder). */
  representation: "embeddings" | "keywords";
  /** Largest first. */
  topics: Topic[];
}

const schema = z.object({
  userId: idSchema,
  k: z.number().int().min(1).max(100).optional(),
  keywords: z.number().int().min(1).max(50).default(5),
  maxConversations: z.number().int().min(1).max(20_000).default(2_000),
  seed: z.number().int().default(1),
});

/**
 * Clusters a user's conversations by topic with spherical k-means. A conversation is the mean of its
 * pieces' vectors with an embedder; without one, its vector of summed keyword scores (so it works
 * lexical-only too). Each topic lists its conversations and top keywords.
 * @example
 * const { topics } = await memory.topics({ userId: "ada" });
 * for (const topic of topics) console.log(topic.keywords.join(", "), topic.conversations.length);
 */
export async function clusterTopics(parts: MemoryParts, options: TopicsOptions): Promise<TopicsResult> {
  const request = parseInput(schema, options);
  const { store, embedding } = parts;
  const s = store.s;
  const recent = `SELECT conversation_id, title FROM ${s}.conversations WHERE user_id = $1 ORDER BY updated_at DESC, conversation_id LIMIT $2`;
  let conversations: { conversation_id: string; title: string | null; vector: number[] }[];
  if (embedding) {
    const type = vectorType(embedding.model.dimensions);
    const { rows } = await store.driver.query<{ conversation_id: string; title: string | null; vector: string }>(
      `SELECT c.conversation_id, c.title, avg(e.embedding::${type})::text AS vector
       FROM (${recent}) c JOIN ${s}.log_embeddings e ON e.user_id = $1 AND e.conversation_id = c.conversation_id AND e.model_id = $3
       GROUP BY c.conversation_id, c.title ORDER BY c.conversation_id`,
      [request.userId, request.maxConversations, embedding.model.modelId],
    );
    conversations = rows.map((row) => ({ ...row, vector: JSON.parse(row.vector) as number[] }));
  } else {
    conversations = await keywordVectors(parts, request.userId, recent, request.maxConversations);
  }
  conversations = conversations.filter((conversation) => conversation.vector.some((value) => value !== 0));
  if (conversations.length === 0) return { k: 0, representation: embedding ? "embeddings" : "keywords", topics: [] };
  const vectors = conversations.map((conversation) => conversation.vector);
  const k = Math.min(request.k ?? estimateK(vectors, { seed: request.seed }), conversations.length);
  const result = kmeans(vectors, { k, seed: request.seed });
  const members = Array.from({ length: result.k }, () => [] as typeof conversations);
  result.assignments.forEach((cluster, index) => {
    members[cluster]?.push(conversations[index] as (typeof conversations)[number]);
  });
  const topics = await Promise.all(
    members
      .filter((group) => group.length > 0)
      .map(async (group) => ({
        keywords: await topKeywords(
          parts,
          request.userId,
          group.map((member) => member.conversation_id),
          request.keywords,
        ),
        conversations: group.map((member) => ({ conversationId: member.conversation_id, title: member.title ?? undefined })),
      })),
  );
  topics.sort(
    (a, b) =>
      b.conversations.length - a.conversations.length || (a.conversations[0]?.conversationId ?? "").localeCompare(b.conversations[0]?.conversationId ?? ""),
  );
  return { k: topics.length, representation: embedding ? "embeddings" : "keywords", topics };
}

/** Each conversation as summed keyword scores over the user's 2,000 strongest keywords. */
async function keywordVectors(parts: MemoryParts, userId: string, recent: string, limit: number) {
  const s = parts.store.s;
  const { rows } = await parts.store.driver.query<{ conversation_id: string; title: string | null; keyword: string; score: number }>(
    `WITH c AS (${recent}),
     weights AS (
       SELECT k.conversation_id, k.keyword, sum(k.score)::float8 AS score
       FROM ${s}.message_keywords k JOIN c USING (conversation_id) WHERE k.user_id = $1 GROUP BY k.conversation_id, k.keyword),
     vocabulary AS (SELECT keyword FROM weights GROUP BY keyword ORDER BY sum(score) DESC, keyword LIMIT 2000)
     SELECT c.conversation_id, c.title, w.keyword, w.score
     FROM c JOIN weights w USING (conversation_id) JOIN vocabulary USING (keyword) ORDER BY c.conversation_id, w.keyword`,
    [userId, limit],
  );
  const vocabulary = [...new Set(rows.map((row) => row.keyword))].sort();
  const position = new Map(vocabulary.map((keyword, index) => [keyword, index]));
  const byConversation = new Map<string, { conversation_id: string; title: string | null; vector: number[] }>();
  for (const row of rows) {
    const entry = byConversation.get(row.conversation_id) ?? {
      conversation_id: row.conversation_id,
      title: row.title,
      vector: new Array<number>(vocabulary.length).fill(0),
    };
    entry.vector[position.get(row.keyword) as number] = row.score;
    byConversation.set(row.conversation_id, entry);
  }
  return [...byConversation.values()];
}

async function topKeywords(parts: MemoryParts, userId: string, conversationIds: string[], limit: number): Promise<string[]> {
  const { rows } = await parts.store.driver.query<{ keyword: string }>(
    `SELECT keyword FROM ${parts.store.s}.message_keywords WHERE user_id = $1 AND conversation_id = ANY($2::text[])
     GROUP BY keyword ORDER BY sum(score) DESC, keyword LIMIT $3`,
    [userId, conversationIds, limit],
  );
  return rows.map((row) => row.keyword);
}
