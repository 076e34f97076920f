/** One schema change. `sql` receives the quoted schema name so every table is qualified. */
export interface Migration {
  version: number;
  name: string;
  sql(schema: string): string;
}

/**
 * The data model of ARCHITECTURE.md. Every row carries `user_id` (the tenant key, and the
 * future distribution column) first in its primary key, so each per-user read is an index
 * range scan and the tables can be hash-partitioned by user without changing queries.
 * No foreign keys: the store is the only writer and keeps rows consistent inside transactions,
 * and the ingest path stays free of per-row key checks.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "data model",
    sql: (s) => `
CREATE TABLE ${s}.users (
  user_id     text PRIMARY KEY,
  metadata    jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ${s}.conversations (
  user_id          text NOT NULL,
  conversation_id  text NOT NULL,
  title            text,
  metadata         jsonb NOT NULL DEFAULT '{}',
  archived         boolean NOT NULL DEFAULT false,
  -- last_seq is the gap-free sequence counter: writers lock this row, so numbers are
  -- handed out in commit order and a rolled-back write hands its numbers back.
  last_seq         bigint NOT NULL DEFAULT 0,
  message_count    bigint NOT NULL DEFAULT 0,
  token_count      bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversations_recent ON ${s}.conversations (user_id, updated_at DESC, conversation_id);

-- One row per stored piece of a message (or summary). A message is its pieces joined in
-- chunk_index order; message-level columns repeat on each piece (most messages have one).
CREATE TABLE ${s}.conversation_log (
  user_id              text NOT NULL,
  conversation_id      text NOT NULL,
  seq                  bigint NOT NULL,
  chunk_index          integer NOT NULL CHECK (chunk_index >= 0),
  chunk_count          integer NOT NULL CHECK (chunk_count > chunk_index),
  response_id          text NOT NULL,
  kind                 text NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'summary')),
  role                 text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  name                 text,
  content              text NOT NULL,
  token_count          integer NOT NULL CHECK (token_count >= 0),
  message_token_count  integer NOT NULL CHECK (message_token_count >= 0),
  tokenizer            text NOT NULL,
  content_sha256       bytea NOT NULL,
  -- Set on chunk 0 only, when the message is deduplicated by content.
  dedupe_key           bytea,
  metadata             jsonb NOT NULL DEFAULT '{}',
  archived             boolean NOT NULL DEFAULT false,
  -- For summaries: the range of sequence numbers they cover.
  covers_from_seq      bigint,
  covers_to_seq        bigint,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, conversation_id, seq, chunk_index)
);
CREATE UNIQUE INDEX conversation_log_response ON ${s}.conversation_log (user_id, conversation_id, response_id, chunk_index);
CREATE UNIQUE INDEX conversation_log_dedupe ON ${s}.conversation_log (user_id, conversation_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX conversation_log_time ON ${s}.conversation_log (user_id, conversation_id, created_at);

CREATE TABLE ${s}.message_keywords (
  user_id          text NOT NULL,
  conversation_id  text NOT NULL,
  seq              bigint NOT NULL,
  keyword          text NOT NULL,
  score            real NOT NULL,
  PRIMARY KEY (user_id, conversation_id, seq, keyword)
);
CREATE INDEX message_keywords_keyword ON ${s}.message_keywords (user_id, keyword);

-- Curated long-term model memory, separate from the logs.
CREATE TABLE ${s}.memories (
  user_id                 text NOT NULL,
  memory_id               uuid NOT NULL DEFAULT gen_random_uuid(),
  scope                   text NOT NULL DEFAULT '/',
  content                 text NOT NULL,
  content_sha256          bytea NOT NULL,
  token_count             integer NOT NULL,
  category                text,
  importance              real NOT NULL DEFAULT 0.5 CHECK (importance BETWEEN 0 AND 1),
  metadata                jsonb NOT NULL DEFAULT '{}',
  source_conversation_id  text,
  source_response_id      text,
  version                 integer NOT NULL DEFAULT 1,
  created_by              text NOT NULL CHECK (created_by IN ('user', 'model', 'import', 'system')),
  updated_by              text NOT NULL CHECK (updated_by IN ('user', 'model', 'import', 'system')),
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  last_accessed_at        timestamptz,
  PRIMARY KEY (user_id, memory_id)
);
CREATE UNIQUE INDEX memories_content ON ${s}.memories (user_id, scope, content_sha256);

CREATE TABLE ${s}.memory_history (
  user_id     text NOT NULL,
  memory_id   uuid NOT NULL,
  version     integer NOT NULL,
  action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  content     text NOT NULL,
  category    text,
  importance  real NOT NULL,
  metadata    jsonb NOT NULL,
  changed_by  text NOT NULL CHECK (changed_by IN ('user', 'model', 'import', 'system')),
  changed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, memory_id, version)
);

-- Versioned settings; user_id '' holds the global defaults (real user ids are never empty).
CREATE TABLE ${s}.settings (
  user_id     text NOT NULL,
  key         text NOT NULL,
  version     integer NOT NULL,
  value       jsonb NOT NULL,
  active      boolean NOT NULL,
  changed_by  text NOT NULL CHECK (changed_by IN ('user', 'model', 'import', 'system')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key, version)
);
CREATE UNIQUE INDEX settings_active ON ${s}.settings (user_id, key) WHERE active;

CREATE TABLE ${s}.documents (
  user_id         text NOT NULL,
  document_id     text NOT NULL,
  title           text NOT NULL,
  source          text,
  content_type    text NOT NULL,
  content_sha256  bytea NOT NULL,
  token_count     integer NOT NULL,
  chunk_count     integer NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, document_id)
);

CREATE TABLE ${s}.document_chunks (
  user_id      text NOT NULL,
  document_id  text NOT NULL,
  chunk_index  integer NOT NULL,
  heading      text,
  content      text NOT NULL,
  token_count  integer NOT NULL,
  metadata     jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (user_id, document_id, chunk_index)
);

-- Embedding models are a small global catalogue; vectors of different models (and
-- dimensions) never share an index: each model gets its own partial HNSW index.
CREATE TABLE ${s}.embedding_models (
  model_id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  dimensions  integer NOT NULL CHECK (dimensions BETWEEN 1 AND 16000),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ${s}.log_embeddings (
  user_id          text NOT NULL,
  conversation_id  text NOT NULL,
  seq              bigint NOT NULL,
  chunk_index      integer NOT NULL,
  model_id         integer NOT NULL,
  embedding        vector NOT NULL,
  PRIMARY KEY (user_id, conversation_id, seq, chunk_index, model_id)
);

CREATE TABLE ${s}.memory_embeddings (
  user_id    text NOT NULL,
  memory_id  uuid NOT NULL,
  model_id   integer NOT NULL,
  embedding  vector NOT NULL,
  PRIMARY KEY (user_id, memory_id, model_id)
);

CREATE TABLE ${s}.document_embeddings (
  user_id      text NOT NULL,
  document_id  text NOT NULL,
  chunk_index  integer NOT NULL,
  model_id     integer NOT NULL,
  embedding    vector NOT NULL,
  PRIMARY KEY (user_id, document_id, chunk_index, model_id)
);
`,
  },
  {
    version: 2,
    name: "lexical search",
    sql: (s) => `
-- Full-text vectors of what is searchable (a piece with its speaker's name, a memory, a reference
-- chunk), filled at write time with the store's text search configuration.
ALTER TABLE ${s}.conversation_log ADD COLUMN search_vector tsvector;
ALTER TABLE ${s}.memories ADD COLUMN search_vector tsvector;
ALTER TABLE ${s}.document_chunks ADD COLUMN search_vector tsvector;
CREATE INDEX conversation_log_search ON ${s}.conversation_log USING gin (search_vector);
CREATE INDEX memories_search ON ${s}.memories USING gin (search_vector);
CREATE INDEX document_chunks_search ON ${s}.document_chunks USING gin (search_vector);
-- Per-conversation piece totals: BM25 needs each user's document count and average length.
ALTER TABLE ${s}.conversations ADD COLUMN piece_count bigint NOT NULL DEFAULT 0;
ALTER TABLE ${s}.conversations ADD COLUMN piece_tokens bigint NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    name: "keywords, summaries, model memory",
    sql: (s) => `
-- How many of a user's messages contain each word (lower-cased, as counted by termFrequencies), kept
-- current at write and delete time: TF-IDF keywords need document frequencies per user.
CREATE TABLE ${s}.user_terms (
  user_id  text NOT NULL,
  term     text NOT NULL,
  df       bigint NOT NULL CHECK (df >= 0),
  PRIMARY KEY (user_id, term)
);
-- A lease on summarising a conversation: the process holding an unexpired lease is the only one
-- that may write its next summary, so two processes never write two.
ALTER TABLE ${s}.conversations ADD COLUMN summary_lease uuid;
ALTER TABLE ${s}.conversations ADD COLUMN summary_lease_until timestamptz;
CREATE INDEX conversations_idle ON ${s}.conversations (updated_at) WHERE NOT archived;
-- Model memory: the scope is part of the identity; who changed an entry last and from where.
ALTER TABLE ${s}.memory_history ADD COLUMN scope text NOT NULL DEFAULT '/';
CREATE INDEX memories_recent ON ${s}.memories (user_id, importance DESC, updated_at DESC);
`,
  },
  {
    version: 4,
    name: "records",
    sql: (s) => `
-- Records: externally embedded, metadata-filtered items of named collections (LlamaIndex nodes,
-- CrewAI memory records), one row per (user, collection, caller's id). The scope is C-collated so
-- a path prefix is a plain index range (never LIKE).
CREATE TABLE ${s}.records (
  user_id           text NOT NULL,
  collection        text NOT NULL,
  record_id         text NOT NULL,
  content           text NOT NULL,
  metadata          jsonb NOT NULL DEFAULT '{}',
  source_id         text,
  scope             text COLLATE "C" NOT NULL DEFAULT '/',
  categories        text[] NOT NULL DEFAULT '{}',
  importance        real NOT NULL DEFAULT 0.5 CHECK (importance BETWEEN 0 AND 1),
  private           boolean NOT NULL DEFAULT false,
  token_count       integer NOT NULL CHECK (token_count >= 0),
  search_vector     tsvector NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  last_accessed_at  timestamptz,
  PRIMARY KEY (user_id, collection, record_id)
);
CREATE INDEX records_source ON ${s}.records (user_id, collection, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX records_scope ON ${s}.records (user_id, collection, scope);
CREATE INDEX records_created ON ${s}.records (user_id, collection, created_at, record_id);
CREATE INDEX records_search ON ${s}.records USING gin (search_vector);

-- Vectors per (record, model): client-supplied (a caller-named model) or made by the memory's
-- embedder; each model gets its own partial HNSW index when it is first used for records.
CREATE TABLE ${s}.record_embeddings (
  user_id     text NOT NULL,
  collection  text NOT NULL,
  record_id   text NOT NULL,
  model_id    integer NOT NULL,
  embedding   vector NOT NULL,
  PRIMARY KEY (user_id, collection, record_id, model_id)
);
`,
  },
  {
    version: 5,
    name: "api keys",
    sql: (s) => `
-- API keys of services over Mnemo (the CrewAI bridge): a global catalogue like embedding_models, since
-- one key may act for several users. Only the SHA-256 of a key is stored; key_id is its public part.
CREATE TABLE ${s}.api_keys (
  key_id        text PRIMARY KEY,
  key_hash      bytea NOT NULL,
  users         text[] NOT NULL,
  scopes        text[] NOT NULL DEFAULT '{/}',
  label         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
`,
  },
];
