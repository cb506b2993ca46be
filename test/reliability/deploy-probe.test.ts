/**
 * A deploy whose top level never finishes (issue 17.2): the Loaded probe runs in the probe process,
 * so the API answers throughout; the deploy answers the JSON error at the load stage within the
 * documented time; the live deployment keeps serving; a deploy beside it is not blamed.
 */
import { expect, it } from "vitest";
import { LIMITS } from "../../workers/shared/limits.ts";
import { get, hello, platformForFile, watch } from "./support.ts";

const platform = platformForFile();

const figure = (name: string, value: unknown) => console.log(`[figure] ${name}: ${JSON.stringify(value)}`);

const NEVER_FINISHES = "for (;;) {}\nexport default { fetch: () => new Response('never') };";
const ALLOCATES_FOREVER =
	"const kept = []; for (;;) kept.push(new Array(100000).fill(1));\nexport default { fetch: () => new Response('never') };";

async function failsAtLoad(source: string, kind: string) {
	const { dev } = platform();
	const tenant = await platform().tenant(`probe-${kind}`);
	const name = `probe-${kind}`;
	expect((await tenant.deploy(name, hello("v1"))).status).toBe(200);
	const api = watch(`${dev.api}/`);
	const started = Date.now();
	const res = await tenant.deploy(name, source);
	const took = Date.now() - started;
	const answers = await api.stop();
	expect(res.status).toBe(422);
	const body = (await res.json()) as { error: { code: string; message: string }; deployment: { state: string; error: { stage: string } } };
	expect(body.error.code).toBe("deployment_failed");
	expect(body.deployment).toMatchObject({ state: "Error", error: { stage: "load" } });
	expect(body.error.message).toMatch(/failed at the load stage: the code did not start.*its top level never finished/);
	expect(took).toBeLessThan(LIMITS.loadTimeoutMs);
	// The API answered throughout; v1 still serves.
	expect(answers.filter((a) => a.status !== 200)).toEqual([]);
	expect((await get(dev.at(name))).text).toBe("v1");
	figure(`${kind}: deploy → JSON error at load, ms`, took);
}

it("answers a deploy whose top level loops forever with the JSON error at the load stage; the live deployment keeps serving", async () => {
	await failsAtLoad(NEVER_FINISHES, "loop");
});

it("does the same for a top level that allocates until its process aborts", async () => {
	await failsAtLoad(ALLOCATES_FOREVER, "heap");
});

it("does not blame a deploy whose probe ran beside the one that never finished", async () => {
	const tenant = await platform().tenant("probe-pair");
	const culprit = tenant.deploy("probe-pair-bad", NEVER_FINISHES);
	// Built and not yet Loaded: its probe is running, and has the probe process stuck.
	await expect
		.poll(async () => (await tenant.api("/v1/scripts/probe-pair-bad/deployments")).deployments?.[0]?.state, {
			timeout: 10_000,
			interval: 20,
		})
		.toBe("Built");
	// This probe waits behind it on the same process, and is stopped with it; it is tried again alone.
	const innocent = await tenant.deploy("probe-pair-good", hello("good"));
	expect(innocent.status, await innocent.clone().text()).toBe(200);
	expect((await culprit).status).toBe(422);
	expect((await get(platform().dev.at("probe-pair-good"))).text).toBe("good");
});
