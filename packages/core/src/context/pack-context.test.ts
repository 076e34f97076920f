import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { countChatTokens } from "../tokens/count-chat-tokens.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import { ContextBudgetError } from "./context-budget-error.js";
import {
  type ContextItem,
  type ContextShares,
  type ContextTurn,
  defaultContextShares,
  type PackedContext,
  type PackInput,
  packContext,
  type RetrievedPiece,
} from "./pack-context.js";

// Exactly additive, so examples can be computed by hand: tokens = characters.
const characters: TokenCounter = { name: "characters", chatFormat: { perMessage: 3, perName: 1, perReply: 3 }, count: (text) => text.length };
// A simple third tokenizer with its own chat format; rounding up makes joined text cost less than its parts.
const quarters: TokenCounter = { name: "quarters", chatFormat: { perMessage: 4, perName: 2, perReply: 2 }, count: (text) => Math.ceil(text.length / 4) };
// Adversarial: joined text costs more than its parts, so every per-item estimate is too low.
const superadditive: TokenCounter = {
  name: "superadditive",
  chatFormat: { perMessage: 3, perName: 1, perReply: 3 },
  count: (text) => text.length + Math.floor((text.length * text.length) / 400),
};

const blockNames = ["memory", "summary", "retrieved", "reference"] as const;
const sectionNames = ["system", "memory", "summary", "recent", "retrieved", "reference"] as const;

const turn = (id: string, content: string, seq: number, role: ContextTurn["role"] = "user"): ContextTurn => ({ id, role, content, conversationId: "now", seq });
const item = (id: string, content: string): ContextItem => ({ id, content });

function input(overrides: Partial<PackInput>): PackInput {
  return { counter: characters, maxTokens: 1000, reserve: 0, memories: [], recent: [turn("newest", "hi", 100)], retrieved: [], reference: [], ...overrides };
}

function expectedMessage(source: ContextTurn): { role: string; content: string; name?: string } {
  return source.name ? { role: source.role, content: source.content, name: source.name } : { role: source.role, content: source.content };
}

function mandatoryCost(pack: PackInput): number {
  const newest = expectedMessage(pack.recent.at(-1) as ContextTurn);
  return countChatTokens(pack.counter, pack.systemPrompt ? [{ role: "system", content: pack.systemPrompt }, newest] : [newest]);
}

const messageKey = (message: { conversationId: string; seq: number }): string => `${message.conversationId}#${message.seq}`;
const ids = (items: readonly { id: string }[]): string[] => items.map((entry) => entry.id).sort();

/** Every invariant packContext promises, checked for one input. */
function checkInvariants(pack: PackInput): PackedContext | undefined {
  const limit = pack.maxTokens - pack.reserve;
  const mandatory = mandatoryCost(pack);
  if (mandatory > limit) {
    let thrown: unknown;
    try {
      packContext(pack);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContextBudgetError);
    expect(thrown).toMatchObject({ code: "budget_exceeded", needed: mandatory, available: limit, shortBy: mandatory - limit });
    return undefined;
  }
  const packed = packContext(pack);
  expect(packContext(pack)).toEqual(packed);
  expect(countChatTokens(pack.counter, packed.messages)).toBe(packed.tokenCount);
  expect(packed.tokenCount).toBeLessThanOrEqual(limit);
  expect(packed.budget).toEqual({ maxTokens: pack.maxTokens, reserve: pack.reserve, available: limit - mandatory });

  const { sections, messages } = packed;
  const kept = sections.recent.included.length;
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(sections.recent.included).toEqual(pack.recent.slice(-kept).map((entry) => entry.id));
  expect(sections.recent.omitted).toEqual(pack.recent.slice(0, pack.recent.length - kept).map((entry) => ({ id: entry.id, reason: "budget" })));
  expect(messages.slice(-kept)).toEqual(pack.recent.slice(-kept).map(expectedMessage));
  expect(messages.at(-1)).toEqual(expectedMessage(pack.recent.at(-1) as ContextTurn));
  const hasSystem = Boolean(pack.systemPrompt) || blockNames.some((name) => sections[name].included.length > 0);
  expect(messages.length).toBe(kept + (hasSystem ? 1 : 0));
  if (hasSystem) {
    expect(messages[0]?.role).toBe("system");
    expect(messages[0]?.content.startsWith(pack.systemPrompt ?? "")).toBe(true);
  }

  const inRecent = new Set(pack.recent.slice(-kept).map(messageKey));
  const pieces = new Map(pack.retrieved.map((piece) => [piece.id, piece]));
  for (const id of sections.retrieved.included) expect(inRecent.has(messageKey(pieces.get(id) as RetrievedPiece))).toBe(false);

  const inputs = { memory: pack.memories, summary: pack.summary ? [pack.summary] : [], retrieved: pack.retrieved, reference: pack.reference };
  for (const name of blockNames) {
    expect([...sections[name].included, ...sections[name].omitted.map((omission) => omission.id)].sort()).toEqual(ids(inputs[name]));
  }
  const total = sectionNames.reduce((sum, name) => sum + sections[name].tokens, 0);
  expect(total + pack.counter.chatFormat.perReply).toBe(packed.tokenCount);
  expect(sections.recent.tokens).toBe(countChatTokens(pack.counter, messages.slice(-kept)) - pack.counter.chatFormat.perReply);
  return packed;
}

