/**
 * `GET /v1/events`: the tenant's events (deploys, rollbacks, deletes, secrets), newest first, or
 * live as Server-Sent Events when the client asks for `text/event-stream` (docs/api.md, "Events").
 * Kept per tenant by the telemetry Worker (workers/telemetry/src/events.ts); recorded by
 * ../events.ts. A tenant only ever reads its own: the store is keyed by the token's tenant.
 */
import { z } from "zod";
import { FerryError } from "../../../shared/http/errors";
import { EVENT_STREAM, EVENT_STREAM_HEADERS } from "../../../shared/http/sse";
import { DNS_LABEL } from "../../../shared/names";
import { telemetryOf } from "../../../shared/telemetry/api";
import { EVENT_TYPES, parseEventCursor } from "../../../shared/telemetry/events";
import { factory } from "../env";
import { validate } from "../validate";
import { definedFilter, filterSchema } from "./logs";

const eventsQuery = z.strictObject({
	type: z.enum(EVENT_TYPES).optional(),
	script: z.string().regex(DNS_LABEL, "a script name is a DNS label").optional(),
	since: filterSchema.since,
	cursor: z
		.string()
		.transform((value, ctx) => {
			const parsed = parseEventCursor(value);
			if (parsed === undefined) {
				ctx.addIssue({ code: "custom", message: "not a cursor this endpoint returned" });
				return z.NEVER;
			}
			return parsed;
		})
		.optional(),
	limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const eventEndpoints = factory.createApp().get("/", validate("query", eventsQuery), async (c) => {
	const { cursor, since, limit, ...filter } = c.req.valid("query");
	const telemetry = telemetryOf(c.env.TELEMETRY);
	if (c.req.header("accept")?.includes(EVENT_STREAM)) {
		if (cursor !== undefined || since !== undefined)
			throw new FerryError("invalid_request", "invalid query: cursor and since are for the list, not the live stream");
		const stream = await telemetry.liveEvents(c.var.tenant.id, definedFilter(filter));
		if (!stream) throw new FerryError("too_many_requests", "as many live event streams are open as may be; close one");
		return new Response(stream, { headers: EVENT_STREAM_HEADERS });
	}
	return c.json(await telemetry.events(c.var.tenant.id, definedFilter({ ...filter, since, before: cursor, limit })));
});
