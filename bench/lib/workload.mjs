// Shared workload helpers for the benchmarks: a seeded random source, percentiles, and a
// generator of realistic chat messages (varied lengths, 10 % over 512 tokens).

/** A deterministic random source (mulberry32), so every run sees the same data. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic random unit vector of `dimensions` for `seed`: a stand-in embedding, made before timing. */
export function randomUnitVector(seed, dimensions) {
  const next = seededRandom(seed);
  const vector = Array.from({ length: dimensions }, () => next() - 0.5);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const words = `the a to of and in is it you that for on with as was we this be are have not but at they or your from can
my an by if our about what there so how when which would all will one do more their up out like just time memory database
message conversation user assistant model context token summary query index vector search result error table schema deploy
server client request response latency budget prompt answer question travel hotel flight booking price city museum weekend
migrate backfill batch replica throughput monitor alert release feature review design document meeting friday tomorrow`.split(/\s+/);

function sentence(random, length) {
  const parts = Array.from({ length }, () => words[Math.floor(random() * words.length)]);
  return `${parts.join(" ")}.`.replace(/^./, (first) => first.toUpperCase());
}

/**
 * `count` messages over conversations of 100 turns (users of 10 conversations), alternating
 * user and assistant. Lengths: mostly 10–120 words; 10 % are 450–1,200 words (over 512 tokens).
 */
export function generateMessages(count, random) {
  return Array.from({ length: count }, (_, index) => {
    const long = random() < 0.1;
    const wordCount = long ? 450 + Math.floor(random() * 750) : 10 + Math.floor(random() * 110);
    const sentences = [];
    for (let written = 0; written < wordCount; ) {
      const length = 6 + Math.floor(random() * 14);
      sentences.push(sentence(random, length));
      written += length;
    }
    const conversation = Math.floor(index / 100);
    return {
      userId: `user${Math.floor(conversation / 10)}`,
      conversationId: `conv${conversation}`,
      role: index % 2 === 0 ? "user" : "assistant",
      content: sentences.join(" "),
      long,
    };
  });
}

/** The median of a list of numbers (mean of the two middle values for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
