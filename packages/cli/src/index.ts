export { writeExport } from "./commands/export-command.js";
export { createProgram, runCli } from "./program/create-program.js";
export { exitCodeFor, exitCodes, UsageError } from "./program/exit-codes.js";
export { describeLocation, type GlobalOptions, type StoreLocation, storeLocation, userOf } from "./program/global-options.js";
export { type OpenedMemory, openMemory, summarizerFor } from "./program/open-memory.js";
export { type RunningUi, type StartUiOptions, startUi } from "./ui/start-ui.js";
