/**
 * A loop to profile: `send` or `stream` calls of one contender against the mock server.
 * Run: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-target.ts <contender-id> <send|stream> [count]`
 * then `node --import tsx bench/summarize-cpu-profile.ts /tmp/prof/<file>.cpuprofile`.
 * The orchestrator contenders run the built package: `npm run build` first.
 */
import { findContender } from './contenders.js';
import { spawnMockServer } from './mock-server.js';

const [id = 'orchestrator-openai', mode = 'send', countText = '5000'] = process.argv.slice(2);
const count = Math.min(Number(countText), 100_000);
const server = await spawnMockServer();
try {
  const session = await findContender(id).create(server.origin);
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
