import type { Queryable } from "../driver/driver.js";
import { ConflictError } from "../errors/conflict-error.js";
import type { PreparedMessage } from "../ingest/prepare-messages.js";
import { termFrequencies, topTfIdf } from "../keywords/tfidf-keywords.js";
import { type AppendResult, type MessageRow, messageColumns, rowsToMessages } from "./stored-message.js";

/** A stored message found by {@link findExisting}. */
export interface Existing {
  user_id: string;
  conversation_id: string;
  seq: number;
  response_id: string;
  dedupe_key: string | null;
  sha256: string;
  role: string;
}

/**
 * Writes prepared messages inside the caller's transaction, with multi-row statements only.
 * Conversation rows are locked in key order, which serialises writers per conversation (so
 * sequence numbers are gap-free) without deadlocks between batches.
 */
/** How {@link appendMessages} writes what makes messages searchable. */
export interface AppendOptions {
  /** The text search configuration for `search_vector`, e.g. `simple`. */
  searchConfig: string;
  /** The embedding model the prepared messages' `vectors` belong to. */
  modelId?: number | undefined;
  /** Keywords kept per message (0 turns keywords off), and the words never chosen. */
  keywords: { top: number; stopWords: readonly string[] };
}

export async function appendMessages(transaction: Queryable, s: string, messages: readonly PreparedMessage[], options: AppendOptions): Promise<AppendResult[]> {
  const conversations = conversationKeys(messages);
  await transaction.query(
    `WITH new_users AS (
       INSERT INTO ${s}.users (user_id) SELECT DISTINCT u FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING)
     INSERT INTO ${s}.conversations (user_id, conversation_id, created_at, updated_at)
     SELECT u, c, coalesce(f, now()), coalesce(l, now()) FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS t(u, c, f, l)
     ON CONFLICT DO NOTHING`,
    [conversations.map((c) => c.userId), conversations.map((c) => c.conversationId), conversations.map((c) => c.first), conversations.map((c) => c.last)],
  );
  const locked = await transaction.query<{ user_id: string; conversation_id: string; last_seq: number }>(
    `SELECT user_id, conversation_id, last_seq FROM ${s}.conversations
     WHERE (user_id, conversation_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY user_id, conversation_id FOR UPDATE`,
    [conversations.map((c) => c.userId), conversations.map((c) => c.conversationId)],
  );
  const lastSeq = new Map(locked.rows.map((row) => [key(row.user_id, row.conversation_id), Number(row.last_seq)]));
  const existing = await findExisting(transaction, s, messages);
  const plan = planWrites(messages, existing, lastSeq);
  const inserted = await insertPieces(transaction, s, plan.fresh, options.searchConfig);
  if (options.modelId !== undefined) await insertVectors(transaction, s, plan.fresh, options.modelId);
  await updateConversations(transaction, s, plan.fresh, lastSeq);
  await writeKeywords(transaction, s, plan.fresh, options.keywords);
  const stored = await fetchMessages(transaction, s, plan.repeats);
  return plan.outcome.map((entry) =>
    entry.kind === "fresh"
      ? { ...toStored(entry.message, entry.seq, inserted.get(key(entry.seq, entry.message.userId, entry.message.conversationId)) as Date), created: true }
      : { ...(stored.get(key(entry.userId, entry.conversationId, entry.seq)) as AppendResult), created: false },
  );
}

function key(...parts: (string | number)[]): string {
  return parts.join("\u0000");
}

