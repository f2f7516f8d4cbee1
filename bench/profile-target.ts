/**
 * A loop to profile: `send` or `stream` calls of one contender against the mock server.
 * Run: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-target.ts <contender-id> <send|stream> [count]`
 * then `node --import tsx bench/summarize-cpu-profile.ts /tmp/prof/<file>.cpuprofile`.
 * `dist-openai` / `dist-anthropic` profile the built package (`npm run build` first): tsx's
 * transpiled src/ reports every function on line 1 and adds esbuild `__name` calls.
 */
import type { LLMOrchestrator } from '../src/index.js';
import { type BenchProvider, type ContenderSession, findContender, orchestratorSession } from './contenders.js';
import { spawnMockServer } from './mock-server.js';

const [id = 'orchestrator-openai', mode = 'send', countText = '5000'] = process.argv.slice(2);
const count = Math.min(Number(countText), 100_000);
const server = await spawnMockServer();
try {
  let session: ContenderSession;
  if (id.startsWith('dist-')) {
    const built = (await import(new URL('../dist/index.js', import.meta.url).href)) as { LLMOrchestrator: typeof LLMOrchestrator };
    session = orchestratorSession(id.slice('dist-'.length) as BenchProvider, server.origin, built.LLMOrchestrator);
  } else {
    session = await findContender(id).create(server.origin);
  }
  const began = performance.now();
  for (let index = 0; index < count; index += 1) {
    if (mode === 'send') await session.send();
    else for await (const text of session.stream()) if (text.length === 0) throw new Error('empty chunk');
  }
  console.log(`${id} ${mode} x${count}: ${((performance.now() - began) / count).toFixed(3)} ms each`);
  await session.close();
} finally {
  await server.close();
}
