import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseRegistrySnapshot, type RegistrySnapshot } from './registry-snapshot.js';

/**
 * Reads the registry cache synchronously (construction time; the file is small). A missing
 * file is a fresh start without a problem; an unreadable or corrupt one is a fresh start with
 * the problem described (never thrown).
 */
export function readRegistryCache(path: string): { snapshot?: RegistrySnapshot; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { snapshot: parseRegistrySnapshot(JSON.parse(text)) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Writes the snapshot atomically: a temporary file next to `path`, then a rename over it, so a
 * reader (or a crash) never sees half a file.
 */
export async function writeRegistryCache(path: string, snapshot: RegistrySnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Coalesces writes of the registry cache: `schedule` after each change starts one write when
 * none is running, or one more after the running one; `flush` waits for the last. Nothing is
 * written synchronously, so no request waits on the disk.
 */
export class RegistryCacheWriter {
  #dirty = false;
  #running: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => RegistrySnapshot,
    private readonly onError: (error: unknown) => void,
  ) {}

  schedule(): void {
    this.#dirty = true;
    this.#running ??= this.#drain();
  }

  /** Resolves once every scheduled change is on disk (or failed and was reported). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      // Let the change that scheduled us finish (and its siblings coalesce) before reading.
      await Promise.resolve();
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await writeRegistryCache(this.path, this.snapshot());
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }
}
