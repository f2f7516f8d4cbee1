import { createRequire } from 'node:module';

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
 * Pass the module's type: `lazyRequire<typeof import('yaml')>('yaml')`.
 */
export function lazyRequire<T>(packageName: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= getRequire()(packageName) as T;
    return loaded;
  };
}
