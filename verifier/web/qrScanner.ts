/**
 * Reads a QR code from the camera with the browser's own BarcodeDetector (Chrome on Android,
 * macOS and ChromeOS). No QR decoding library is shipped: where the detector is missing the
 * page says so and offers the other inputs.
 */
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options?: { formats?: string[] }) => BarcodeDetectorLike;

export interface QrScanner {
  stop(): void;
}

export async function startQrScanner(video: HTMLVideoElement, onValue: (value: string) => void): Promise<QrScanner> {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  if (!Detector) throw new Error("BarcodeDetector is not available");
  const detector = new Detector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  video.srcObject = stream;
  await video.play();
  let stopped = false;
  const stop = () => {
    stopped = true;
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  const tick = async () => {
    if (stopped) return;
    try {
      const codes = await detector.detect(video);
      const value = codes.find((code) => code.rawValue)?.rawValue;
      if (value) {
        onValue(value);
        return;
      }
    } catch {
      // A frame that cannot be read yet (camera warming up): try the next one.
    }
    requestAnimationFrame(() => void tick());
  };
  void tick();
  return { stop };
}
