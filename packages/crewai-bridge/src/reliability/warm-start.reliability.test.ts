import { describe, expect, it } from "vitest";
import { silentLogger } from "../logging/logger.js";
import { startBridge } from "../server/start-bridge.js";

describe("startBridge warm-up", () => {
  it("builds the tokenizer before listening, so the first request cannot stall the event loop for seconds", async () => {
    const bridge = await startBridge({ database: { dataDir: "memory://" }, port: 0, logger: silentLogger });
    try {
      const started = performance.now();
      bridge.memory.tokenizer.count("the first message after start");
      // Cold, this call builds o200k_base's rank tables: 1–3 s on the CI machine. Warm, it takes well under a millisecond.
      expect(performance.now() - started).toBeLessThan(250);
    } finally {
      await bridge.close();
    }
  });
});
