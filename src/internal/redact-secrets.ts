/**
 * `text` with every secret replaced by `[redacted]`. Secrets shorter than 4 characters are
 * left alone: replacing them would mangle ordinary words without protecting anything.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}
