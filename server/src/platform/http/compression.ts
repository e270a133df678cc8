import { negotiate } from '@fastify/accept-negotiator';
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Compressed responses: brotli or gzip as `Accept-Encoding` asks, `Vary: Accept-Encoding`, nothing
 * under a kilobyte (the headers would outweigh the saving). Answers built per request are compressed
 * on the fly at a fast setting; answers sent many times (the catalog cache's) are compressed once,
 * with a better one, and kept beside their plain bytes (`encodedBody`).
 */
export const compressionThreshold = 1024;
export type Encoding = 'br' | 'gzip';
const supported: Encoding[] = ['br', 'gzip'];

export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    globalCompression: true,
    // Request bodies stay as sent: nothing here accepts compressed uploads (and none can be a bomb).
    globalDecompression: false,
    threshold: compressionThreshold,
    encodings: supported,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
}

/** The encoding to send a body of this size in, or null for the plain bytes. */
export function encodingFor(acceptEncoding: string | undefined, size: number): Encoding | null {
  if (!acceptEncoding || size < compressionThreshold) return null;
  return (negotiate(acceptEncoding, supported) as Encoding | null | undefined) ?? null;
}

export function encodeOnce(body: string, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 7,
          [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(body),
        },
      })
    : gzipSync(body, { level: 9 });
}

/** A body sent many times, with its encoded forms made on first need and kept. */
export interface EncodableBody {
  body: string;
  encoded?: Partial<Record<Encoding, Buffer>>;
}

export function encodedBody(response: EncodableBody, encoding: Encoding): Buffer {
  const encoded = (response.encoded ??= {});
  return (encoded[encoding] ??= encodeOnce(response.body, encoding));
}