describe("packContext properties", () => {
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 80 }) },
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.constantFrom("", " ", "\n\n", "😀👍🏽🧠", "記憶は大切です。東京で会いましょう。", "<|endoftext|>", "e\u0301", "## What you know about the user"),
    fc.array(fc.constantFrom("the", " memory", "  ", "\n", "記憶", "🧠", "don't", "HTTP", "1234567", " … "), { maxLength: 60 }).map((parts) => parts.join("")),
    fc.string({ unit: "grapheme-ascii", minLength: 100, maxLength: 300 }).map((long) => long.repeat(4)),
  );
  const name = fc.option(fc.constantFrom("alice", "bot", "tool_1", ""), { nil: undefined });
  const shares = fc.option(
    fc
      .tuple(fc.array(fc.nat(100), { minLength: 5, maxLength: 5 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }))
      .map(([weights, given]): Partial<ContextShares> => {
        const keys = ["memory", "summary", "retrieved", "reference"] as const;
        const sum = weights.reduce((total, weight) => total + weight, 0) || 1;
        // Shares left out take their defaults, so the given ones share only what the defaults leave.
        const room = 1 - keys.reduce((total, key, index) => total + (given[index] ? 0 : defaultContextShares[key]), 0);
        const result: Partial<ContextShares> = {};
        keys.forEach((key, index) => {
          if (given[index]) result[key] = ((weights[index] ?? 0) / sum) * room;
        });
        return result;
      }),
    { nil: undefined },
  );
  const budget = fc.oneof(
    fc.record({ tight: fc.constant(false), size: fc.integer({ min: 1, max: 3000 }), reserve: fc.double({ min: 0, max: 0.9, noNaN: true }) }),
    fc.record({ tight: fc.constant(true), size: fc.integer({ min: -30, max: 120 }), reserve: fc.double({ min: 0, max: 200, noNaN: true }) }),
  );
  const scenario = fc.record({
    systemPrompt: fc.option(text, { nil: undefined }),
    turns: fc.array(fc.record({ role: fc.constantFrom("user", "assistant", "system", "tool"), name, content: text }), { minLength: 1, maxLength: 25 }),
    memories: fc.array(text, { maxLength: 12 }),
    summary: fc.option(text, { nil: undefined }),
    retrieved: fc.array(
      fc.record({
        conversationId: fc.constantFrom("now", "older", "other"),
        seq: fc.integer({ min: 95, max: 125 }),
        role: fc.constantFrom("user", "assistant"),
        name,
        content: text,
        createdAt: fc.option(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }), {
          nil: undefined,
        }),
      }),
      { maxLength: 15 },
    ),
    reference: fc.array(fc.record({ content: text, title: fc.option(text, { nil: undefined }), heading: fc.option(text, { nil: undefined }) }), {
      maxLength: 6,
    }),
    shares,
    budget,
  });

  function toInput(counter: TokenCounter, generated: typeof scenario extends fc.Arbitrary<infer T> ? T : never): PackInput {
    const recent = generated.turns.map((entry, index): ContextTurn => ({ id: `t${index}`, conversationId: "now", seq: 100 + index, ...entry }));
    const pack: PackInput = {
      counter,
      maxTokens: 1,
      reserve: 0,
      systemPrompt: generated.systemPrompt,
      memories: generated.memories.map((content, index) => item(`m${index}`, content)),
      summary: generated.summary === undefined ? undefined : item("summary", generated.summary),
      recent,
      retrieved: generated.retrieved.map((piece, index) => ({ id: `r${index}`, ...piece })),
      reference: generated.reference.map(({ content, title, heading }, index) => ({ id: `d${index}`, content, meta: { title, heading } })),
      shares: generated.shares,
    };
    const { tight, size, reserve } = generated.budget;
    if (tight) {
      // Around the mandatory cost, so that both the error and the very tight fits are exercised.
      pack.reserve = Math.floor(reserve);
      pack.maxTokens = Math.max(pack.reserve + 1, mandatoryCost(pack) + pack.reserve + size);
    } else {
      pack.maxTokens = size;
      pack.reserve = Math.min(size - 1, Math.floor(size * reserve));
    }
    return pack;
  }

  const counters: [string, TokenCounter, number][] = [
    ["o200k_base", createTiktokenCounter("o200k_base"), 300],
    ["cl100k_base", createTiktokenCounter("cl100k_base"), 300],
    ["a characters/4 counter", quarters, 300],
    ["a superadditive counter", superadditive, 300],
  ];

  it.each(counters)("fits exactly, reports every id once and keeps a contiguous suffix with %s", (_, counter, numRuns) => {
    fc.assert(
      fc.property(scenario, (generated) => {
        checkInvariants(toInput(counter, generated));
      }),
      { numRuns },
    );
  });

  it("keeps every block within its share when tokens are additive", () => {
    fc.assert(
      fc.property(scenario, (generated) => {
        const pack = toInput(characters, generated);
        const packed = checkInvariants(pack);
        if (!packed) return;
        const shares = { memory: 0.15, summary: 0.15, retrieved: 0.25, reference: 0.15, ...pack.shares };
        for (const name of blockNames) expect(packed.sections[name].tokens).toBeLessThanOrEqual(Math.floor(shares[name] * packed.budget.available));
      }),
      { numRuns: 300 },
    );
  });
});

