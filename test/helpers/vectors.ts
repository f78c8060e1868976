import fs from "node:fs";
import path from "node:path";

/**
 * External test vectors, copied unchanged into test/fixtures/vectors (see its README for each
 * file's source and license), so conformance runs in every clone.
 */
export const VECTORS_DIR = path.resolve(__dirname, "..", "fixtures", "vectors");

export function vectorsAvailable(): boolean {
  return fs.existsSync(path.join(VECTORS_DIR, "README.md"));
}

export function readVectorText(relativePath: string): string {
  return fs.readFileSync(path.join(VECTORS_DIR, relativePath), "utf8");
}

export function readVectorJson<T = any>(relativePath: string): T {
  return JSON.parse(readVectorText(relativePath)) as T;
}

/** `describe` that skips, saying why, when the vectors folder is not there (never in a clone of this repository). */
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
