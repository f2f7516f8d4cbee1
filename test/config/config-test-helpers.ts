import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';

const directories: string[] = [];

/** Writes `text` to a fresh temporary file and returns its path. */
export function writeTempFile(text: string, name = 'config.yaml'): string {
  const directory = mkdtempSync(join(tmpdir(), 'llm-orchestrator-config-'));
  directories.push(directory);
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `load`, expects a ConfigurationError and returns it. */
export function expectConfigurationError(load: () => unknown): ConfigurationError {
  let caught: unknown;
  try {
    load();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigurationError);
  return caught as ConfigurationError;
}

/** Deletes every file {@link writeTempFile} wrote; call it in `afterAll`. */
export function removeTempFiles(): void {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}
