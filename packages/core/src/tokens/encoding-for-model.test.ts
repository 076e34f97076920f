import { describe, expect, it } from "vitest";
import { encodingForModel } from "./encoding-for-model.js";

describe("encodingForModel", () => {
  it.each([
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4o-2024-08-06",
    "chatgpt-4o-latest",
    "gpt-4.1",
    "gpt-4.1-nano-2025-04-14",
    "gpt-4.5-preview",
    "gpt-5",
    "gpt-5-mini",
    "o1",
    "o1-mini",
    "o3-mini",
    "o4-mini",
  ])("maps %s to o200k_base", (model) => {
    expect(encodingForModel(model)).toBe("o200k_base");
  });

  it.each([
    "gpt-4",
    "gpt-4-0613",
    "gpt-4-turbo",
    "gpt-4-32k",
    "gpt-3.5-turbo",
    "gpt-3.5-turbo-0613",
    "gpt-35-turbo",
    "text-embedding-3-small",
    "text-embedding-ada-002",
  ])("maps %s to cl100k_base", (model) => {
    expect(encodingForModel(model)).toBe("cl100k_base");
  });

  it("ignores provider prefixes, fine-tune prefixes, case and surrounding spaces", () => {
    expect(encodingForModel("openai/gpt-4o")).toBe("o200k_base");
    expect(encodingForModel("azure/gpt-4-0613")).toBe("cl100k_base");
    expect(encodingForModel("GPT-4O-Mini")).toBe("o200k_base");
    expect(encodingForModel(" gpt-4.1 ")).toBe("o200k_base");
    expect(encodingForModel("ft:gpt-4o-mini-2024-07-18:my-org::abc123")).toBe("o200k_base");
  });

  it("returns undefined for models it does not know", () => {
    for (const model of ["claude-3-5-sonnet", "llama-3.1-8b", "o100", "gpt-40", "davinci-002", "", "openai/"]) {
      expect(encodingForModel(model)).toBeUndefined();
    }
  });
});
