import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { z } from "zod";
import { FerryError } from "../../shared/http/errors";

/** Validates a request part with zod and answers our error shape (not the validator's) when it fails. */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) =>
	zValidator(target, schema, (result) => {
		if (!result.success)
			throw new FerryError("invalid_request", `invalid ${target}: ${z.prettifyError(result.error).replace(/\n/g, "; ")}`);
	});
