import { createRequire } from 'node:module';
import { ConfigurationError } from '../errors/configuration-error.js';

let requireFromHere: NodeJS.Require | undefined;

/**
 * A `require` resolving from this file. `import.meta.url` in the ESM build and under vitest;
 * `__filename` in the CommonJS build (tsup.config.ts defines `import.meta.url` as `__filename`
 * there: createRequire takes a path as well) and in an app that bundles the ESM build into
 * CommonJS, where `import.meta` is empty. Made on first use so that case cannot fail the import.
 */
function getRequire(): NodeJS.Require {
  const here = (import.meta.url as string | undefined) ?? (typeof __filename === 'string' ? __filename : undefined);
  requireFromHere ??= createRequire(here ?? `${process.cwd()}/`);
  return requireFromHere;
}

/**
 * Returns a loader that `require`s an npm dependency on its first call and hands back the same
 * module ever after, so importing this package does not pay for a dependency a program may never
 * use (zod only when a config is loaded, yaml only for a file, the price catalogue only when
 * something is priced). Synchronous, so the public API stays synchronous: every dependency
 * loaded this way must ship a CommonJS build. Only for npm packages: our own `.ts` modules are
 * imported statically (vitest cannot `require` them).
 *
 * Bundlers cannot see these loads: an app bundled into one file must keep the package external
 * and installed. When it cannot be found, the loader throws a {@link ConfigurationError} that
 * says so, instead of Node's bare "Cannot find module".
 *
 * Pass the module's type: `lazyRequire<typeof import('yaml')>('yaml')`.
 */
export function lazyRequire<T>(packageName: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = getRequire()(packageName) as T;
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw error;
        throw new ConfigurationError(
          [
            {
              path: packageName,
              message: `llm-orchestrator loads '${packageName}' with require() on first use and it was not found; install it, and if your app is bundled into one file, keep zod, yaml and @pydantic/genai-prices external`,
            },
          ],
          { cause: error },
        );
      }
    }
    return loaded;
  };
}
