/**
 * `/v1/scripts/:name/metrics`: a script's requests, errors, status classes and latency percentiles
 * per step, overall and per deployment, from the per-minute rollups of its telemetry object
 * (docs/api.md, "Metrics"). Another tenant's script is a 404 like a missing one. `/v1/metrics`:
 * each of the tenant's scripts' requests and errors in a range, in one answer (the panel's list).
 */

import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { scripts } from "../../../shared/db/schema";
import { FerryError } from "../../../shared/http/errors";
import { telemetryOf } from "../../../shared/telemetry/api";
import { MAX_POINTS, STEP_NAMES, STEPS, type Step } from "../../../shared/telemetry/metrics";
import { iso } from "../../../shared/time";
import { findScript } from "../deploy/queries";
import { factory } from "../env";
import { validate } from "../validate";
import type { MetricsTotalsAnswer } from "../views";
import { filterSchema } from "./logs";

/** Without a step: the smallest that gives at most this many points. */
const DEFAULT_POINTS = 60;

const metricsQuery = z.strictObject({
	since: filterSchema.since,
	until: filterSchema.until,
	step: z.enum(STEP_NAMES as [Step, ...Step[]]).optional(),
	deployment: filterSchema.deployment,
});

export const metricsEndpoints = factory.createApp().get("/:name/metrics", validate("query", metricsQuery), async (c) => {
	const query = c.req.valid("query");
	const now = Date.now();
	const until = query.until ?? now;
	const since = query.since ?? until - 3_600_000;
	if (since >= until) throw new FerryError("invalid_request", "invalid query: since must be before until");
	const step = query.step ?? STEP_NAMES.find((name) => (until - since) / STEPS[name] <= DEFAULT_POINTS) ?? "1d";
	if ((until - since) / STEPS[step] > MAX_POINTS)
		throw new FerryError(
			"invalid_request",
			`invalid query: step ${step} gives more than ${MAX_POINTS} points from since to until; use a longer step`,
		);
	const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
	const answer = await telemetryOf(c.env.TELEMETRY).metrics(script.id, {
		since,
		until,
		step,
		...(query.deployment ? { deployment: query.deployment } : {}),
	});
	return c.json(answer);
});

/** Without `since`: the last day. */
const DEFAULT_TOTALS_MS = 86_400_000;

const totalsQuery = z.strictObject({ since: filterSchema.since, until: filterSchema.until });

export const tenantMetricsEndpoints = factory.createApp().get("/", validate("query", totalsQuery), async (c) => {
	const query = c.req.valid("query");
	const until = query.until ?? Date.now();
	// Counted by the minute: the range starts at the minute `since` falls in.
	const since = Math.floor((query.since ?? until - DEFAULT_TOTALS_MS) / 60_000) * 60_000;
	if (since >= until) throw new FerryError("invalid_request", "invalid query: since must be before until");
	const rows = await c.var.db
		.select({ id: scripts.id, name: scripts.name })
		.from(scripts)
		.where(and(eq(scripts.tenantId, c.var.tenant.id), isNull(scripts.deletedAt)))
		.orderBy(asc(scripts.name));
	const totals =
		rows.length > 0
			? await telemetryOf(c.env.TELEMETRY).totals(
					rows.map((row) => row.id),
					since,
					until,
				)
			: {};
	const answer: MetricsTotalsAnswer = {
		since: iso(since),
		until: iso(until),
		scripts: rows.map((row) => ({ script: row.name, ...(totals[row.id] ?? { requests: 0, errors: 0 }) })),
	};
	return c.json(answer);
});
