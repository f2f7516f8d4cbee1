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
  // Provider SDKs are optional peers loaded with import() on first use: never bundle them.
  external: [/^openai/, /^@anthropic-ai\//, /^@google\//, /^@google-cloud\//, /^@aws-sdk\//, /^@smithy\//],
});
