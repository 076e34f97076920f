// The corpus of the search-speed benchmark, generated in SQL so a million pieces load in minutes.
// Everything is a pure function of the configuration (hashes of the row's numbers, no random()),
// so every run and both systems see exactly the same texts and vectors.
//
// Texts: words drawn from a vocabulary by hash with a Zipf-like skew (index = ⌊V·r³⌋, so about half
// of all words are the 42 function words at its head), grouped into `fragments` of 2–20 words; a
// piece is 3 fragments (6–60 words). Its tsvector is the concatenation of the fragments' tsvectors,
// equal to `to_tsvector('simple', content)` (checked by the benchmark) and far cheaper to build.
// Vectors: `bases` random directions (components uniform in [-0.5, 0.5) by hash, normalised); a
// piece's vector is normalise(A + B/2 + C/4) for 3 bases picked by hash of the piece, so pieces share
// topics (A) the way real embeddings cluster, and every vector is distinct. 512 M random() calls
// would take far longer than the 3 M vector additions this needs.

const functionWords = `the a to of and in is it you that for on with as was we this be are have not but at they or your from can my an by
if our about what there so how when which would all`;
const contentWords = `memory database message conversation user assistant model context token summary query index vector search result
error table schema deploy server client request response latency budget prompt answer question travel hotel flight booking price
city museum weekend migrate backfill batch replica throughput monitor alert release feature review design document meeting friday
tomorrow garden recipe dinner lunch breakfast coffee tea bread pasta salad soup cheese chocolate birthday party wedding holiday
vacation beach mountain river lake forest park train bus taxi airport ticket passport visa luggage camera photo picture painting
music concert guitar piano song album movie film series episode book novel chapter author library school class teacher student exam
homework project deadline invoice payment salary bank account loan rent apartment house kitchen bedroom sofa window door dog cat
puppy kitten doctor hospital medicine appointment dentist gym workout running yoga swimming football tennis match team coach score
game player league season weather rain snow sunny storm winter summer autumn spring morning evening night monday tuesday wednesday
thursday saturday sunday january february march april june july august september october november december family mother father
sister brother friend neighbour colleague manager customer support issue bug fix test build pipeline cluster cache queue worker
thread process storage backup restore upgrade version config password login email phone address car bike road map island castle
bridge tower market shop store grocery pharmacy bakery restaurant cafe menu waiter bill tip pizza burger sushi noodles curry rice
chicken fish vegetables fruit apple banana orange lemon strawberry cake cookie pie juice wine beer water bottle glass plate knife
spoon fork blanket pillow jacket shoes shirt dress hat scarf gloves umbrella`;

const head = functionWords.split(/\s+/);

/** The benchmark's vocabulary: 42 function words (stop words), then 269 content words. */
export const vocabulary = [...new Set([...head, ...contentWords.split(/\s+/)])];

/** The content words, from which queries are made. */
export const queryWords = vocabulary.slice(head.length);

/** A non-negative 31-bit hash of an int8 SQL expression. */
const hash = (expression) => `(hashint8((${expression})::int8) & 2147483647)`;

/** The number of every generated piece, 0 … pieces-1, in the interleaved order live traffic writes them. */
export function pieceKeysSql(config) {
  const perTurn = config.users * config.conversationsPerUser;
  return `generate_series(0, ${perTurn * config.piecesPerConversation - 1}) n,
    LATERAL (SELECT n / ${perTurn} + 1, (n % ${perTurn}) / ${config.conversationsPerUser} + 1, n % ${config.conversationsPerUser} + 1) k(q, u, c),
    LATERAL (SELECT ((u - 1) * ${config.conversationsPerUser} + c - 1)::int8 * ${config.piecesPerConversation} + q - 1) piece(p)`;
}

/** Joins of a piece's 3 fragments (f1 … f3: text t, tsvector v, word count w), after {@link pieceKeysSql}. */
export function pieceTextJoinsSql(data, config) {
  return [1, 2, 3].map((k) => `JOIN ${data}.fragments f${k} ON f${k}.f = ${hash(`p * 8 + ${3 + k}`)} % ${config.fragments}`).join("\n    ");
}

/** A piece's vector, after {@link pieceKeysSql}; `data.bases` holds `v`, `v/2`, `v/4` per base. */
export function pieceVectorSql(data, config) {
  const base = (k, column) => `(SELECT ${column} FROM ${data}.bases WHERE b = ${hash(`p * 8 + ${k}`)} % ${config.bases})`;
  return `l2_normalize(${base(1, "v")} + ${base(2, "half")} + ${base(3, "quarter")})`;
}

/** Creates `schema.bases` and `schema.fragments`, the building blocks of every piece. */
export async function createBuildingBlocks(client, data, config) {
  await client.query(`CREATE TABLE ${data}.bases AS
    SELECT b, l2_normalize(array_agg(${hash(`b * ${config.dimensions} + d`)} / 2147483648.0 - 0.5 ORDER BY d)::vector) AS v
    FROM generate_series(0, ${config.bases - 1}) b, generate_series(1, ${config.dimensions}) d GROUP BY b`);
  const scale = (factor) => `v * array_fill(${factor}::real, ARRAY[${config.dimensions}])::vector`;
  await client.query(`ALTER TABLE ${data}.bases ADD COLUMN half vector, ADD COLUMN quarter vector;
    UPDATE ${data}.bases SET half = ${scale(0.5)}, quarter = ${scale(0.25)};
    ALTER TABLE ${data}.bases ADD PRIMARY KEY (b)`);
  const word = `($1::text[])[1 + floor(${vocabulary.length} * power(${hash("f * 64 + i")} / 2147483648.0, 3))::int]`;
  await client.query(
    `CREATE TABLE ${data}.fragments AS
     SELECT f, t, to_tsvector('simple', t) AS v, w FROM (
       SELECT f, string_agg(${word}, ' ' ORDER BY i) AS t, count(*)::int AS w
       FROM generate_series(0, ${config.fragments - 1}) f, generate_series(1, 20) i
       WHERE i <= 2 + ${hash("f * 64")} % 19 GROUP BY f) words`,
    [vocabulary],
  );
  await client.query(`ALTER TABLE ${data}.fragments ADD PRIMARY KEY (f); ANALYZE ${data}.bases; ANALYZE ${data}.fragments`);
}

/**
 * Query vectors "about" a user's own topic: normalise(A + B/2 + C/4) with A the main base of one of
 * the user's pieces (`pieces[i]`, its number p) and B, C the given bases, in order, as number arrays.
 */
export async function queryVectors(client, data, config, pieces, others) {
  const { rows } = await client.query(
    `SELECT (l2_normalize(x.v + y.half + z.quarter))::text AS vector
     FROM unnest($1::int8[], $2::int[], $3::int[]) WITH ORDINALITY AS t(p, b2, b3, i)
     JOIN ${data}.bases x ON x.b = ${hash("t.p * 8 + 1")} % ${config.bases}
     JOIN ${data}.bases y ON y.b = t.b2
     JOIN ${data}.bases z ON z.b = t.b3
     ORDER BY t.i`,
    [pieces, others.map(([second]) => second), others.map(([, third]) => third)],
  );
  return rows.map((row) => JSON.parse(row.vector));
}
