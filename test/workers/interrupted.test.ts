/**
 * No deployment left half-done: the API Worker's sweep (its cron in production, its failInterrupted
 * method at every local start) ends deployments left in progress, and touches nothing else.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDeployment, INTERRUPTED_AFTER_MS, transition } from "../../workers/api/src/deploy/store";
import { openDatabase } from "../../workers/shared/db";
import type { DeploymentState } from "../../workers/shared/deployments/states";
import { newId } from "../../workers/shared/ids";
import { api, deploy, hello, json, newTenant, uniqueName, visit } from "./platform";

/** The API Worker as its cron and the local platform reach it: its scheduled handler and its RPC method. */
const apiWorker = exports.default as unknown as {
	scheduled(options: { scheduledTime: Date; cron: string }): Promise<unknown>;
	failInterrupted(updatedBefore: number): Promise<number>;
};

/** A script with a live deployment, and a way to leave further deployments of it at a state as of a time. */
async function scriptWithLive() {
	const t = await newTenant();
	const name = uniqueName();
	const live = (await json(await deploy(t.token, name, hello("live")))).deployment;
	const { script_id: scriptId } = (await env.DB.prepare("SELECT script_id FROM deployments WHERE id = ?")
		.bind(live.id)
		.first<{ script_id: string }>())!;
	const db = openDatabase(env.DB);
	const leftAt = async (state: Extract<DeploymentState, "Queued" | "Built" | "Loaded">, at: number) => {
		const id = newId();
		await createDeployment(db, { id, scriptId, tenantId: t.id, artifactSha256: live.artifact_sha256, sizeBytes: 1 }, at);
		if (state !== "Queued") await transition(db, id, "Queued", "Built", {}, at);
		if (state === "Loaded") await transition(db, id, "Built", "Loaded", {}, at);
		return id;
	};
	const view = async (id: string) => (await json(await api(`/v1/deployments/${id}`, { token: t.token }))).deployment;
	return { t, name, live, leftAt, view };
}

describe("the interrupted-deployment sweep", () => {
	it("on its cron, ends what is in progress past the deadline at the stage it was in, and nothing else", async () => {
		const { t, name, live, leftAt, view } = await scriptWithLive();
		const stale = Date.now() - INTERRUPTED_AFTER_MS - 5_000;
		const [queued, built, loaded, young] = [
			await leftAt("Queued", stale),
			await leftAt("Built", stale),
			await leftAt("Loaded", stale),
			await leftAt("Built", Date.now()),
		];
		await apiWorker.scheduled({ scheduledTime: new Date(), cron: "* * * * *" });

		for (const [id, stage, from] of [
			[queued, "build", "Queued"],
			[built, "load", "Built"],
			[loaded, "deploy", "Loaded"],
		] as const) {
			const d = await view(id);
			expect(d).toMatchObject({
				state: "Error",
				live: false,
				error: { stage, message: expect.stringMatching(`^interrupted at ${stage}`) },
			});
			expect(d.events.at(-1)).toMatchObject({ from, to: "Error", message: d.error.message });
		}
		// Younger than the deadline: still in progress, as far as anyone can tell.
		expect((await view(young)).state).toBe("Built");
		// The live deployment was never in question; the route points at it, a Deployed deployment.
		expect(await view(live.id)).toMatchObject({ state: "Deployed", live: true, events: live.events });
		expect(await (await visit(`${name}.localhost`)).text()).toBe("live");
		const script = await json(await api(`/v1/scripts/${name}`, { token: t.token }));
		expect(script.script.live_deployment_id).toBe(live.id);
	});

	it("at a local start, ends everything last moved before the start", async () => {
		const { live, leftAt, view } = await scriptWithLive();
		const before = await leftAt("Built", Date.now() - 1_000);
		const startedAt = Date.now();
		const after = await leftAt("Queued", startedAt + 1);
		expect(await apiWorker.failInterrupted(startedAt)).toBeGreaterThanOrEqual(1);
		expect(await view(before)).toMatchObject({ state: "Error", error: { stage: "load" } });
		expect((await view(after)).state).toBe("Queued");
		expect((await view(live.id)).state).toBe("Deployed");
		// Ended once: a second sweep finds nothing more of these to end.
		await apiWorker.failInterrupted(startedAt);
		expect((await view(before)).events.filter((e: { to: string }) => e.to === "Error")).toHaveLength(1);
	});
});
