import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // src/internal/lazy-require.ts hands import.meta.url to createRequire, which takes a path as
  // well: in CommonJS that is __filename. (tsup's `shims` would build a URL from the path without
  // escaping it, wrong under a directory named with `#` or `%`, and its ESM shim for __filename
  // breaks when an app bundles the ESM build into CommonJS.) Keep import.meta.url to that use.
  esbuildOptions(options, context) {
    if (context.format === 'cjs') options.define = { ...options.define, 'import.meta.url': '__filename' };
  },
  // Provider SDKs are optional peers loaded with import() on first use: never bundle them.
  external: [/^openai/, /^@anthropic-ai\//, /^@google\//, /^@google-cloud\//, /^@aws-sdk\//, /^@smithy\//],
});
