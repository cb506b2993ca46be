/**
 * `/v1/scripts/:name/logs`: a script's invocation records, newest first, and `/v1/scripts/:name/tail`:
 * the same records live, as Server-Sent Events; both from the telemetry Worker (workers/telemetry/,
 * docs/telemetry.md). Another tenant's script is a 404 like a missing one: the script is looked up for
 * the token's tenant first, and the store is keyed by that script's id.
 */
import { z } from "zod";
import { FerryError } from "../../../shared/http/errors";
import { EVENT_STREAM_HEADERS } from "../../../shared/http/sse";
import { telemetryOf } from "../../../shared/telemetry/api";
import { parseCursor, parseStatus, parseTime } from "../../../shared/telemetry/query";
import { LOG_LEVELS } from "../../../shared/telemetry/record";
import { findScript } from "../deploy/queries";
import { factory } from "../env";
import { validate } from "../validate";

const time = z.string().transform((value, ctx) => {
	const parsed = parseTime(value, Date.now());
	if (parsed === undefined) {
		ctx.addIssue({ code: "custom", message: `'${value}' is neither a duration (30s, 15m, 1h, 7d) nor an ISO 8601 time` });
		return z.NEVER;
	}
	return parsed;
});

/** The filters the logs and the live tail share (docs/api.md, "Logs"). */
export const filterSchema = {
	since: time.optional(),
	until: time.optional(),
	level: z.enum(LOG_LEVELS).optional(),
	status: z
		.string()
		.transform((value, ctx) => {
			const parsed = parseStatus(value);
			if (parsed === undefined) {
				ctx.addIssue({ code: "custom", message: `'${value}' is not ok, error, 1xx-5xx or a status code` });
				return z.NEVER;
			}
			return parsed;
		})
		.optional(),
	deployment: z
		.string()
		.regex(/^[a-z0-9]{1,32}$/, "a deployment id is lowercase letters and digits")
		.optional(),
	q: z.string().min(1).max(200).optional(),
};

const logsQuery = z.strictObject({
	...filterSchema,
	cursor: z
		.string()
		.transform((value, ctx) => {
			const parsed = parseCursor(value);
			if (parsed === undefined) {
				ctx.addIssue({ code: "custom", message: "not a cursor this endpoint returned" });
				return z.NEVER;
			}
			return parsed;
		})
		.optional(),
	limit: z.coerce.number().int().min(1).max(100).default(50),
});

const { since: _since, until: _until, ...liveFilters } = filterSchema;

const tailQuery = z.strictObject({
	...liveFilters,
	sampling: z.coerce.number().gt(0, "a share above 0").max(1, "a share up to 1").optional(),
});

/** Drops the filters not given (RPC carries `undefined` fields too, and the store reads presence). */
export const definedFilter = <T extends object>(filter: T): T =>
	Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as T;

export const logEndpoints = factory
	.createApp()
	.get("/:name/logs", validate("query", logsQuery), async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const { cursor, ...query } = c.req.valid("query");
		const page = await telemetryOf(c.env.TELEMETRY).logs(script.id, definedFilter({ ...query, before: cursor }));
		return c.json(page);
	})
	.get("/:name/tail", validate("query", tailQuery), async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const stream = await telemetryOf(c.env.TELEMETRY).liveTail(script.id, definedFilter(c.req.valid("query")));
		if (!stream) throw new FerryError("too_many_requests", `${script.name} has as many live tails open as it may; close one`);
		return new Response(stream, { headers: EVENT_STREAM_HEADERS });
	});
