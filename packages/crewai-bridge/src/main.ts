#!/usr/bin/env node
import { bridgeOptionsFromArgs, bridgeUsage } from "./server/bridge-config.js";
import { startBridge } from "./server/start-bridge.js";

// `node dist/main.js` / `mnemo-bridge`: start the service and stop cleanly on SIGINT or SIGTERM.
try {
  const { help, ...options } = await bridgeOptionsFromArgs(process.argv.slice(2), process.env);
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
} catch (error) {
  console.error(`mnemo-bridge: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
