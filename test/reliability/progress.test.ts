/**
 * Progress that streams: with `Accept: application/x-ndjson`, each deploy event line reaches the
 * client when it is stored, over real HTTP from the real platform, not all at once at the end. The
 * tenant's top level takes a while (a counted loop, ~0.2 s here): the Loaded probe runs it, so the
 * Queued and Built lines must arrive before Loaded is stored.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ProgressLine } from "../../workers/api/src/views.ts";
import { type DevServer, startDevServer } from "../e2e/dev-server.ts";
import { ADMIN, client } from "./support.ts";

let dev: DevServer;
const platform = client(() => dev);

beforeAll(async () => {
	dev = await startDevServer({ adminToken: ADMIN });
});
afterAll(() => dev?.stop());

/** A top level that computes for a while before the module is ready (workerd's clock stands still in a loop, so it counts). */
const SLOW_TOP_LEVEL = 'let n = 0; for (let i = 0; i < 1e8; i++) n += i % 7;\nexport default { fetch: () => new Response("ready " + n) };';

it("sends each event line as it is stored: the first ones arrive before the deployment is Loaded", async () => {
	const { token } = await platform.newTenant("progress");
	const sent = Date.now();
	const res = await platform.deploy(token, "slow-start", SLOW_TOP_LEVEL, { accept: "application/x-ndjson" });
	expect(res.status).toBe(200);
	const lines: { arrived: number; line: ProgressLine | { deployment: { state: string } } }[] = [];
	let buffered = "";
	const decoder = new TextDecoder();
	for await (const chunk of res.body!) {
		const arrived = Date.now();
		buffered += decoder.decode(chunk, { stream: true });
		for (let newline = buffered.indexOf("\n"); newline !== -1; newline = buffered.indexOf("\n")) {
			lines.push({ arrived, line: JSON.parse(buffered.slice(0, newline)) });
			buffered = buffered.slice(newline + 1);
		}
	}
	const events = lines.flatMap(({ arrived, line }) => ("event" in line ? [{ arrived, ...line.event }] : []));
	expect(events.map((e) => e.to)).toEqual(["Queued", "Built", "Loaded", "Deployed"]);
	expect(lines.at(-1)!.line).toMatchObject({ deployment: { state: "Deployed" } });
	const [queued, built, loaded] = events as [(typeof events)[0], (typeof events)[0], (typeof events)[0]];
	// Stored before the probe ran the top level, so they were out before it finished.
	expect(queued.arrived).toBeLessThan(Date.parse(loaded.at));
	expect(built.arrived).toBeLessThan(Date.parse(loaded.at));
	// And every line left soon after it was stored (the clocks are this machine's).
	for (const e of events) expect(e.arrived - Date.parse(e.at)).toBeLessThan(Date.parse(loaded.at) - Date.parse(built.at));
	expect(queued.arrived - sent).toBeLessThan(lines.at(-1)!.arrived - sent);
});
