/**
 * The `max_tokens` sent to Anthropic when a request gives no `maxTokens` (the Messages API
 * requires one). 4096 is the largest output every current Claude model accepts (Claude 3 Haiku
 * and Claude 3 Opus stop at 4096), so no model rejects it, and non-streaming calls stay well
 * under the SDK's ten-minute limit. Set `maxTokens` for longer answers.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
