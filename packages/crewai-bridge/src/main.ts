#!/usr/bin/env node
import { bridgeOptionsFromArgs, bridgeUsage } from "./server/bridge-config.js";
import { runKeysCommand } from "./server/keys-command.js";
import { startBridge } from "./server/start-bridge.js";

// `node dist/main.js` / `mnemo-bridge`: start the service (stopping cleanly on SIGINT or SIGTERM), or manage keys.
try {
  const args = process.argv.slice(2);
  if (args[0] === "keys") {
    console.log(await runKeysCommand(args.slice(1), process.env));
  } else {
    const { help, ...options } = await bridgeOptionsFromArgs(args, process.env);
    if (help) {
      console.log(bridgeUsage);
    } else {
      const bridge = await startBridge(options);
      const stop = () => {
        bridge.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }
  }
} catch (error) {
  console.error(`mnemo-bridge: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
