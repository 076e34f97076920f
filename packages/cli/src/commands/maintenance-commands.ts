import { NotFoundError } from "@mnemo/core";
import type { Command } from "commander";
import { exitCodes, UsageError } from "../program/exit-codes.js";
import { describeLocation, storeLocation } from "../program/global-options.js";
import { openMemory } from "../program/open-memory.js";
import { integerOption, oneLine } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";
import { createProgress } from "../progress/progress.js";
import { showProgress } from "./import-commands.js";
import { listConversations } from "./read-commands.js";

/** Registers `init`, `migrate`, `stats`, `compact`, `reindex` and `forget`. */
export function registerMaintenance(program: Command): void {
  program
    .command("init")
    .description("create the store (embedded data directory or server schema) and apply migrations")
    .action(
      runAction(async (context) => {
        const location = storeLocation(context.options);
        const memory = await context.memory();
        const data = { store: describeLocation(location), engine: memory.engine, user: context.userId };
        context.out.result(data, () =>
          [
            `Mnemo is ready: ${data.engine === "pglite" ? "embedded store in" : "PostgreSQL at"} ${data.store} (user "${data.user}").`,
            "Next: mnemo import lmstudio            # your LM Studio conversations",
            '      mnemo enhance "your question"    # a prompt built from what you discussed before',
            "      mnemo ui                         # the local web UI",
          ].join("\n"),
        );
      }),
    );

  program
    .command("migrate")
    .description("apply pending schema migrations and report them")
    .action(
      runAction(async (context) => {
        const before = await openMemory(context.options, { migrate: false });
        let pending: number[] | "all";
        try {
          pending = (await before.memory.schemaStatus()).pending;
        } catch {
          pending = "all"; // no schema yet
        } finally {
          await before.close();
        }
        const memory = await context.memory();
        const after = await memory.schemaStatus();
        context.out.result({ applied: pending, pending: after.pending }, (data) =>
          data.applied === "all"
            ? "Created the schema and applied every migration."
            : data.applied.length === 0
              ? "The schema is up to date."
              : `Applied migrations ${data.applied.join(", ")}.`,
        );
      }),
    );

  program
    .command("stats")
    .description("message and token statistics, and the topics of your conversations")
    .option("--topics <k>", "number of topics (default: estimated)")
    .action(
      runAction<{ topics?: string }>(async (context) => {
        const memory = await context.memory();
        const stats = await memory.stats({ userId: context.userId });
        const k = integerOption(context.options.topics, "--topics", { min: 1, max: 100 });
        const topics =
          stats.conversations >= 2 ? await memory.topics({ userId: context.userId, k }) : { k: 0, representation: "keywords" as const, topics: [] };
        const titles = new Map((await listConversations(memory, context.userId, { limit: 1000, offset: 0 })).map((item) => [item.conversationId, item.title]));
        const data = { store: describeLocation(storeLocation(context.options)), user: context.userId, ...stats, topics };
        context.out.result(data, (result) => {
          const lines = [
            `${result.conversations} conversations, ${result.messages} messages, ${result.tokens} tokens (${result.pieces} pieces, ${result.summaries} summaries).`,
            `By role: ${Object.entries(result.byRole)
              .map(([role, totals]) => `${role} ${totals.messages} messages / ${totals.tokens} tokens`)
              .join("; ")}.`,
          ];
          if (result.firstMessageAt)
            lines.push(`From ${result.firstMessageAt.toISOString().slice(0, 10)} to ${result.lastMessageAt?.toISOString().slice(0, 10)}.`);
          if (result.topics.topics.length > 0) {
            lines.push(`Topics (${result.topics.topics.length}):`);
            for (const topic of result.topics.topics) {
              const names = topic.conversations.map((conversation) => titles.get(conversation.conversationId) ?? conversation.conversationId);
              lines.push(`  • ${topic.keywords.join(", ")} — ${names.length} conversation(s): ${oneLine(names.join("; "), 110)}`);
            }
          }
          return lines.join("\n");
        });
      }),
    );

  program
    .command("compact")
    .description("summarise conversations that have been idle (old turns folded into a running summary, never deleted)")
    .option("--idle-for <duration>", "idle for at least this long: 30m, 12h, 7d", "12h")
    .option("--keep-tokens <n>", "newest tokens of each conversation left verbatim", "1000")
    .option("--all-users", "every user's conversations, not just --user's")
    .action(
      runAction<{ idleFor: string; keepTokens: string; allUsers?: boolean }>(async (context) => {
        const memory = await context.memory();
        const result = await memory.compactIdle({
          idleFor: context.options.idleFor,
          keepTokens: integerOption(context.options.keepTokens, "--keep-tokens", { min: 0, max: 1_000_000 }),
          userId: context.options.allUsers ? undefined : context.userId,
        });
        context.out.result(result, (data) => `Summarised ${data.summarized} of ${data.conversations.length} idle conversation(s).`);
      }),
    );

  program
    .command("reindex")
    .description("fill missing search vectors and embeddings (after adding or changing --embedder); resumable")
    .option("--all-users", "every user's pieces, not just --user's")
    .action(
      runAction<{ allUsers?: boolean }>(async (context) => {
        const memory = await context.memory();
        let progress: ReturnType<typeof createProgress> | undefined;
        const result = await memory.reindex({
          userId: context.options.allUsers ? undefined : context.userId,
          onProgress({ done, total }) {
            progress ??= createProgress({ label: "Embedding", unit: "pieces", total, enabled: showProgress(context) });
            progress.update(done);
          },
        });
        progress?.stop();
        context.out.result(result, (data) =>
          memory.embedder
            ? `Filled ${data.searchVectors} search vectors and embedded ${data.embedded} pieces with ${memory.embedder.id}.`
            : `Filled ${data.searchVectors} search vectors. No embedder is configured (--embedder or $MNEMO_EMBEDDER), so nothing was embedded.`,
        );
      }),
    );

  program
    .command("forget")
    .description("delete a conversation, or everything of the user (cannot be undone; `mnemo export` first)")
    .option("-c, --conversation <id>", "only this conversation")
    .option("--all", "everything of the user: conversations, memory entries, settings, documents")
    .option("-y, --yes", "confirm")
    .action(
      runAction<{ conversation?: string; all?: boolean; yes?: boolean }>(async (context) => {
        const { conversation, all, yes } = context.options;
        if (Boolean(conversation) === Boolean(all)) throw new UsageError("Pass either --conversation <id> or --all.");
        if (!yes)
          throw new UsageError(
            `This deletes ${conversation ? `conversation ${conversation}` : `everything of user "${context.userId}"`} for good; add --yes to confirm.`,
          );
        const memory = await context.memory();
        const deleted = conversation
          ? await memory.deleteConversation({ userId: context.userId, conversationId: conversation })
          : await memory.deleteUser({ userId: context.userId });
        if (!deleted) throw new NotFoundError(conversation ? `No conversation ${conversation}.` : `User "${context.userId}" has no data.`);
        context.out.result({ deleted: conversation ?? { user: context.userId } }, () =>
          conversation ? `Forgot conversation ${conversation}.` : `Forgot everything of user "${context.userId}".`,
        );
        return exitCodes.ok;
      }),
    );
}
