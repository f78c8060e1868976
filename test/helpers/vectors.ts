import fs from "node:fs";
import path from "node:path";

/**
 * External test vectors live in ../shared/vectors beside the repository (never copied into it).
 * In a user's clone the folder is absent: tests that need it skip with a message.
 */
export const VECTORS_DIR = path.resolve(__dirname, "..", "..", "..", "shared", "vectors");

export function vectorsAvailable(): boolean {
  return fs.existsSync(path.join(VECTORS_DIR, "README.md"));
}

export function readVectorText(relativePath: string): string {
  return fs.readFileSync(path.join(VECTORS_DIR, relativePath), "utf8");
}

export function readVectorJson<T = any>(relativePath: string): T {
  return JSON.parse(readVectorText(relativePath)) as T;
}

/** `describe` that skips, saying why, when ../shared/vectors is not there. */
export function describeWithVectors(title: string, body: (this: Mocha.Suite) => void): void {
  if (vectorsAvailable()) {
    describe(title, body);
  } else {
    describe(title, function () {
      it(`skipped: external test vectors not found at ${VECTORS_DIR}`, function () {
        this.skip();
      });
    });
  }
}