function conversationKeys(messages: readonly PreparedMessage[]) {
  const byKey = new Map<string, { userId: string; conversationId: string; first: Date | null; last: Date | null }>();
  for (const message of messages) {
    const k = key(message.userId, message.conversationId);
    const entry = byKey.get(k) ?? { userId: message.userId, conversationId: message.conversationId, first: null, last: null };
    const at = message.createdAt ?? null;
    if (at && (!entry.first || at < entry.first)) entry.first = at;
    if (at && (!entry.last || at > entry.last)) entry.last = at;
    byKey.set(k, entry);
  }
  // Sorted so that concurrent batches create and lock conversations in the same order.
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/** Stored messages that share an id or a dedupe key with `messages`. */
export async function findExisting(transaction: Queryable, s: string, messages: readonly PreparedMessage[]): Promise<Existing[]> {
  const keyed = messages.filter((message) => message.dedupeKey !== undefined);
  const { rows } = await transaction.query<Existing>(
    `SELECT l.user_id, l.conversation_id, l.seq, l.response_id, encode(l.dedupe_key, 'hex') AS dedupe_key,
            encode(l.content_sha256, 'hex') AS sha256, l.role
     FROM unnest($1::text[], $2::text[], $3::text[]) AS k(u, c, r)
     JOIN ${s}.conversation_log l ON l.user_id = k.u AND l.conversation_id = k.c AND l.response_id = k.r AND l.chunk_index = 0
     UNION
     SELECT l.user_id, l.conversation_id, l.seq, l.response_id, encode(l.dedupe_key, 'hex'), encode(l.content_sha256, 'hex'), l.role
     FROM unnest($4::text[], $5::text[], $6::text[]) AS k(u, c, d)
     JOIN ${s}.conversation_log l ON l.user_id = k.u AND l.conversation_id = k.c AND l.dedupe_key = decode(k.d, 'hex')`,
    [
      messages.map((message) => message.userId),
      messages.map((message) => message.conversationId),
      messages.map((message) => message.responseId),
      keyed.map((message) => message.userId),
      keyed.map((message) => message.conversationId),
      keyed.map((message) => message.dedupeKey),
    ],
  );
  return rows;
}

type Outcome = { kind: "fresh"; message: PreparedMessage; seq: number } | { kind: "repeat"; userId: string; conversationId: string; seq: number };

/** A stored (or, while planning, just planned) message that a prepared message may repeat. */
interface SeenEntry {
  seq: number;
  sha256: string;
  role: string;
  fresh?: PreparedMessage;
}

function matchKeys(message: PreparedMessage): { idKey: string; dedupeKey: string | undefined } {
  return {
    idKey: key("id", message.userId, message.conversationId, message.responseId),
    dedupeKey: message.dedupeKey && key("dedupe", message.userId, message.conversationId, message.dedupeKey),
  };
}

/** Stored messages by id and by dedupe key, for {@link findMatch}. */
export function indexExisting(existing: readonly Existing[]): Map<string, SeenEntry> {
  const seen = new Map<string, SeenEntry>();
  for (const row of existing) {
    const entry = { seq: Number(row.seq), sha256: row.sha256, role: row.role };
    seen.set(key("id", row.user_id, row.conversation_id, row.response_id), entry);
    if (row.dedupe_key) seen.set(key("dedupe", row.user_id, row.conversation_id, row.dedupe_key), entry);
  }
  return seen;
}

/** The stored message `message` repeats: the same id, else the same dedupe key. */
export function findMatch(seen: ReadonlyMap<string, SeenEntry>, message: PreparedMessage): SeenEntry | undefined {
  const { idKey, dedupeKey } = matchKeys(message);
  return seen.get(idKey) ?? (dedupeKey ? seen.get(dedupeKey) : undefined);
}

/** Decides, in input order, which messages are new (and their seq) and which repeat a stored or earlier one. */
function planWrites(messages: readonly PreparedMessage[], existing: readonly Existing[], lastSeq: Map<string, number>) {
  const seen = indexExisting(existing);
  const fresh: { message: PreparedMessage; seq: number }[] = [];
  const repeats: { userId: string; conversationId: string; seq: number }[] = [];
  const outcome: Outcome[] = messages.map((message, index) => {
    const { idKey, dedupeKey } = matchKeys(message);
    const match = findMatch(seen, message);
    if (match) {
      if (seen.get(idKey) === match && (match.sha256 !== message.contentSha256 || match.role !== message.role)) {
        throw new ConflictError(`Message ${index}: its id is already stored in this conversation with different content or role; use a new id.`);
      }
      if (!match.fresh) repeats.push({ userId: message.userId, conversationId: message.conversationId, seq: match.seq });
      return match.fresh
        ? { kind: "fresh", message: match.fresh, seq: match.seq }
        : { kind: "repeat", userId: message.userId, conversationId: message.conversationId, seq: match.seq };
    }
    const conversation = key(message.userId, message.conversationId);
    const seq = (lastSeq.get(conversation) ?? 0) + 1;
    lastSeq.set(conversation, seq);
    const entry = { seq, sha256: message.contentSha256, role: message.role, fresh: message };
    seen.set(idKey, entry);
    if (dedupeKey) seen.set(dedupeKey, entry);
    fresh.push({ message, seq });
    return { kind: "fresh", message, seq };
  });
  return { fresh, repeats, outcome };
}

async function insertPieces(
  transaction: Queryable,
  s: string,
  fresh: readonly { message: PreparedMessage; seq: number }[],
  searchConfig: string,
): Promise<Map<string, Date>> {
  if (fresh.length === 0) return new Map();
  const pieceRows = fresh.flatMap(({ message, seq }) =>
    message.pieces.map((piece, chunkIndex) => {
      const first = chunkIndex === 0;
      return [
        message.userId,
        message.conversationId,
        seq,
        chunkIndex,
        message.pieces.length,
        message.responseId,
        message.role,
        message.name ?? null,
        piece.content,
        piece.tokenCount,
        message.tokenCount,
        message.tokenizer,
        message.contentSha256,
        // The dedupe key identifies the message, so only its first piece carries it.
        first ? (message.dedupeKey ?? null) : null,
        JSON.stringify(message.metadata),
        message.createdAt ?? null,
        message.covers ? "summary" : "message",
        message.covers?.fromSeq ?? null,
        message.covers?.toSeq ?? null,
      ];
    }),
  );
  // One array per column: the whole batch is a single INSERT … SELECT FROM unnest(…).
  const columns = Array.from({ length: 19 }, (_, column) => pieceRows.map((row) => row[column]));
  const { rows } = await transaction.query<{ seq: number; user_id: string; conversation_id: string; created_at: Date }>(
    `INSERT INTO ${s}.conversation_log (user_id, conversation_id, seq, chunk_index, chunk_count, response_id, role, name, content,
       token_count, message_token_count, tokenizer, content_sha256, dedupe_key, metadata, created_at, kind, covers_from_seq, covers_to_seq,
       search_vector)
     SELECT u, c, q, i, n, r, ro, na, co, tc, mt, tk, decode(sh, 'hex'), decode(dk, 'hex'), md::jsonb, coalesce(ca, now()), k, cf, ct,
            to_tsvector($20::regconfig, coalesce(na || ': ', '') || co)
     FROM unnest($1::text[], $2::text[], $3::int8[], $4::int4[], $5::int4[], $6::text[], $7::text[], $8::text[], $9::text[],
                 $10::int4[], $11::int4[], $12::text[], $13::text[], $14::text[], $15::text[], $16::timestamptz[], $17::text[],
                 $18::int8[], $19::int8[])
       AS t(u, c, q, i, n, r, ro, na, co, tc, mt, tk, sh, dk, md, ca, k, cf, ct)
     RETURNING seq, user_id, conversation_id, created_at`,
    [...columns, searchConfig],
  );
  return new Map(rows.map((row) => [key(Number(row.seq), row.user_id, row.conversation_id), row.created_at]));
}

async function updateConversations(
  transaction: Queryable,
  s: string,
  fresh: readonly { message: PreparedMessage; seq: number }[],
  lastSeq: Map<string, number>,
): Promise<void> {
  const totals = new Map<
    string,
    { userId: string; conversationId: string; messages: number; tokens: number; pieces: number; pieceTokens: number; last: Date | null }
  >();
  for (const { message } of fresh) {
    const k = key(message.userId, message.conversationId);
    const isMessage = message.covers === undefined;
    const entry = totals.get(k) ?? {
      userId: message.userId,
      conversationId: message.conversationId,
      messages: 0,
      tokens: 0,
      pieces: 0,
      pieceTokens: 0,
      last: null,
    };
    // A summary is a searchable piece (BM25's N), not a message of the conversation.
    if (isMessage) entry.messages += 1;
    if (isMessage) entry.tokens += message.tokenCount;
    entry.pieces += message.pieces.length;
    for (const piece of message.pieces) entry.pieceTokens += piece.tokenCount;
    if (message.createdAt && (!entry.last || message.createdAt > entry.last)) entry.last = message.createdAt;
    totals.set(k, entry);
  }
  if (totals.size === 0) return;
  const entries = [...totals.entries()];
  await transaction.query(
    `UPDATE ${s}.conversations c
     SET last_seq = v.q, message_count = c.message_count + v.m, token_count = c.token_count + v.t,
         piece_count = c.piece_count + v.p, piece_tokens = c.piece_tokens + v.pt,
         -- A summary is not activity: it must not keep a conversation from looking idle.
         updated_at = CASE WHEN v.m > 0 THEN greatest(c.updated_at, coalesce(v.l, now())) ELSE c.updated_at END
     FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[], $6::timestamptz[], $7::int8[], $8::int8[]) AS v(u, k, q, m, t, l, p, pt)
     WHERE c.user_id = v.u AND c.conversation_id = v.k`,
    [
      entries.map(([, entry]) => entry.userId),
      entries.map(([, entry]) => entry.conversationId),
      entries.map(([k]) => lastSeq.get(k)),
      entries.map(([, entry]) => entry.messages),
      entries.map(([, entry]) => entry.tokens),
      entries.map(([, entry]) => entry.last),
      entries.map(([, entry]) => entry.pieces),
      entries.map(([, entry]) => entry.pieceTokens),
    ],
  );
}

/**
 * Counts the new messages' words into the per-user document frequencies (rows upserted in key order,
 * as every writer does, so concurrent batches cannot deadlock) and stores each message's keywords:
 * the ones given (KeyBERT), else its `top` words by TF-IDF against those frequencies and the user's
 * message count. Words are counted in JS ({@link termFrequencies}), once per message.
 */
async function writeKeywords(
  transaction: Queryable,
  s: string,
  fresh: readonly { message: PreparedMessage; seq: number }[],
  options: AppendOptions["keywords"],
): Promise<void> {
  const messages = fresh.filter(({ message }) => message.covers === undefined);
  if (messages.length === 0) return;
  const stopWords = new Set(options.stopWords);
  const terms = messages.map(({ message }) => termFrequencies(message.content, stopWords));
  const documentFrequency = new Map<string, { userId: string; term: string; count: number }>();
  messages.forEach(({ message }, index) => {
    for (const term of (terms[index] as Map<string, number>).keys()) {
      const k = key(message.userId, term);
      const entry = documentFrequency.get(k) ?? { userId: message.userId, term, count: 0 };
      entry.count += 1;
      documentFrequency.set(k, entry);
    }
  });
  const rows = [...documentFrequency.values()].sort((a, b) =>
    a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.term < b.term ? -1 : a.term > b.term ? 1 : 0,
  );
  const { rows: counted } = await transaction.query<{ user_id: string; term: string; df: number; n: number }>(
    `WITH counted AS (
       INSERT INTO ${s}.user_terms (user_id, term, df)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int8[])
       ON CONFLICT (user_id, term) DO UPDATE SET df = ${s}.user_terms.df + excluded.df
       RETURNING user_id, term, df),
     totals AS (SELECT user_id, sum(message_count)::int8 AS n FROM ${s}.conversations WHERE user_id = ANY($4::text[]) GROUP BY user_id)
     SELECT c.user_id, c.term, c.df, t.n FROM counted c JOIN totals t USING (user_id)`,
    [rows.map((row) => row.userId), rows.map((row) => row.term), rows.map((row) => row.count), [...new Set(rows.map((row) => row.userId))]],
  );
  if (options.top === 0 && messages.every(({ message }) => message.keywords === undefined)) return;
  const df = new Map(counted.map((row) => [key(row.user_id, row.term), Number(row.df)]));
  const userMessages = new Map(counted.map((row) => [row.user_id, Number(row.n)]));
  const keywords = messages.flatMap(({ message, seq }, index) =>
    firstOfEach(
      message.keywords ??
        topTfIdf(terms[index] as Map<string, number>, (term) => df.get(key(message.userId, term)) ?? 1, userMessages.get(message.userId) ?? 1, options.top),
    ).map((k) => [message.userId, message.conversationId, seq, k.keyword, k.score] as const),
  );
  if (keywords.length === 0) return;
  // The messages are new (their seq was just taken under the conversation's lock) and each keyword is
  // listed once, so a plain INSERT suffices: ON CONFLICT's speculative insertion cost twice as much.
  await transaction.query(
    `INSERT INTO ${s}.message_keywords (user_id, conversation_id, seq, keyword, score)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::float4[])`,
    Array.from({ length: 5 }, (_, column) => keywords.map((row) => row[column])),
  );
}

/** The first entry of each keyword, in order (given keywords may repeat one). */
function firstOfEach(keywords: readonly { keyword: string; score: number }[]): { keyword: string; score: number }[] {
  const seen = new Set<string>();
  return keywords.filter((entry) => !seen.has(entry.keyword) && seen.add(entry.keyword) !== undefined);
}

async function insertVectors(transaction: Queryable, s: string, fresh: readonly { message: PreparedMessage; seq: number }[], modelId: number): Promise<void> {
  const rows = fresh.flatMap(({ message, seq }) =>
    (message.vectors ?? []).map((vector, chunkIndex) => [message.userId, message.conversationId, seq, chunkIndex, JSON.stringify(vector)]),
  );
  if (rows.length === 0) return;
  const columns = Array.from({ length: 5 }, (_, column) => rows.map((row) => row[column]));
  await transaction.query(
    `INSERT INTO ${s}.log_embeddings (user_id, conversation_id, seq, chunk_index, model_id, embedding)
     SELECT u, c, q, i, $6, v::vector FROM unnest($1::text[], $2::text[], $3::int8[], $4::int4[], $5::text[]) AS t(u, c, q, i, v)`,
    [...columns, modelId],
  );
}

async function fetchMessages(transaction: Queryable, s: string, wanted: readonly { userId: string; conversationId: string; seq: number }[]) {
  if (wanted.length === 0) return new Map<string, AppendResult>();
  const { rows } = await transaction.query<MessageRow>(
    `SELECT ${messageColumns} FROM ${s}.conversation_log l
     WHERE (l.user_id, l.conversation_id, l.seq) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::int8[]))
     ORDER BY l.user_id, l.conversation_id, l.seq, l.chunk_index`,
    [wanted.map((w) => w.userId), wanted.map((w) => w.conversationId), wanted.map((w) => w.seq)],
  );
  return new Map(rowsToMessages(rows).map((message) => [key(message.userId, message.conversationId, message.seq), { ...message, created: false }]));
}

function toStored(message: PreparedMessage, seq: number, createdAt: Date) {
  return {
    userId: message.userId,
    conversationId: message.conversationId,
    id: message.responseId,
    seq,
    kind: "message" as const,
    role: message.role,
    name: message.name,
    content: message.content,
    tokenCount: message.tokenCount,
    tokenizer: message.tokenizer,
    sha256: message.contentSha256,
    metadata: message.metadata,
    createdAt,
    archived: false,
    pieceCount: message.pieces.length,
    covers: undefined,
  };
}
