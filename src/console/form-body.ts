import type { IncomingMessage } from 'node:http';

/** Sign-in carries a token of a few kilobytes; nothing the console posts comes near this. */
const MAX_FORM_BYTES = 64 * 1024;

export class FormTooLargeError extends Error {}

/** An application/x-www-form-urlencoded body; anything else reads as empty. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormTooLargeError(`a form body is at most ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (type !== 'application/x-www-form-urlencoded') return new URLSearchParams();
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
