/**
 * Copies a metadata object keeping string values as they are, writing other values as JSON and
 * dropping `null`/`undefined`. Keys are set as own properties, so `__proto__` stays a plain key.
 */
export function toStringRecord(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    Object.defineProperty(result, key, {
      value: typeof value === 'string' ? value : JSON.stringify(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
