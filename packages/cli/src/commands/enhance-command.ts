import { enhancePrompt } from "@mnemo/core";
import clipboard from "clipboardy";
import type { Command } from "commander";
import { exitCodes } from "../program/exit-codes.js";
import { summarizerFor } from "../program/open-memory.js";
import { integerOption } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";

interface EnhanceCommandOptions {
  copy?: boolean;
  limit: string;
  maxTokens: string;
  conversation?: string[];
}

/** Registers `mnemo enhance`. */
export function registerEnhance(program: Command): void {
  program
    .command("enhance")
    .argument("<question...>", "the question you are about to ask a model")
    .description("a better prompt: your relevant earlier exchanges, summarised, then the question")
    .option("--copy", "put the prompt on the clipboard instead of printing it")
    .option("-n, --limit <n>", "past exchanges to draw on, at most", "5")
    .option("--max-tokens <n>", "token budget of the context part", "600")
    .option("-c, --conversation <id...>", "only these conversations")
    .addHelpText(
      "after",
      '\nSummaries are extractive (offline) unless a summariser is configured: --summarizer-url/--summarizer-model,\n$MNEMO_SUMMARIZER_URL/$MNEMO_SUMMARIZER_MODEL, or `mnemo settings set summarizer \'{"baseUrl":"http://localhost:1234/v1","model":"qwen3-8b"}\'`.\nWith --json the prompt, its sources and token counts are printed as JSON (and still copied with --copy).',
    )
    .action(
      runAction<EnhanceCommandOptions>(async (context, ...words) => {
        const memory = await context.memory();
        const result = await enhancePrompt(memory, {
          userId: context.userId,
          question: words.join(" "),
          limit: integerOption(context.options.limit, "--limit", { min: 1, max: 20 }),
          maxContextTokens: integerOption(context.options.maxTokens, "--max-tokens", { min: 50, max: 100_000 }),
          conversationIds: context.options.conversation,
          summarizer: await summarizerFor(memory, context.userId, context.options),
        });
        if (!context.options.copy) {
          context.out.result(result, (data) => data.prompt);
          return exitCodes.ok;
        }
        try {
          await clipboard.write(result.prompt);
        } catch (error) {
          context.out.result({ ...result, copied: false }, (data) => data.prompt);
          context.out.note(
            `mnemo: no clipboard is available here (${error instanceof Error ? error.message.split("\n")[0] : "unknown reason"}). The prompt is printed above; pipe it instead, e.g. \`mnemo enhance "…" | xclip -selection clipboard\`, or use \`mnemo ui\`.`,
          );
          return exitCodes.noClipboard;
        }
        context.out.result(
          { ...result, copied: true },
          (data) => `Copied the prompt to the clipboard (${data.tokens.prompt} tokens, ${data.sources.length} earlier exchanges).`,
        );
        return exitCodes.ok;
      }),
    );
}
