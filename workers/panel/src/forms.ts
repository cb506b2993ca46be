/**
 * Posted forms. Every state change in the panel is an HTML form posted to its own origin, read here
 * and nowhere else: `application/x-www-form-urlencoded` only (the panel's forms send nothing else),
 * at most FORM_BYTES, each field once. Before a form is read, hono's csrf middleware has checked
 * that it came from the panel's own origin (Origin, or Sec-Fetch-Site); the session's form token is
 * checked next (./session/middleware.ts).
 */
import type { Context } from "hono";
import { z } from "zod";
import { BodyIncompleteError, BodyTooLargeError, readLimited } from "../../shared/http/body";
import { FerryError } from "../../shared/http/errors";
import { type AppEnv, factory } from "./env";

/** The largest form the panel has is a few hundred bytes (a token, a name). */
export const FORM_BYTES = 16 * 1024;

const FORM_TYPE = "application/x-www-form-urlencoded";

/** Reads a posted form into c.var.form. */
export const readForm = factory.createMiddleware(async (c, next) => {
	if (c.req.method === "GET" || c.req.method === "HEAD") return next();
	const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
	if (type !== FORM_TYPE) throw new FerryError("unsupported_media_type", "the panel takes forms only (application/x-www-form-urlencoded)");
	let bytes: Uint8Array;
	try {
		bytes = await readLimited(c.req.raw, FORM_BYTES);
	} catch (error) {
		if (error instanceof BodyTooLargeError) throw new FerryError("payload_too_large", "this form is too large");
		if (error instanceof BodyIncompleteError) throw new FerryError("invalid_request", "the form broke off before its end");
		throw error;
	}
	const form: Record<string, string> = {};
	for (const [name, value] of new URLSearchParams(new TextDecoder().decode(bytes))) {
		if (name in form) throw new FerryError("invalid_request", `the form sent '${name}' twice`);
		form[name] = value;
	}
	c.set("form", form);
	await next();
});

/** The posted form's fields, validated (zod); a form that does not fit is a 400 page. */
export function fields<Schema extends z.ZodType>(c: Context<AppEnv>, schema: Schema): z.output<Schema> {
	const result = schema.safeParse(c.var.form ?? {});
	if (!result.success)
		throw new FerryError("invalid_request", `the form is not valid: ${z.prettifyError(result.error).replace(/\n/g, "; ")}`);
	return result.data;
}
