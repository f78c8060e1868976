/**
 * multipart/form-data for the console's file uploads, read with busboy under hard limits: a
 * file over its limit stops the read and answers 413 naming the limit; anything malformed
 * answers 400. Nothing is written to disk: uploads are small and kept in memory.
 */
import busboy from "busboy";
import type { Request } from "express";

export class UploadError extends Error {
  override readonly name = "UploadError";
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: "too-large" | "malformed" | "not-multipart" | "too-many-fields",
    message: string,
  ) {
    super(message);
  }
}

export interface UploadedFile {
  field: string;
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

export interface Upload {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export function readUpload(req: Request, limits: { fileBytes: number; files: number }): Promise<Upload> {
  return new Promise((resolve, reject) => {
    if (!/^multipart\/form-data\b/i.test(req.headers["content-type"] ?? "")) {
      reject(new UploadError(415, "not-multipart", "the form must be sent as multipart/form-data"));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limits.fileBytes, files: limits.files, fields: 60, fieldSize: 20_000, parts: 80 }, defParamCharset: "utf8" });
    } catch (error) {
      reject(new UploadError(400, "malformed", `the upload is malformed: ${(error as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let failed: UploadError | undefined;
    const fail = (error: UploadError) => {
      if (failed) return;
      failed = error;
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(new UploadError(413, "too-large", `the field ${name} is longer than 20000 characters`));
      else fields[name] = value;
    });
    parser.on("file", (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(new UploadError(413, "too-large", `the file ${info.filename} is larger than ${limits.fileBytes} bytes`)));
      stream.on("end", () => {
        if (!failed && info.filename) files.push({ field, fileName: info.filename, mimeType: info.mimeType, bytes: Buffer.concat(chunks) });
      });
    });
    parser.on("filesLimit", () => fail(new UploadError(413, "too-many-fields", `at most ${limits.files} file(s) per form`)));
    parser.on("fieldsLimit", () => fail(new UploadError(413, "too-many-fields", "too many form fields")));
    parser.on("partsLimit", () => fail(new UploadError(413, "too-many-fields", "too many form parts")));
    parser.on("error", (error: Error) => fail(new UploadError(400, "malformed", `the upload is malformed: ${error.message}`)));
    parser.on("close", () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(parser);
  });
}
