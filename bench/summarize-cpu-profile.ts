/**
 * Self time per function of a `.cpuprofile` (from `node --cpu-prof`), highest first: all code,
 * then only ours (`/src/`). Run: `node --import tsx bench/summarize-cpu-profile.ts <file> [top=25]`.
 * Several files (a glob: `--cpu-prof` also profiles the mock server's child process) are
 * summarized one after the other, the largest first.
 */
import { readFileSync, statSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const files = args.filter((argument) => argument.endsWith('.cpuprofile')).sort((a, b) => statSync(b).size - statSync(a).size);
const topText = args.find((argument) => !argument.endsWith('.cpuprofile')) ?? '25';
if (files.length === 0) throw new Error('usage: summarize-cpu-profile.ts <file.cpuprofile>... [top]');
for (const file of files) summarize(file);

function summarize(file: string): void {
  if (files.length > 1) console.log(`== ${file}`);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((sample, index) => {
    const node = byId.get(sample);
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\/.*?\/(node_modules|src|bench|dist)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  });
  const top = Number(topText);
  const sorted = [...selfMicros].sort((a, b) => b[1] - a[1]);
  const print = (title: string, entries: Array<[string, number]>) => {
    console.log(title);
    for (const [key, micros] of entries.slice(0, top)) console.log(`  ${(micros / 1000).toFixed(1).padStart(8)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}`);
  };
  console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
  print('top self time, all code:', sorted);
  const ours = sorted.filter(([key]) => key.includes(' src/') || key.includes(' dist/index'));
  console.log(`ours (src/ or dist/): ${((100 * ours.reduce((sum, [, micros]) => sum + micros, 0)) / total).toFixed(1)}% of samples`);
  print('top self time, ours only:', ours);
}
