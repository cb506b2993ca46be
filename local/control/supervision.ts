/**
 * The control surface the supervisor (local/supervisor/, in Node) drives the control Worker with:
 * JSON over HTTP on this entrypoint's own loopback socket, each call carrying the token the platform
 * passed in SUPERVISOR_TOKEN. It sets which side of each slot serves, takes a wedged slot down (and
 * answers what was in flight there), holds, isolates and releases suspects, reports what is still in
 * flight on a side being drained, forwards a quarantine to the API, and runs the minute tick of cron
 * triggers (./cron.ts): for the current minute only, or for any minute when the platform was started
 * with its test clock (FERRY_TEST_CLOCK), so tests drive time forward instead of waiting for it.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { log } from "../../workers/shared/log";
import { QUARANTINE_REASONS, type QuarantineApi } from "../../workers/shared/runtime/quarantine";
import { startOfMinute } from "../../workers/shared/schedules/cron";
import { SIDES, SUPERVISOR_TOKEN_HEADER } from "./bindings";
import { runMinute } from "./cron";
import { preloadRoutes } from "./route-preload";
import { inFlight, probes, slots } from "./state";

/** How long suspects stay held if the supervisor never decides about them. */
const HOLD_MS = 10_000;
/** How far from now a minute tick may be without the test clock: the supervisor's own call is late by a second or so. */
const TICK_SLACK_MS = 90_000;

const side = z.enum(SIDES);
const labels = z.object({ labels: z.array(z.string().max(253)).max(10_000) });
const slot = z.object({ slot: z.coerce.number().int().min(0).max(63) });
const json = <T extends z.ZodType>(schema: T) =>
	zValidator("json", schema, (result) => {
		if (!result.success) throw new Error(`invalid supervisor call: ${z.prettifyError(result.error)}`);
	});

const app = new Hono<{ Bindings: ControlEnv }>()
	.use(async (c, next) => {
		if (c.req.header(SUPERVISOR_TOKEN_HEADER) !== c.env.SUPERVISOR_TOKEN) return c.json({ error: "forbidden" }, 403);
		await next();
	})
	.get("/state", (c) => c.json({ ...slots.state(), probe: probes.side }))
	.put("/config", json(z.object({ runtimes: z.number().int().min(1).max(32), isolations: z.number().int().min(0).max(32) })), (c) => {
		const { runtimes, isolations } = c.req.valid("json");
		slots.configure(runtimes, isolations);
		return c.json({ ok: true });
	})
	.put("/slots/:slot", zValidator("param", slot), json(z.object({ side: side.nullable() })), (c) => {
		const { slot: index } = c.req.valid("param");
		const { side: live } = c.req.valid("json");
		slots.setLive(index, live);
		// The process starts with its route table, loaded in the background: until it is, a first
		// request reads its route as before (./route-preload.ts).
		if (live !== null)
			c.executionCtx.waitUntil(
				preloadRoutes(c.env, index, live).catch((error: unknown) =>
					log.warn("could not load a runtime process's route table", { slot: index, side: live, error }),
				),
			);
		return c.json({ ok: true });
	})
	// The slot is wedged: nothing more goes there, and what was in flight is held until the supervisor decides.
	.post("/slots/:slot/down", zValidator("param", slot), (c) => {
		const before = slots.setLive(c.req.valid("param").slot, null);
		const requests = before ? inFlight.take(before.index) : [];
		slots.hold(
			requests.map((request) => request.label),
			Date.now() + HOLD_MS,
		);
		return c.json({ inFlight: requests });
	})
	.get("/slots/:slot/:side/in-flight", zValidator("param", slot.extend({ side })), (c) => {
		const { slot, side } = c.req.valid("param");
		const channel = slots.channel(slot, side);
		return c.json({ count: channel ? inFlight.count(channel.index) : 0 });
	})
	.post("/suspects/release", json(labels), (c) => {
		slots.release(c.req.valid("json").labels);
		return c.json({ ok: true });
	})
	.post(
		"/suspects/isolate",
		json(z.object({ placed: z.array(z.object({ label: z.string(), slot: z.number().int() })), until: z.number() })),
		(c) => {
			const { placed, until } = c.req.valid("json");
			slots.isolate(placed, until);
			return c.json({ ok: true });
		},
	)
	.post("/suspects/restore", json(labels), (c) => {
		slots.restore(c.req.valid("json").labels);
		return c.json({ ok: true });
	})
	.post("/quarantine", json(z.object({ label: z.string().min(1), reason: z.enum(QUARANTINE_REASONS) })), async (c) => {
		const answer = await (c.env.QUARANTINE as unknown as QuarantineApi).quarantine(c.req.valid("json"));
		return c.json({ quarantined: answer });
	})
	.post("/minute", json(z.object({ at: z.number().int() })), async (c) => {
		const { at } = c.req.valid("json");
		const testClock = (c.env as { FERRY_TEST_CLOCK?: string }).FERRY_TEST_CLOCK === "1";
		if (!testClock && Math.abs(at - Date.now()) > TICK_SLACK_MS) return c.json({ error: "only the current minute" }, 403);
		const runs = await runMinute(c.env, startOfMinute(at));
		// The API's monthly budget check (workers/api/src/budgets/), at the same minutes as production's cron.
		await (c.env.API as unknown as { checkBudgets(now: number): Promise<string[]> }).checkBudgets(at);
		return c.json({ runs });
	})
	.put("/probe", json(z.object({ side: side.nullable() })), (c) => {
		probes.setLive(c.req.valid("json").side);
		return c.json({ ok: true });
	})
	.get("/probe/:side/in-flight", zValidator("param", z.object({ side })), (c) =>
		c.json({ count: probes.count(c.req.valid("param").side) }),
	);

export class Supervision extends WorkerEntrypoint<ControlEnv> {
	override fetch(request: Request): Response | Promise<Response> {
		return app.fetch(request, this.env, this.ctx);
	}
}
