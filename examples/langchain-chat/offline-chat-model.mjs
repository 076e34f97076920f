// A deterministic stand-in for an LLM, so the example runs offline: it saves facts the user asks it
// to remember (through the save_to_model_memory tool, as a real model would) and answers questions
// from what Mnemo put in its context. Not an LLM: a few rules over the messages it is given.
import { randomUUID } from "node:crypto";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";

const rememberPattern = /^(?:please\s+)?remember(?:\s+that)?\s+(.+?)[.!]?$/iu;

/** The lines of one `## Heading` section of Mnemo's system message. */
function section(system, heading) {
  const start = system.indexOf(`## ${heading}`);
  if (start === -1) return [];
  const rest = system.slice(start).split("\n").slice(1);
  const end = rest.findIndex((line) => line.startsWith("## "));
  return (end === -1 ? rest : rest.slice(0, end)).map((line) => line.trim()).filter(Boolean);
}

function reply(messages) {
  const last = messages.at(-1);
  if (last?.getType() === "tool") return new AIMessage({ id: randomUUID(), content: `I'll remember that. (${last.text})` });
  const said = last?.text.trim() ?? "";
  const fact = rememberPattern.exec(said)?.[1];
  if (fact) {
    return new AIMessage({
      id: randomUUID(),
      content: "",
      tool_calls: [{ id: `call_${randomUUID()}`, name: "save_to_model_memory", args: { content: fact }, type: "tool_call" }],
    });
  }
  const system = messages.find((message) => message.getType() === "system")?.text ?? "";
  const known = section(system, "What you know about the user");
  const earlier = section(system, "Relevant earlier exchanges");
  if (known.length === 0 && earlier.length === 0) {
    return new AIMessage({ id: randomUUID(), content: "I don't know anything about you yet. Tell me: remember that …" });
  }
  const parts = [];
  if (known.length > 0) parts.push(`What I remember about you: ${known.map((line) => line.replace(/^- /u, "")).join("; ")}.`);
  if (earlier.length > 0) parts.push(`Earlier we talked about: ${earlier[0]}`);
  return new AIMessage({ id: randomUUID(), content: parts.join(" ") });
}

/** A LangChain chat model that answers by rules, offline. */
export class OfflineChatModel extends BaseChatModel {
  constructor() {
    super({});
  }

  _llmType() {
    return "mnemo-example-offline";
  }

  /** Tools are known by name only; the rules call save_to_model_memory. */
  bindTools() {
    return this;
  }

  async _generate(messages) {
    const message = reply(messages);
    return { generations: [{ text: message.text, message }] };
  }
}
