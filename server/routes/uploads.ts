// Reading a multipart upload: its one file and its fields. Each route says its own refusals.
import type { FastifyRequest } from 'fastify'
import { LocalizedInputError, type LocalizedText } from '../errors.ts'

export interface UploadMessages {
  /** the file is over the upload limit (bytes) */
  tooLarge: (file: string, limit: number) => LocalizedText
  /** no file part came */
  noFile: LocalizedText
}

/** The one file of a multipart upload and its fields; 400 naming the file when too large, or the field when missing. */
export async function readUpload(
  request: FastifyRequest,
  limit: number,
  messages: UploadMessages,
): Promise<{ file: { name: string; data: Uint8Array }; fields: Record<string, string> }> {
  const fields: Record<string, string> = {}
  let file: { name: string; data: Uint8Array } | undefined
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer()
      if (part.file.truncated)
        throw new LocalizedInputError(messages.tooLarge(part.filename, limit), [{ file: part.filename }])
      file = { name: part.filename, data: new Uint8Array(data) }
    } else fields[part.fieldname] = String(part.value)
  }
  if (!file) throw new LocalizedInputError(messages.noFile, [{ field: 'file' }])
  return { file, fields }
}
