import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { UnavailableError } from "@mnemo/core";

/**
 * Takes the embedded data directory for this process: the embedded engine (PGlite) must never be
 * opened by two processes at once. A lock left by a process that is gone is taken over.
 * @returns a function that releases the lock.
 * @throws UnavailableError when a live process holds it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, "mnemo.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new UnavailableError(
          `The embedded store in ${dataDir} is in use by another mnemo process (pid ${holder}, e.g. \`mnemo ui\` or \`mnemo sync --watch\`). Stop it first, or use a PostgreSQL server with --database.`,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new UnavailableError(`Could not lock the embedded store in ${dataDir}; retry.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
