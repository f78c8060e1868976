/**
 * The worker-thread side of the certificate PDF pool (pdfPool.ts): renders one certificate
 * per message. Rendering (font subsetting, layout, compression) takes tens of milliseconds of
 * CPU; here it no longer holds the server's event loop.
 */
import { parentPort } from "node:worker_threads";
import { renderCertificatePdf } from "./pdf";
import type { PdfJob, PdfReply } from "./pdfProtocol";

const port = parentPort;
if (!port) throw new Error("pdfWorker runs only as a worker thread");

port.on("message", (job: PdfJob) => {
  renderCertificatePdf(job.input).then(
    (bytes) => {
      const reply: PdfReply = { id: job.id, ok: true, bytes };
      port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: PdfReply = { id: job.id, ok: false, name: error instanceof Error ? error.name : "Error", message: error instanceof Error ? error.message : String(error) };
      port.postMessage(reply);
    },
  );
});
port.postMessage({ ready: true });
