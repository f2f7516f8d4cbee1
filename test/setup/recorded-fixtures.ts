import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The providers' real recorded responses (copied from the team's shared fixtures; source and
 * licence in its README), resolved from this file so tests run from any working directory.
 */
export const recordedDirectory = fileURLToPath(new URL('../fixtures/recorded/', import.meta.url));

/** A recorded file's text. */
export function readRecorded(name: string): string {
  return readFileSync(`${recordedDirectory}${name}`, 'utf8');
}

/** The lines of a recorded `.chunks.txt` file, one JSON event each. */
export function recordedLines(name: string): string[] {
  return readRecorded(name)
    .split('\n')
    .filter((line) => line.trim() !== '');
}
