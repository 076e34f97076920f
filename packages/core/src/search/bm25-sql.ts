import type { Queryable } from "../driver/driver.js";

/** BM25 parameters: term-frequency saturation `k1` and length normalisation `b`. */
export interface Bm25Options {
  k1: number;
  b: number;
}

/**
 * The shared parts of Mnemo's BM25 statements. Parameters `$1`…`$7` are fixed: user id, query text,
 * text search configuration, stop words, limit, k1, b (see {@link bm25Params}).
 *
 * - `terms`/`query`: the query's distinct lexemes minus stop words, OR-ed into a tsquery of quoted
 *   lexemes ('' for a quote, \\ for a backslash), so no term is read as tsquery syntax.
 * - `matches`/`df`/score: each candidate's term frequencies from its tsvector, document frequencies
 *   counted over the candidates (exactly the rows that contain a term), Okapi's IDF and saturation.
 */
export const bm25Terms = `
  terms AS (
    SELECT array_agg(DISTINCT t.lexeme) AS list FROM unnest(to_tsvector($3::regconfig, $2)) AS t
    WHERE NOT t.lexeme = ANY($4::text[])),
  query AS (
    SELECT string_agg('''' || replace(replace(x, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery AS q
    FROM terms, unnest(terms.list) AS x)`;

/**
 * Ranks `candidates` (columns: `keys`, `token_count`, `search_vector`, `wanted`) against the
 * `corpus` CTE (`n`, `avgdl`); only `wanted` rows are returned, but all of them count for df.
 *
 * Each candidate's vector is cut to the query's lexemes before it is unnested (`setweight` marks
 * them, `ts_filter` keeps them: `to_tsvector` writes weight D only), so the cost follows the query's
 * postings, not the pieces' lengths. The per-term IDF and the corpus figures are computed once
 * (`MATERIALIZED`): inlined, the planner — which cannot estimate computed query terms — may
 * re-run the corpus aggregate for every matching row.
 */
export function bm25Ranking(keys: readonly string[]): string {
  const keyList = keys.map((k) => `m.${k}`).join(", ");
  return `
  matches AS MATERIALIZED (
    SELECT ${keys.map((k) => `c.${k}`).join(", ")}, c.token_count, c.wanted, t.lexeme, coalesce(array_length(t.positions, 1), 1) AS tf
    FROM candidates c, terms, unnest(ts_filter(setweight(c.search_vector, 'A', terms.list), '{a}')) AS t),
  idf AS MATERIALIZED (
    SELECT d.lexeme, ln(1 + (corpus.n - d.df + 0.5) / (d.df + 0.5)) AS idf, corpus.avgdl
    FROM (SELECT lexeme, count(*)::float8 AS df FROM matches GROUP BY lexeme) d CROSS JOIN corpus)
  SELECT ${keyList},
         sum(idf.idf * m.tf * ($6::float8 + 1) / (m.tf + $6::float8 * (1 - $7::float8 + $7::float8 * m.token_count / idf.avgdl))) AS score
  FROM matches m JOIN idf USING (lexeme)
  WHERE m.wanted
  GROUP BY ${keyList}
  ORDER BY score DESC, ${keyList}
  LIMIT $5`;
}

/** The fixed parameters `$1`…`$7` of a BM25 statement. */
export function bm25Params(
  request: { userId: string; query: string; searchConfig: string; stopWords: readonly string[]; limit: number },
  bm25: Bm25Options,
): unknown[] {
  return [request.userId, request.query, request.searchConfig, request.stopWords, request.limit, bm25.k1, bm25.b];
}

/**
 * BM25 over a small per-user table (model memory, reference chunks): the user's rows are read
 * first, and N and the average length are computed from them. `where` holds extra conditions on
 * alias `r` whose values were appended to `params` (after the fixed seven).
 */
export async function bm25OverOwnRows<Key extends string>(
  db: Queryable,
  request: {
    table: string;
    keys: readonly Key[];
    userId: string;
    query: string;
    searchConfig: string;
    stopWords: readonly string[];
    limit: number;
    where?: string;
    extraParams?: readonly unknown[];
  },
  bm25: Bm25Options,
): Promise<(Record<Key, string | number> & { score: number })[]> {
  const params = [...bm25Params(request, bm25), ...(request.extraParams ?? [])];
  const { rows } = await db.query<Record<Key, string | number> & { score: number }>(
    `WITH ${bm25Terms},
     own AS MATERIALIZED (
       SELECT ${request.keys.map((k) => `r.${k}`).join(", ")}, r.token_count, r.search_vector, (true ${request.where ?? ""}) AS wanted
       FROM ${request.table} r WHERE r.user_id = $1),
     corpus AS (SELECT greatest(count(*), 1)::float8 AS n, greatest(avg(token_count), 1)::float8 AS avgdl FROM own),
     candidates AS (SELECT * FROM own WHERE search_vector @@ (SELECT q FROM query)),
     ${bm25Ranking(request.keys)}`,
    params,
  );
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}
