import { readFileSync } from 'node:fs';
import { ConfigurationError, type ConfigurationIssue } from '../errors/configuration-error.js';
import { lazyRequire } from '../internal/lazy-require.js';

/** yaml is loaded only when a config comes as a file: an object config never needs it. */
const loadYaml = lazyRequire<typeof import('yaml')>('yaml');

const readFailures: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/** At most this many YAML syntax errors are listed: later ones are mostly echoes of the first. */
const maxSyntaxIssues = 5;

function readText(filePath: string): string {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = readFailures[code] ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigurationError([{ path: '', message: `cannot read the config file ${filePath}: ${reason}` }], { cause: error });
  }
}

/**
 * yaml's messages may quote the offending token, which could be a secret: keep the sentence.
 * A `${VAR}` in a flow collection (`{ api_key: ${KEY} }`) is a YAML error: say how to fix it.
 */
function describeSyntaxError(message: string, text: string, offset: number): string {
  const sentence = message.split('\n')[0]?.replace(/:\s*".*$/, '').replace(/ at line \d+, column \d+:?$/, '') ?? message;
  const hint = text[offset] === '{' && text[offset - 1] === '$' ? ' (inside { } or [ ], quote references: "${VAR}")' : '';
  return `${sentence}${hint}`;
}

/**
 * Reads and parses a YAML config file. Throws a `ConfigurationError` when the file cannot be
 * read, is empty, or is not valid YAML (each syntax error with its line and column).
 */
export function readConfigFile(filePath: string): unknown {
  const text = readText(filePath);
  const { LineCounter, parseDocument } = loadYaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const issues: ConfigurationIssue[] = [];
    const lines = new Set<number>();
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      if (lines.has(line)) continue;
      lines.add(line);
      issues.push({ path: '', message: `YAML syntax error at line ${line}, column ${col}: ${describeSyntaxError(error.message, text, error.pos[0])}` });
      if (issues.length === maxSyntaxIssues) break;
    }
    throw new ConfigurationError(issues, { source: filePath });
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // e.g. too many alias expansions (a "billion laughs" file)
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigurationError([{ path: '', message: `YAML error: ${reason}` }], { source: filePath, cause: error });
  }
  if (data === null || data === undefined) {
    throw new ConfigurationError([{ path: '', message: 'the config file is empty' }], { source: filePath });
  }
  return data;
}
