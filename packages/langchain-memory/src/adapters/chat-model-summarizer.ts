import type { BaseLanguageModelInterface } from "@langchain/core/language_models/base";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { defaultSummaryInstructions, type Summarizer, summarizerFromFunction, summaryPrompt } from "@mnemo/core";

/** Options for {@link summarizerFromChatModel}. */
export interface ChatModelSummarizerOptions {
  /** The summarizer's id; name the model. @default "langchain:<the model's _llmType()>" */
  id?: string | undefined;
  /** The system message. @default core's `defaultSummaryInstructions` */
  instructions?: string | undefined;
}

/**
 * A LangChain chat model as Mnemo's summariser (`createMemory({ summarizer })`): it gets the same
 * prompt as core's OpenAI-compatible summariser (instructions, previous summary, new turns, budget),
 * and its answer is cut to the token budget by core. Cancellation reaches the model as `signal`.
 * @example
 * const memory = await createMemory({ summarizer: summarizerFromChatModel(new ChatOpenAI({ model: "gpt-4o-mini" })) });
 */
export function summarizerFromChatModel(model: BaseLanguageModelInterface, options: ChatModelSummarizerOptions = {}): Summarizer {
  const instructions = options.instructions ?? defaultSummaryInstructions;
  const id = options.id ?? `langchain:${model._llmType()}`;
  return summarizerFromFunction(
    async (request) => {
      const answer = await model.invoke([new SystemMessage(instructions), new HumanMessage(summaryPrompt(request))], { signal: request.signal });
      return typeof answer === "string" ? answer : answer.text;
    },
    { id },
  );
}
