/**
 * The schema validators are ajv's standalone code, generated ahead of time and committed
 * (scripts/generateValidators.ts). These tests keep them honest: the committed files are exactly
 * what the schemas make today, and they judge any document as ajv compiling the schema at run
 * time does, error for error.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import type { ErrorObject, Options } from "ajv";
import fc from "fast-check";
import { buildOpenBadgeCredential } from "../../../core/credential/build";
import { CLR_CREDENTIAL_AJV_OPTIONS, CLR_CREDENTIAL_SCHEMA } from "../../../core/credential/clrSchema";
import { OPEN_BADGE_AJV_OPTIONS, OPEN_BADGE_CREDENTIAL_SCHEMA } from "../../../core/credential/schema";
import { ajvWith, GENERATED_VALIDATORS_DIR, schemaValidatorFiles } from "../../../scripts/generateValidators";
import { readVectorJson } from "../../helpers/vectors";
import { badgeParameters } from "./fixtures";

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

function compiledAtRunTime(schema: object, options: Options): Validator {
  return ajvWith(options).compile(schema);
}

/** What a validator says of `document`: its verdict and its errors (with the schema parts they point at). */
function judgement(validate: Validator, document: unknown): unknown {
  const valid = validate(document);
  return { valid, errors: structuredClone(validate.errors ?? []) };
}

/** A document with one value somewhere replaced (or removed) — the mistakes and forgeries a validator meets. */
function mutated(document: unknown, pathChoice: number, replacement: unknown): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const spots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach((item, i) => (spots.push([value, i]), walk(item)));
    else if (value && typeof value === "object") for (const key of Object.keys(value)) spots.push([value as Record<string, unknown>, key]), walk((value as Record<string, unknown>)[key]);
  };
  walk(copy);
  const [parent, key] = spots[pathChoice % spots.length]!;
  if (replacement === undefined && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

const replacements = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("", "not a uri", "2026-13-45T00:00:00Z", "https://x.example/", [], {}, null, 7));

describe("generated schema validators", () => {
  it("are exactly what `npm run generate:validators` makes from today's schemas", () => {
    for (const [name, text] of schemaValidatorFiles()) {
      const committed = fs.readFileSync(path.join(GENERATED_VALIDATORS_DIR, name), "utf8");
      expect(committed === text, `core/credential/generated/${name} is stale: run npm run generate:validators`).to.equal(true);
    }
  });

  const cases = [
    {
      name: "OB 3.0 AchievementCredential",
      schema: OPEN_BADGE_CREDENTIAL_SCHEMA,
      options: OPEN_BADGE_AJV_OPTIONS,
      file: "openBadgeCredentialValidator.js",
      sample: () => buildOpenBadgeCredential(badgeParameters()) as unknown,
    },
    {
      name: "CLR 2.0 ClrCredential",
      schema: CLR_CREDENTIAL_SCHEMA,
      options: CLR_CREDENTIAL_AJV_OPTIONS,
      file: "clrCredentialValidator.js",
      sample: () => readVectorJson("1edtech-validator/clr20-simple.json") as unknown,
    },
  ];
  for (const { name, schema, options, file, sample } of cases) {
    it(`judge every ${name}, good or broken, as ajv compiling the schema does, error for error (property)`, () => {
      const generated = require(path.join(GENERATED_VALIDATORS_DIR, file)).default as Validator;
      const reference = compiledAtRunTime(schema, options);
      const good = sample();
      expect(judgement(generated, good)).to.deep.equal(judgement(reference, good));
      fc.assert(
        fc.property(fc.nat(), replacements, (spot, replacement) => {
          const document = mutated(good, spot, replacement);
          expect(judgement(generated, document)).to.deep.equal(judgement(reference, document));
        }),
        { numRuns: 500 },
      );
    });
  }
});
