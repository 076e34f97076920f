import { execFileSync } from "node:child_process";

// The tests run the built `mnemo` binary as a child process: build it from the current sources first.
export default function setup(): void {
  execFileSync(process.execPath, [new URL("../../node_modules/typescript/bin/tsc", import.meta.url).pathname, "-p", "tsconfig.build.json"], {
    cwd: import.meta.dirname,
    stdio: "inherit",
  });
}
