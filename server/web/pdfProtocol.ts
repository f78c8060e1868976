/** Messages between the PDF pool and its worker threads. */
import type { CertificateInput } from "./pdf";

export interface PdfJob {
  id: number;
  input: CertificateInput;
}

export type PdfReply = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; name: string; message: string };
