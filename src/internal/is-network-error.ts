/** Error codes of a connection that failed or broke (Node's sockets and undici). */
const networkCodes = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_CONNECT_TIMEOUT)$/;

/**
 * Whether `error`, or an error in its `cause` chain, is a failed or broken connection: by its
 * `code`, or by its message matching `messagePattern` (each SDK words such failures its own
 * way, so each adapter passes its own pattern).
 */
export function isNetworkError(error: unknown, messagePattern: RegExp): boolean {
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && networkCodes.test(code)) return true;
    if (typeof message === 'string' && messagePattern.test(message)) return true;
    current = cause;
  }
  return false;
}