describe("packContext layout", () => {
  it("has no system message without a prompt or anything to put in it", () => {
    const packed = packContext(input({ recent: [turn("a", "earlier", 1, "assistant"), turn("b", "hello", 2)] }));
    expect(packed.messages).toEqual([
      { role: "assistant", content: "earlier" },
      { role: "user", content: "hello" },
    ]);
    expect(packed.sections.system.tokens).toBe(0);
  });

  it("opens with the prompt and adds headings only for sections that got something", () => {
    const packed = packContext(
      input({
        systemPrompt: "Be brief.",
        memories: [item("m1", "Prefers metric units."), item("m2", "Lives in Lyon.")],
        reference: [{ id: "d1", content: "Trains leave hourly.", meta: { title: "Timetable", heading: "Lyon" } }, item("d2", "No label.")],
        recent: [{ ...turn("t1", "When is the next train?", 7), name: "alice" }],
      }),
    );
    const system = packed.messages[0]?.content;
    expect(system).toBe(
      "Be brief.\n\n## What you know about the user\n- Prefers metric units.\n- Lives in Lyon.\n\n## Reference\n\n### Timetable — Lyon\nTrains leave hourly.\n\nNo label.",
    );
    expect(system).not.toContain("## Summary");
    expect(system).not.toContain("## Relevant earlier exchanges");
    expect(packed.messages[1]).toEqual({ role: "user", content: "When is the next train?", name: "alice" });
  });

  it("starts the system message with the first block when there is no prompt", () => {
    const packed = packContext(input({ summary: item("s", "They planned a trip.") }));
    expect(packed.messages[0]).toEqual({ role: "system", content: "## Summary of the earlier conversation\nThey planned a trip." });
  });

  it("groups pieces by message, orders by conversation then seq, and dates in UTC", () => {
    const piece = (id: string, conversationId: string, seq: number, content: string, extra: Partial<RetrievedPiece> = {}): RetrievedPiece => ({
      id,
      content,
      conversationId,
      seq,
      role: "user",
      ...extra,
    });
    const packed = packContext(
      input({
        shares: { retrieved: 1, memory: 0, summary: 0, reference: 0 },
        retrieved: [
          piece("r1", "b", 9, "best piece", { createdAt: new Date("2024-03-05T23:30:00-05:00") }),
          piece("r2", "a", 4, "from a, later"),
          piece("r3", "b", 2, "earlier in b", { role: "assistant", name: "bot" }),
          piece("r4", "b", 9, "second piece of the same message"),
          piece("r5", "a", 1, "from a, first", { createdAt: new Date("2023-12-31T12:00:00Z") }),
        ],
      }),
    );
    expect(packed.messages[0]?.content).toBe(
      [
        "## Relevant earlier exchanges",
        "assistant (bot): earlier in b",
        "[2024-03-06] user: best piece … second piece of the same message",
        "[2023-12-31] user: from a, first",
        "user: from a, later",
      ].join("\n"),
    );
    expect(packed.sections.retrieved.included).toEqual(["r1", "r2", "r3", "r4", "r5"]);
  });
});

