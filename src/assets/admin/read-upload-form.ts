import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AppError, BadUserInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../common/errors/app-error';
import { unsafeTextReason } from '../../common/graphql/request-checks';

/** The client closed the connection before the upload was read: a client abort, not a server error (logged at info). */
export class ClientAbortedError extends BadUserInputError {}

export interface UploadForm {
  filename: string;
  bytes: Buffer;
  fields: Record<string, string>;
}

const FIELD_NAMES = new Set(['alt', 'articleId']);
const FIELD_MAX_BYTES = 2000;

/**
 * Reads a `multipart/form-data` upload: exactly one file part named `file` (at most `maxBytes`) and the
 * optional text fields `alt` and `articleId`, in any order. Anything else is refused before it is stored.
 */
export async function readUploadForm(request: FastifyRequest, maxBytes: number): Promise<UploadForm> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaTypeError('Send the file as multipart/form-data with a part named "file"', { reason: 'NOT_MULTIPART' });
  }
  // A client gone while the caller was checked (or while the upload waited for a slot) would never end the parts below.
  if (request.raw.destroyed) throw new ClientAbortedError('The request was closed before its body was read');
  const fields: Record<string, string> = {};
  let file: { filename: string; bytes: Buffer } | null = null;
  try {
    const parts = request.parts({ limits: { fileSize: maxBytes, files: 1, fields: FIELD_NAMES.size, fieldSize: FIELD_MAX_BYTES, parts: FIELD_NAMES.size + 1 } });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw new BadUserInputError('The file part must be named "file"', [{ field: part.fieldname, messages: ['unexpected file part'] }]);
        const bytes = await readFilePart(request, part.file, maxBytes);
        file = { filename: part.filename ?? '', bytes };
      } else {
        if (!FIELD_NAMES.has(part.fieldname)) {
          throw new BadUserInputError(`Unknown form field "${part.fieldname}"`, [{ field: part.fieldname, messages: ['allowed fields: file, alt, articleId'] }]);
        }
        if (part.valueTruncated) throw new BadUserInputError(`The field "${part.fieldname}" is too long`, [{ field: part.fieldname, messages: [`at most ${FIELD_MAX_BYTES} bytes`] }]);
        const value = String(part.value);
        // Form fields skip the GraphQL request checks: PostgreSQL stores no NUL, so refuse it here (not a 500 later).
        const unsafe = unsafeTextReason(value);
        if (unsafe) throw new BadUserInputError(`The field "${part.fieldname}" ${unsafe}`, [{ field: part.fieldname, messages: [`${part.fieldname} ${unsafe}`] }]);
        fields[part.fieldname] = value;
      }
    }
  } catch (error) {
    // The client left mid-body (busboy or the socket: ECONNRESET "aborted", premature close): nothing to answer.
    if (request.raw.destroyed && !(error instanceof AppError)) throw new ClientAbortedError('The client closed the connection during the upload');
    throw translateMultipartError(error, maxBytes);
  }
  if (!file) throw new BadUserInputError('The form has no file part named "file"', [{ field: 'file', messages: ['file is required'] }]);
  if (file.bytes.length === 0) throw new BadUserInputError('The file is empty', [{ field: 'file', messages: ['file must not be empty'] }]);
  return { ...file, fields };
}

/**
 * The file part's bytes, or PAYLOAD_TOO_LARGE as soon as it passes `maxBytes`. Past the limit busboy goes on
 * reading (and dropping) the rest of the part, so `toBuffer()` failed only once the client had sent the whole
 * body, however large it declared it; here the request stops being read and the 413 goes out at once.
 * Iterated like `toBuffer()`, which also settles for a stream that ended or failed before it was handed over.
 */
async function readFilePart(request: FastifyRequest, file: Readable & { truncated?: boolean }, maxBytes: number): Promise<Buffer> {
  let tooLarge = false;
  const stop = (): void => {
    tooLarge = true;
    request.raw.unpipe();
    request.raw.pause();
    file.destroy();
  };
  if (file.truncated) stop();
  else file.once('limit', stop);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of file) chunks.push(chunk as Buffer);
  } catch (error) {
    if (!tooLarge) throw error;
  }
  if (tooLarge || file.truncated) throw new PayloadTooLargeError(`The file is larger than ${maxBytes} bytes`, maxBytes);
  return Buffer.concat(chunks);
}

interface MultipartError extends Error {
  code?: string;
}

/** @fastify/multipart's errors (FST_*) as ours; our own errors pass through. */
function translateMultipartError(error: unknown, maxBytes: number): unknown {
  const code = (error as MultipartError | undefined)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new PayloadTooLargeError(`The file is larger than ${maxBytes} bytes`, maxBytes);
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new BadUserInputError('Send one file part named "file" and at most the fields alt and articleId');
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PROTO_VIOLATION' || (error instanceof Error && /boundary|multipart|unexpected end/i.test(error.message))) {
    return new BadUserInputError('The multipart body is malformed');
  }
  return error;
}
