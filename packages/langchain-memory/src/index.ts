/**
 * Placeholder entry point: this adapter is planned (see the package README) and exports nothing yet.
 * It exists so the workspace, build and dependency direction (adapter → @mnemo/core) are in place.
 */
export {};
