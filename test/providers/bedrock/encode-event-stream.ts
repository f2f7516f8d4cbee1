import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { recordedDirectory } from '../../setup/recorded-fixtures.js';

/** One `application/vnd.amazon.eventstream` message to encode. */
export interface EventStreamMessage {
  /** `event` for data, `exception` for an in-band error. */
  messageType?: 'event' | 'exception';
  /** `:event-type` of an event, or `:exception-type` of an exception (e.g. `throttlingException`). */
  type: string;
  /** The JSON payload. */
  payload: unknown;
}

function encodeHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const valueBytes = Buffer.from(value, 'utf8');
  const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
  let offset = header.writeUInt8(nameBytes.length, 0);
  offset += nameBytes.copy(header, offset);
  // 7 is the string header value type.
  offset = header.writeUInt8(7, offset);
  offset = header.writeUInt16BE(valueBytes.length, offset);
  valueBytes.copy(header, offset);
  return header;
}

/**
 * Encodes one event-stream frame: total length (u32), headers length (u32), CRC32 of those 8
 * bytes, headers, payload, CRC32 of everything before it.
 */
export function encodeEventStreamFrame(message: EventStreamMessage): Buffer {
  const messageType = message.messageType ?? 'event';
  const typeHeader = messageType === 'exception' ? ':exception-type' : ':event-type';
  const headers = Buffer.concat([
    encodeHeader(typeHeader, message.type),
    encodeHeader(':content-type', 'application/json'),
    encodeHeader(':message-type', messageType),
  ]);
  const payload = Buffer.from(JSON.stringify(message.payload), 'utf8');
  const totalLength = 4 + 4 + 4 + headers.length + payload.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(totalLength, 0);
  prelude.writeUInt32BE(headers.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude) >>> 0, 0);
  const withoutCrc = Buffer.concat([prelude, preludeCrc, headers, payload]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc) >>> 0, 0);
  return Buffer.concat([withoutCrc, messageCrc]);
}

/**
 * Reads a recorded `*.chunks.txt` Bedrock fixture: each line is one event whose type is the
 * line's only key and whose payload is that key's value.
 */
export function readRecordedBedrockEvents(path: string): EventStreamMessage[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const [type, payload] = Object.entries(parsed)[0] ?? [];
      if (type === undefined) throw new Error(`empty event line: ${line}`);
      return { type, payload };
    });
}

/** Path of the recorded Bedrock ConverseStream fixture. */
export const recordedBedrockChunksPath = `${recordedDirectory}amazon-bedrock-text.chunks.txt`;
/** Path of the recorded Bedrock Converse fixture. */
export const recordedBedrockJsonPath = `${recordedDirectory}amazon-bedrock-text.json`;