describe("packContext budget", () => {
  // Mandatory: perReply 3 + system (3 + "system" 6 + "P" 1) + newest (3 + "user" 4 + "hi" 2) = 22.
  const mandatory = 22;
  const memoryHeading = "\n\n## What you know about the user".length;

  it("takes items in rank order within their share, skipping those over it", () => {
    const memories = [item("a", "x".repeat(80)), item("b", "x".repeat(40)), item("c", "x".repeat(30)), item("d", "x".repeat(20))];
    const packed = packContext(input({ systemPrompt: "P", maxTokens: mandatory + 1000, memories, shares: { memory: 0.1 } }));
    expect(packed.budget.available).toBe(1000);
    expect(packed.sections.memory).toEqual({
      tokens: memoryHeading + 43 + 23,
      included: ["b", "d"],
      omitted: [
        { id: "a", reason: "share" },
        { id: "c", reason: "share" },
      ],
    });
    expect(packed.sections.memory.tokens).toBeLessThanOrEqual(100);
  });

  it("gives what the sections leave unused to the recent turns", () => {
    // Each older turn costs 3 + "user" 4 + 50 = 57 tokens.
    const recent = [...Array.from({ length: 30 }, (_, index) => turn(`t${index}`, "y".repeat(50), index)), turn("newest", "hi", 30)];
    const alone = packContext(input({ systemPrompt: "P", maxTokens: mandatory + 1000, recent }));
    expect(alone.sections.recent.included).toHaveLength(1 + Math.floor(1000 / 57));
    const memories = [item("b", "x".repeat(40)), item("d", "x".repeat(20))];
    const shared = packContext(input({ systemPrompt: "P", maxTokens: mandatory + 1000, recent, memories, shares: { memory: 0.1 } }));
    expect(shared.sections.memory.tokens).toBe(memoryHeading + 43 + 23);
    expect(shared.sections.recent.included).toHaveLength(1 + Math.floor((1000 - 99) / 57));
  });

  it("reports each section's exact tokens, adding up to tokenCount", () => {
    const packed = packContext(
      input({
        systemPrompt: "P",
        memories: [item("m", "likes tea")],
        summary: item("s", "asked about trains"),
        recent: [turn("old", "hello", 1, "assistant"), turn("newest", "hi", 2)],
      }),
    );
    const { sections } = packed;
    expect(sections.system.tokens).toBe(3 + 6 + 1);
    expect(sections.memory.tokens).toBe(memoryHeading + "\n- likes tea".length);
    expect(sections.summary.tokens).toBe("\n\n## Summary of the earlier conversation\nasked about trains".length);
    expect(sections.recent.tokens).toBe(3 + 9 + 5 + (3 + 4 + 2));
    expect(sections.retrieved).toEqual({ tokens: 0, included: [], omitted: [] });
    expect(3 + sections.system.tokens + sections.memory.tokens + sections.summary.tokens + sections.recent.tokens).toBe(packed.tokenCount);
  });

  it("includes the summary whole or not at all", () => {
    const summary = item("s", "z".repeat(200));
    const packed = packContext(input({ systemPrompt: "P", maxTokens: mandatory + 1000, summary, shares: { summary: 0.2 } }));
    expect(packed.sections.summary).toEqual({ tokens: 0, included: [], omitted: [{ id: "s", reason: "share" }] });
    expect(packed.messages[0]?.content).toBe("P");
  });

  it("never repeats an included recent turn and reports repeated ids as duplicates", () => {
    const retrieved: RetrievedPiece[] = [
      { id: "r-new", content: "hi", conversationId: "now", seq: 2, role: "user" },
      { id: "r-old", content: "archived", conversationId: "now", seq: 1, role: "user" },
      { id: "r-old", content: "archived", conversationId: "now", seq: 1, role: "user" },
    ];
    const recent = [turn("t1", "x".repeat(500), 1), turn("t2", "hi", 2)];
    const packed = packContext(input({ maxTokens: 300, recent, retrieved }));
    expect(packed.sections.recent.included).toEqual(["t2"]);
    expect(packed.sections.retrieved.included).toEqual(["r-old"]);
    expect(packed.sections.retrieved.omitted).toEqual([
      { id: "r-new", reason: "duplicate" },
      { id: "r-old", reason: "duplicate" },
    ]);
  });

  it("drops a piece that a turn reached only with the unused shares would duplicate", () => {
    // available 1000; provisional turns get 1000 - 300 - 300 = 400, i.e. 4 turns of 3 + 4 + 93 = 100.
    const recent = [...Array.from({ length: 8 }, (_, index) => turn(`t${index}`, "y".repeat(93), index)), turn("newest", "hi", 8)];
    // The piece costs "\n\n## Relevant earlier exchanges" 31 + "\nuser: " 7 + 193 = 231, leaving room for 3 more turns only.
    const retrieved: RetrievedPiece[] = [{ id: "r3", content: "y".repeat(193), conversationId: "now", seq: 3, role: "user" }];
    const packed = packContext(
      input({ systemPrompt: "P", maxTokens: mandatory + 1000, recent, retrieved, shares: { memory: 0, summary: 0, retrieved: 0.3, reference: 0.3 } }),
    );
    expect(packed.sections.recent.included).toEqual(["t1", "t2", "t3", "t4", "t5", "t6", "t7", "newest"]);
    expect(packed.sections.retrieved).toEqual({ tokens: 0, included: [], omitted: [{ id: "r3", reason: "duplicate" }] });
    expect(packed.messages[0]?.content).toBe("P");
  });

  it("measures the joined text and drops items in reverse priority until it fits", () => {
    const pack = input({
      counter: superadditive,
      systemPrompt: "You answer questions.",
      maxTokens: 700,
      shares: { memory: 0.5, summary: 0, retrieved: 0, reference: 0.5 },
      memories: Array.from({ length: 6 }, (_, index) => item(`m${index}`, `memory number ${index} about the user`)),
      reference: Array.from({ length: 4 }, (_, index) => item(`d${index}`, `reference chunk ${index} `.repeat(3))),
      recent: [turn("t0", "an older question", 1), turn("t1", "an older answer", 2, "assistant"), turn("newest", "and now?", 3)],
    });
    const packed = checkInvariants(pack) as PackedContext;
    // Every item fitted its estimate; the joined text did not, so the lowest priorities went first.
    expect(packed.sections.reference.included).toEqual([]);
    expect(packed.sections.reference.omitted.every((omission) => omission.reason === "budget")).toBe(true);
    expect(packed.sections.recent.omitted).toEqual([
      { id: "t0", reason: "budget" },
      { id: "t1", reason: "budget" },
    ]);
    expect(packed.sections.memory.included).toEqual(["m0"]);
  });

  it("throws ContextBudgetError when the system prompt and newest turn do not fit, and fits them exactly at the limit", () => {
    let thrown: unknown;
    try {
      packContext(input({ systemPrompt: "P", maxTokens: 30, reserve: 10 }));
    } catch (error) {
      thrown = error;
    }
    expect(ContextBudgetError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ name: "ContextBudgetError", code: "budget_exceeded", needed: 22, available: 20, shortBy: 2 });
    expect((thrown as Error).message).toMatch(/short by 2\. Raise maxTokens by at least 2, lower reserve, or shorten the system prompt/);

    const exact = packContext(input({ systemPrompt: "P", maxTokens: 32, reserve: 10, memories: [item("m", "x")] }));
    expect(exact.tokenCount).toBe(22);
    expect(exact.budget.available).toBe(0);
    expect(exact.messages).toEqual([
      { role: "system", content: "P" },
      { role: "user", content: "hi" },
    ]);
    expect(exact.sections.memory.omitted).toEqual([{ id: "m", reason: "share" }]);
  });
});

