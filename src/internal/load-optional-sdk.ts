import { ConfigurationError } from '../errors/configuration-error.js';

const cache = new Map<string, Promise<unknown>>();

/**
 * Loads a provider SDK on first use. `load` must be a literal `() => import('pkg')` so bundlers
 * see the specifier. A missing package becomes a `ConfigurationError` naming what to install.
 */
export function loadOptionalSdk<T>(packageName: string, providerName: string, load: () => Promise<T>): Promise<T> {
  let pending = cache.get(packageName) as Promise<T> | undefined;
  if (!pending) {
    pending = load().catch((error: unknown) => {
      cache.delete(packageName);
      if (isModuleNotFound(error, packageName)) {
        throw new ConfigurationError(
          [{ path: `providers.${providerName}`, message: `the package '${packageName}' is not installed: run \`npm install ${packageName}\` to use provider '${providerName}'` }],
          { cause: error },
        );
      }
      throw error;
    });
    cache.set(packageName, pending);
  }
  return pending;
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  const message = String((error as { message?: unknown }).message ?? '');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(packageName);
}
