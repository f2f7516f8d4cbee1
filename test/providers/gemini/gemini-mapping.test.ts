import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { mapGeminiFinishReason } from '../../../src/providers/gemini/map-gemini-finish-reason.js';
import { mapGeminiRequest } from '../../../src/providers/gemini/map-gemini-request.js';
import { mapGeminiResponse } from '../../../src/providers/gemini/map-gemini-response.js';
import { mapGeminiSdkError } from '../../../src/providers/gemini/map-gemini-sdk-error.js';
import { mapGeminiUsage } from '../../../src/providers/gemini/map-gemini-usage.js';
import { mapGoogleError, parseGoogleDuration } from '../../../src/providers/gemini/map-google-error.js';
import { toGenaiParameters } from '../../../src/providers/gemini/to-genai-parameters.js';
import { createUsage } from '../../../src/spec/usage.js';
import { readRecorded, recordedChunks } from './gemini-test-helpers.js';

describe('mapGeminiRequest', () => {
  it('maps roles, system messages, merged turns and the generation config', () => {
    const body = mapGeminiRequest({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'assistant', content: 'How can I help?' },
        { role: 'system', content: 'Use English.' },
        { role: 'user', content: 'Count the r in strawberry' },
      ],
      temperature: 0,
      maxTokens: 256,
      topP: 1,
      stop: ['\n\n'],
    });
    expect(body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Hi",
              },
            ],
            "role": "user",
          },
          {
            "parts": [
              {
                "text": "Hello!",
              },
              {
                "text": "How can I help?",
              },
            ],
            "role": "model",
          },
          {
            "parts": [
              {
                "text": "Count the r in strawberry",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {
          "maxOutputTokens": 256,
          "stopSequences": [
            "

      ",
          ],
          "temperature": 0,
          "topP": 1,
        },
        "systemInstruction": {
          "parts": [
            {
              "text": "Be brief.",
            },
            {
              "text": "Use English.",
            },
          ],
        },
      }
    `);
  });

  it('leaves out generationConfig and systemInstruction when nothing fills them', () => {
    expect(mapGeminiRequest({ messages: [{ role: 'user', content: 'Hi' }], stop: [] })).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('merges providerOptions, generationConfig key by key', () => {
    const body = mapGeminiRequest({
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.5,
      providerOptions: { generationConfig: { thinkingConfig: { thinkingBudget: 0 } }, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] },
    });
    expect(body.generationConfig).toEqual({ temperature: 0.5, thinkingConfig: { thinkingBudget: 0 } });
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
  });

  it('flattens the body into @google/genai parameters with continuation off', () => {
    const signal = new AbortController().signal;
    const body = mapGeminiRequest({ messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }], maxTokens: 10 });
    expect(toGenaiParameters('gemini-2.5-flash', body, signal)).toEqual({
      model: 'gemini-2.5-flash',
      contents: [{ role: 'user', parts: [{ text: 'U' }] }],
      config: { maxOutputTokens: 10, systemInstruction: { parts: [{ text: 'S' }] }, abortSignal: signal, automaticContinuation: false },
    });
  });
});

describe('mapGeminiUsage', () => {
  it('bills thoughts as output and reads the recorded google-text.json usage', () => {
    const recorded = JSON.parse(readRecorded('google-text.json')) as { usageMetadata: object };
    expect(mapGeminiUsage(recorded.usageMetadata)).toEqual(createUsage({ inputTokens: 9, outputTokens: 272, totalTokens: 281, reasoningTokens: 244 }));
  });

  it('reads cached content as cache reads and sums when no total is given', () => {
    expect(mapGeminiUsage({ promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 10, toolUsePromptTokenCount: 5 })).toEqual(
      createUsage({ inputTokens: 105, outputTokens: 10, totalTokens: 115, cacheReadTokens: 60 }),
    );
    expect(mapGeminiUsage(undefined)).toBeUndefined();
  });
});

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['SPII', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
    ['OTHER', 'other'],
    [undefined, 'other'],
  ] as const)('%s -> %s', (reason, expected) => {
    expect(mapGeminiFinishReason(reason)).toBe(expected);
  });
});

describe('mapGeminiResponse', () => {
  it('reads each recorded chunk: the thought-signature part adds no text, finish only on the last', () => {
    const mapped = recordedChunks('google-text.chunks.txt').map((line) => mapGeminiResponse(JSON.parse(line) as object));
    expect(mapped.map((chunk) => chunk.text)).toEqual(['There are **3**', ' "r"s in strawberry.\n\nst**r**awbe**rr**y', '']);
    expect(mapped.map((chunk) => chunk.finishReason)).toEqual([undefined, undefined, 'stop']);
    expect(mapped[2]).toMatchObject({ rawFinishReason: 'STOP', responseModel: 'gemini-3-pro-preview' });
  });

  it('leaves thought summaries out of the text and detects a blocked prompt', () => {
    expect(mapGeminiResponse({ candidates: [{ content: { parts: [{ text: 'thinking...', thought: true }, { text: 'Answer' }] } }] }).text).toBe('Answer');
    expect(mapGeminiResponse({ promptFeedback: { blockReason: 'SAFETY', blockReasonMessage: 'blocked' } })).toMatchObject({
      text: '',
      promptBlockReason: 'SAFETY',
      blockMessage: 'blocked',
    });
  });
});

describe('mapGoogleError', () => {
  const quotaFailure = (quotaId: string) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId }] });
  const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });

  it('reads the recorded google-429-retry-info.json as a rate limit with its delay', () => {
    expect(mapGoogleError(429, JSON.parse(readRecorded('google-429-retry-info.json')))).toEqual({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 34_400,
      message: 'You exceeded your current quota, please check your plan.',
      googleStatus: 'RESOURCE_EXHAUSTED',
    });
  });

  it.each([
    ['a daily quota, even with a delay', [quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier'), retryInfo('20s')], 'quota'],
    ['a quota with no window and no delay', [quotaFailure('GenerateContentInputTokensPerModel')], 'quota'],
    ['a quota with a limit of 0', [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaValue: '0' }] }], 'quota'],
    ['a per-minute quota without a delay', [quotaFailure('GenerateRequestsPerMinutePerProjectPerModel')], 'rate_limit'],
    ['a bare 429', [], 'rate_limit'],
  ] as const)('429 with %s -> %s', (_name, details, kind) => {
    expect(mapGoogleError(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'exhausted', details } }).kind).toBe(kind);
  });

  it.each([
    [400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.', 'invalid_request'],
    [400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', 'context_length'],
    [400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.', 'auth'],
    [400, 'FAILED_PRECONDITION', 'Gemini API free tier is not available in your country. Please enable billing on your project in Google AI Studio.', 'auth'],
    [400, 'FAILED_PRECONDITION', 'Billing is not enabled for this project.', 'auth'],
    [400, 'FAILED_PRECONDITION', 'Precondition check failed.', 'invalid_request'],
    [401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'auth'],
    [403, 'PERMISSION_DENIED', 'The caller does not have permission', 'auth'],
    [404, 'NOT_FOUND', 'models/x is not found', 'not_found'],
    [500, 'INTERNAL', 'An internal error has occurred.', 'server'],
    [503, 'UNAVAILABLE', 'The model is overloaded.', 'overloaded'],
    [504, 'DEADLINE_EXCEEDED', 'Deadline expired.', 'timeout'],
  ] as const)('%i %s -> %s', (status, googleStatus, message, kind) => {
    expect(mapGoogleError(status, { error: { code: status, status: googleStatus, message } }).kind).toBe(kind);
  });

  it('maps API_KEY_INVALID to auth and reads the status from the body when none is given', () => {
    const body = { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid.', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }] } };
    expect(mapGoogleError(undefined, body)).toMatchObject({ kind: 'auth', status: 400, reason: 'API_KEY_INVALID' });
    expect(mapGoogleError(undefined, { error: { status: 'UNAVAILABLE', message: 'x' } })).toMatchObject({ kind: 'overloaded', status: 503 });
    expect(mapGoogleError(undefined, 'not json')).toMatchObject({ kind: 'unknown' });
  });

  it('maps a location precondition without a status name (as @google/generative-ai reports it) to auth', () => {
    expect(mapGoogleError(400, { error: { code: 400, message: 'User location is not supported for the API use.' } }).kind).toBe('auth');
    expect(mapGoogleError(400, { error: { code: 400, message: 'Invalid JSON payload received.' } }).kind).toBe('invalid_request');
  });

  it('parses protobuf durations', () => {
    expect(parseGoogleDuration('34.4s')).toBe(34_400);
    expect(parseGoogleDuration('1s')).toBe(1000);
    expect(parseGoogleDuration({ seconds: 2, nanos: 500_000_000 })).toBe(2500);
    expect(parseGoogleDuration('soon')).toBeUndefined();
  });
});

describe('mapGeminiSdkError', () => {
  it('lets a ConfigurationError (SDK not installed) through unchanged', () => {
    const missing = new ConfigurationError([{ path: 'providers.gemini', message: "the package '@google/genai' is not installed" }]);
    let thrown: unknown;
    try {
      mapGeminiSdkError(missing, { provider: 'gemini', model: 'gemini-2.5-flash' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(missing);
  });
});
