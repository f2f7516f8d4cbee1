/**
 * The contenders the benchmark compares, per provider: the raw SDK (the baseline), llm-orchestrator
 * and the Vercel AI SDK as the peer. Each is one entry of {@link contenders}; every figure, table
 * column and ratio picks a new entry up.
 */
import type { LLMOrchestrator } from '../src/index.js';

/** The providers the mock server speaks. */
export type BenchProvider = 'openai' | 'anthropic';

/** One ready client of a contender, bound to the mock server. */
export interface ContenderSession {
  /** One non-streaming call; resolves to the answer's text. */
  send(): Promise<string>;
  /** One streaming call; yields each non-empty text chunk as the user's loop would see it. */
  stream(): AsyncIterable<string>;
  /** Releases what the session holds (the orchestrator flushes its tracker). */
  close(): Promise<void>;
}

/** A contender: how to build a session for a provider against the mock server's origin. */
export interface Contender {
  /** Unique id, `<kind>-<provider>` (used to start it in a child process). */
  id: string;
  /** Column header. */
  label: string;
  provider: BenchProvider;
  /** `raw` is the baseline every ratio divides by. */
  kind: 'raw' | 'orchestrator' | 'peer';
  create(origin: string): Promise<ContenderSession>;
}

const prompt = [{ role: 'user' as const, content: 'Say something for the benchmark.' }];
const openaiModel = 'gpt-4o-mini';
const anthropicModel = 'claude-haiku-4-5-20251001';
const maxTokens = 256;
const silentLogger = { warn: () => undefined };

async function rawOpenAI(origin: string): Promise<ContenderSession> {
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ apiKey: 'bench-key', baseURL: `${origin}/v1`, maxRetries: 0 });
  return {
    async send() {
      const completion = await client.chat.completions.create({ model: openaiModel, messages: prompt, max_tokens: maxTokens });
      return completion.choices[0]?.message.content ?? '';
    },
    async *stream() {
      const chunks = await client.chat.completions.create({
        model: openaiModel,
        messages: prompt,
        max_tokens: maxTokens,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of chunks) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield text;
      }
    },
    close: async () => undefined,
  };
}

async function rawAnthropic(origin: string): Promise<ContenderSession> {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const client = new Anthropic({ apiKey: 'bench-key', baseURL: origin, maxRetries: 0 });
  return {
    async send() {
      const message = await client.messages.create({ model: anthropicModel, messages: prompt, max_tokens: maxTokens });
      return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    },
    async *stream() {
      const events = await client.messages.create({ model: anthropicModel, messages: prompt, max_tokens: maxTokens, stream: true });
      for await (const event of events) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta' && event.delta.text) yield event.delta.text;
      }
    },
    close: async () => undefined,
  };
}

/**
 * `LLMOrchestrator` of the built package (`dist/index.js`, what users install: src/ run through
 * tsx would add its own helper calls to every function of ours). `npm run build` first;
 * `npm run bench` does.
 */
export async function builtOrchestrator(): Promise<typeof LLMOrchestrator> {
  try {
    return ((await import(new URL('../dist/index.js', import.meta.url).href)) as { LLMOrchestrator: typeof LLMOrchestrator }).LLMOrchestrator;
  } catch (error) {
    throw new Error('the benchmark runs the built package: run `npm run build` first', { cause: error });
  }
}

/** A session over `LLMOrchestrator` (the built package's class; see {@link builtOrchestrator}). */
export function orchestratorSession(provider: BenchProvider, origin: string, Orchestrator: typeof LLMOrchestrator): ContenderSession {
  const entry =
    provider === 'openai'
      ? { api_key: 'bench-key', base_url: `${origin}/v1`, fallback_models: [openaiModel] }
      : { api_key: 'bench-key', base_url: origin, fallback_models: [anthropicModel] };
  // The defaults a user gets: cost tracking on (in memory, no file), retries and circuit breaker on.
  const orch = new Orchestrator({ active_provider: provider, providers: { [provider]: entry } }, { logger: silentLogger });
  const request = { messages: prompt, maxTokens };
  return {
    async send() {
      return (await orch.send(request)).content;
    },
    async *stream() {
      const stream = orch.stream(request);
      for await (const chunk of stream) yield chunk.text;
      await stream.response;
    },
    close: () => orch.close(),
  };
}

/**
 * A session over the Vercel AI SDK (`ai` 6 with `@ai-sdk/openai` 3 / `@ai-sdk/anthropic` 3, the
 * last majors that run on Node 20), as a user would write it: `generateText` and `streamText`
 * with the SDK's retries off. The OpenAI model is `.chat()`, because the mock server speaks Chat
 * Completions and the provider's default model speaks the Responses API.
 */
async function vercelSession(provider: BenchProvider, origin: string): Promise<ContenderSession> {
  const { generateText, streamText } = await import('ai');
  let model;
  if (provider === 'openai') {
    const { createOpenAI } = await import('@ai-sdk/openai');
    model = createOpenAI({ apiKey: 'bench-key', baseURL: `${origin}/v1` }).chat(openaiModel);
  } else {
    const { createAnthropic } = await import('@ai-sdk/anthropic');
    model = createAnthropic({ apiKey: 'bench-key', baseURL: `${origin}/v1` })(anthropicModel);
  }
  const call = { model, messages: prompt, maxOutputTokens: maxTokens, maxRetries: 0 };
  return {
    async send() {
      return (await generateText(call)).text;
    },
    async *stream() {
      let failure: unknown;
      const result = streamText({
        ...call,
        onError: ({ error }) => {
          failure = error;
        },
      });
      for await (const text of result.textStream) if (text) yield text;
      if (failure !== undefined) throw failure;
    },
    close: async () => undefined,
  };
}

/** Every contender, baseline first within each provider. */
export const contenders: readonly Contender[] = [
  { id: 'raw-openai', label: 'openai', provider: 'openai', kind: 'raw', create: rawOpenAI },
  { id: 'orchestrator-openai', label: 'llm-orchestrator', provider: 'openai', kind: 'orchestrator', create: async (origin) => orchestratorSession('openai', origin, await builtOrchestrator()) },
  { id: 'raw-anthropic', label: '@anthropic-ai/sdk', provider: 'anthropic', kind: 'raw', create: rawAnthropic },
  {
    id: 'orchestrator-anthropic',
    label: 'llm-orchestrator',
    provider: 'anthropic',
    kind: 'orchestrator',
    create: async (origin) => orchestratorSession('anthropic', origin, await builtOrchestrator()),
  },
  { id: 'peer-openai', label: 'Vercel AI SDK', provider: 'openai', kind: 'peer', create: async (origin) => vercelSession('openai', origin) },
  { id: 'peer-anthropic', label: 'Vercel AI SDK', provider: 'anthropic', kind: 'peer', create: async (origin) => vercelSession('anthropic', origin) },
];

/** The contender with this id; throws for an unknown one. */
export function findContender(id: string): Contender {
  const found = contenders.find((contender) => contender.id === id);
  if (!found) throw new Error(`unknown contender '${id}' (known: ${contenders.map((contender) => contender.id).join(', ')})`);
  return found;
}
