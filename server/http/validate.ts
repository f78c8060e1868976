/** Request bodies are parsed with zod; a failure becomes a 400 naming each bad field. */
import type { Request } from "express";
import type { z } from "zod";
import { badRequest } from "./errors";

export function parseBody<S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> {
  if (req.body === undefined || req.body === null || typeof req.body !== "object") {
    throw badRequest("the request needs a JSON object body (Content-Type: application/json)");
  }
  return schema.parse(req.body);
}
