import { type Memory, NotFoundError, type SearchResult, titleOf } from "@mnemo/core";
import type { Command } from "commander";
import { integerOption, oneLine } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";

/** Registers `mnemo search`, `mnemo history` and `mnemo context`. */
export function registerReadCommands(program: Command): void {
  program
    .command("search")
    .argument("<query...>", "what to look for, in plain words")
    .description("search your past conversations (BM25; hybrid with --embedder)")
    .option("-n, --limit <n>", "results", "10")
    .option("-c, --conversation <id...>", "only these conversations")
    .option("--role <role...>", "only these roles (user, assistant, system, tool)")
    .action(
      runAction<{ limit: string; conversation?: string[]; role?: string[] }>(async (context, ...words) => {
        const memory = await context.memory();
        const results = await memory.search({
          userId: context.userId,
          query: words.join(" "),
          limit: integerOption(context.options.limit, "--limit", { min: 1, max: 1000 }),
          conversationIds: context.options.conversation,
          roles: context.options.role as SearchResult["role"][] | undefined,
        });
        context.out.result(results, (hits) =>
          hits.length === 0
            ? "No matches."
            : hits
                .map(
                  (hit, index) =>
                    `${index + 1}. [${hit.conversationId} #${hit.seq}, ${hit.createdAt.toISOString().slice(0, 10)}, ${hit.role}] ${oneLine(hit.content, 160)}`,
                )
                .join("\n"),
        );
      }),
    );

  program
    .command("history")
    .argument("[conversation]", "a conversation id (from `mnemo history`); without it, lists your conversations")
    .description("list your conversations, or show one conversation's messages")
    .option("-n, --last <n>", "with a conversation: its last N messages", "50")
    .option("--limit <n>", "without a conversation: how many to list", "50")
    .option("--offset <n>", "without a conversation: skip this many", "0")
    .action(
      runAction<{ last: string; limit: string; offset: string }>(async (context, conversationId) => {
        const memory = await context.memory();
        if (conversationId) {
          const messages = await memory.history({
            userId: context.userId,
            conversationId,
            last: integerOption(context.options.last, "--last", { min: 1, max: 10_000 }) ?? 50,
          });
          if (messages.length === 0) throw new NotFoundError(`No conversation ${conversationId}; list them with \`mnemo history\`.`);
          context.out.result(messages, (list) =>
            list
              .map(
                (message) =>
                  `#${message.seq} ${message.createdAt.toISOString().slice(0, 16)} ${message.name ?? message.role} (${message.tokenCount} tokens)\n${message.content}\n`,
              )
              .join("\n"),
          );
          return;
        }
        const conversations = await listConversations(memory, context.userId, {
          limit: integerOption(context.options.limit, "--limit", { min: 1, max: 1000 }) ?? 50,
          offset: integerOption(context.options.offset, "--offset", { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0,
        });
        context.out.result(conversations, (list) =>
          list.length === 0
            ? "No conversations yet: import some with `mnemo import lmstudio`."
            : list
                .map(
                  (item) =>
                    `${item.conversationId}  ${item.title ? `"${oneLine(item.title, 60)}"  ` : ""}${item.messageCount} messages, ${item.tokenCount} tokens, ${item.updatedAt.toISOString().slice(0, 10)}`,
                )
                .join("\n"),
        );
      }),
    );

  program
    .command("context")
    .argument("<conversation>", "the conversation the next model call continues")
    .description("the budgeted context for the next model call of a conversation (system prompt, memory, summary, recent turns, relevant earlier pieces)")
    .option("-q, --query <text>", "what to retrieve for (default: the newest user turn)")
    .option("--max-tokens <n>", "the model's context window", "4096")
    .option("--reserve <n>", "tokens kept free for the answer", "512")
    .action(
      runAction<{ query?: string; maxTokens: string; reserve: string }>(async (context, conversationId) => {
        const memory = await context.memory();
        const built = await memory.buildContext({
          userId: context.userId,
          conversationId: conversationId as string,
          query: context.options.query,
          maxTokens: integerOption(context.options.maxTokens, "--max-tokens", { min: 16, max: 10_000_000 }) as number,
          reserve: integerOption(context.options.reserve, "--reserve", { min: 0, max: 10_000_000 }) as number,
        });
        context.out.result(built, (result) => {
          const sections = Object.entries(result.sections)
            .map(([name, section]) => `${name} ${section.tokens}`)
            .join(", ");
          const messages = result.messages.map((message) => `--- ${message.role}\n${message.content}`).join("\n");
          return `${messages}\n--- ${result.tokenCount} tokens within ${result.budget.maxTokens - result.budget.reserve} (max ${result.budget.maxTokens}, reserve ${result.budget.reserve}); sections: ${sections}`;
        });
      }),
    );
}

/** A conversation in the list, with the title its import stored. */
export interface ConversationListItem {
  conversationId: string;
  title: string | undefined;
  messageCount: number;
  tokenCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's conversations, most recently active first, with titles (from the first message's import metadata). */
export async function listConversations(memory: Memory, userId: string, page: { limit: number; offset: number }): Promise<ConversationListItem[]> {
  const conversations = await memory.conversations({ userId, ...page });
  return Promise.all(
    conversations.map(async (conversation) => {
      const [first] = await memory.history({ userId, conversationId: conversation.conversationId, afterSeq: 0, limit: 1 });
      return {
        conversationId: conversation.conversationId,
        title: conversation.title ?? (first ? titleOf(first) : undefined),
        messageCount: conversation.messageCount,
        tokenCount: conversation.tokenCount,
        createdAt: conversation.createdAt,
        updatedAt: conversation.updatedAt,
      };
    }),
  );
}