describe("packContext input", () => {
  it.each([
    ["maxTokens", { maxTokens: -1 }],
    ["maxTokens", { maxTokens: 10.5 }],
    ["reserve", { reserve: Number.NaN }],
    ["reserve", { maxTokens: 100, reserve: 100 }],
    ["shares.memory", { shares: { memory: 1.5 } }],
    ["shares", { shares: { memory: 0.5, summary: 0.5, retrieved: 0.25 } }],
    ["recent", { recent: [] }],
    ["recent.0.role", { recent: [{ ...turn("t", "hi", 1), role: "robot" as "user" }] }],
    ["retrieved.0.createdAt", { retrieved: [{ id: "r", content: "x", conversationId: "c", seq: 1, role: "user", createdAt: new Date("nope") }] }],
  ] as [string, Partial<PackInput>][])("rejects a bad %s with InvalidInputError", (path, overrides) => {
    let thrown: unknown;
    try {
      packContext(input(overrides));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).issues[0]?.path).toBe(path);
  });

  it("accepts shares that add up to 1 with rounding", () => {
    expect(() => packContext(input({ shares: { memory: 0.1, summary: 0.2, retrieved: 0.3, reference: 0.4 } }))).not.toThrow();
  });

  it("counts each candidate about once, not the whole prompt per item", () => {
    let counted = 0;
    const counter = createTiktokenCounter("o200k_base");
    const measuring: TokenCounter = {
      ...counter,
      count: (text) => {
        counted += text.length;
        return counter.count(text);
      },
    };
    const words = "the memory layer keeps what matters and forgets the rest ";
    const pack = input({
      counter: measuring,
      systemPrompt: "You are a helpful assistant.",
      maxTokens: 16_000,
      reserve: 1000,
      memories: Array.from({ length: 50 }, (_, index) => item(`m${index}`, `${index} ${words.repeat(2)}`)),
      summary: item("s", words.repeat(20)),
      recent: Array.from({ length: 60 }, (_, index) => turn(`t${index}`, `${index} ${words.repeat(4)}`, index)),
      retrieved: Array.from({ length: 60 }, (_, index) => ({ id: `r${index}`, content: words.repeat(3), conversationId: "old", seq: index, role: "user" })),
      reference: Array.from({ length: 30 }, (_, index) => item(`d${index}`, `${index} ${words.repeat(5)}`)),
    });
    const inputCharacters = [pack.memories, [pack.summary as ContextItem], pack.recent, pack.retrieved, pack.reference]
      .flat()
      .reduce((sum, entry) => sum + entry.content.length, 0);
    const packed = packContext(pack);
    expect(packed.tokenCount).toBeLessThanOrEqual(15_000);
    expect(counted).toBeLessThan(5 * inputCharacters);
  });
});
