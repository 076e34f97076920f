import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UnavailableError } from "../errors/unavailable-error.js";

/** The lock file an embedded data directory holds while a Mnemo process has it open. */
export const dataDirLockFile = "mnemo-pglite.lock";

const heldHere = new Set<string>();

/**
 * Takes an embedded (PGlite) data directory for this process. PGlite is one PostgreSQL backend in
 * WebAssembly with no shared memory: two instances on one directory each write their own view of the
 * files and lose each other's data, so a second opener, in this process or another, is refused. A lock
 * left by a process that is gone (killed, crashed) is taken over.
 * @returns a function that releases the lock.
 * @throws UnavailableError when a live process (or this one) already has the directory open.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const directory = resolve(dataDir);
  const path = join(directory, dataDirLockFile);
  if (heldHere.has(directory)) throw inUse(process.pid);
  await mkdir(directory, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldHere.add(directory);
      return async () => {
        heldHere.delete(directory);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new UnavailableError("The embedded data directory cannot be locked.", { cause: error });
      const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) throw inUse(holder);
      // No valid pid yet: a process may be between creating and writing the file; look again before taking over.
      if (!Number.isInteger(holder) && attempt === 0) {
        await new Promise((done) => setTimeout(done, 200));
        continue;
      }
      await rm(path, { force: true });
    }
  }
  throw new UnavailableError("The embedded data directory could not be locked; retry.");
}

function inUse(pid: number): UnavailableError {
  return new UnavailableError(
    `The embedded data directory is already open in process ${pid}: PGlite allows one process at a time. Close it first, or use a PostgreSQL server.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
