/** Placeholder entry point: the `mnemo` command is planned (see the package README) and exports nothing yet. */
export {};
