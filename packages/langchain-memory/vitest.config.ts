import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
    // Opening a fresh schema migrates it under one server-wide advisory lock, so on a busy server a
    // suite's setup can wait behind other processes' migrations.
    hookTimeout: 300_000,
  },
});
