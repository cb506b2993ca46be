/**
 * No deployment left half-done: the real platform's process group is killed (SIGKILL: npm, node and
 * workerd at once) while deployments are at each point of a deploy, then started again on the same
 * state. Deployments are held at a state by the platform's test hook FERRY_TEST_DEPLOY_HOLD
 * (workers/api/src/deploy/test-hold.ts; no config defines it), which waits after the state is
 * stored, so each kill lands exactly there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../e2e/dev-server.ts";
import { ADMIN, client, hello } from "./support.ts";

const state = mkdtempSync(path.join(tmpdir(), "ferry-reliability-"));
let dev: DevServer | undefined;
const platform = client(() => dev!);
const start = async (env: Record<string, string> = {}) => {
	dev = await startDevServer({ adminToken: ADMIN, stateDir: state, env });
};

afterAll(async () => {
	await dev?.stop();
	rmSync(state, { recursive: true, force: true });
});

/** The scripts held at each state, and the stage each one's deployment was working on there. */
const HELD = { queued: ["Queued", "build"], built: ["Built", "load"], loaded: ["Loaded", "deploy"] } as const;

it("ends every deployment a kill interrupted in Error at its stage; the live routes point at Deployed deployments", async () => {
	await start();
	const { token } = await platform.newTenant("kill");
	const v1: Record<string, string> = {};
	for (const script of [...Object.keys(HELD), "done"]) {
		const res = await platform.deploy(token, script, hello(`${script} v1`));
		expect(res.status).toBe(200);
		v1[script] = ((await res.json()) as { deployment: { id: string } }).deployment.id;
	}
	await dev!.stop();

	await start({
		FERRY_TEST_DEPLOY_HOLD: Object.entries(HELD)
			.map(([script, [held]]) => `${held}:${script}`)
			.join(","),
	});
	// Deploys that will never answer: the platform dies under them.
	const inFlight = Object.keys(HELD).map((script) => platform.deploy(token, script, hello(`${script} v2`)).catch(() => "killed"));
	// An upload still arriving: half its body sent, the rest never.
	let firstHalfSent!: () => void;
	const sending = new Promise<void>((resolve) => (firstHalfSent = resolve));
	const halfSent = platform
		.call("PUT", "/v1/scripts/arriving", {
			token,
			headers: { "content-type": "multipart/form-data; boundary=x" },
			body: new ReadableStream<Uint8Array>({
				pull(controller) {
					controller.enqueue(new TextEncoder().encode(`--x\r\ncontent-disposition: form-data; name="metadata"\r\n\r\n{`));
					firstHalfSent();
					// …and never the rest: the next pull waits for good.
					return new Promise(() => {});
				},
			}),
		})
		.catch(() => "killed");
	await sending;
	for (const [script, [held]] of Object.entries(HELD))
		await expect.poll(async () => (await platform.deployments(token, script))[0]?.state, { timeout: 20_000 }).toBe(held);
	// One more that finished before the kill.
	expect((await platform.deploy(token, "done", hello("done v2"))).status).toBe(200);
	await dev!.kill();
	await Promise.all([...inFlight, halfSent]);

	await start();
	for (const [script, [held, stage]] of Object.entries(HELD)) {
		await expect.poll(async () => (await platform.deployments(token, script))[0]?.state, { timeout: 10_000 }).toBe("Error");
		const [v2] = await platform.deployments(token, script);
		expect(v2!.error).toEqual({ stage, message: expect.stringMatching(`^interrupted at ${stage}`) });
		expect(v2!.events.map((e) => [e.from, e.to])).toEqual([...pathTo(held), [held, "Error"]]);
		expect(await platform.live(token, script)).toBe(v1[script]);
		expect(await platform.visit(script)).toBe(`${script} v1`);
	}
	expect(await platform.visit("done")).toBe("done v2");
	// The upload that never arrived left nothing: no script, no deployment.
	expect(await platform.live(token, "arriving")).toBeNull();
	// Every live route points at a Deployed deployment of its script.
	for (const script of [...Object.keys(HELD), "done"]) {
		const live = await platform.live(token, script);
		const deployments = await platform.deployments(token, script);
		expect(deployments.find((d) => d.id === live)?.state).toBe("Deployed");
		expect(deployments.filter((d) => ["Queued", "Built", "Loaded"].includes(d.state))).toEqual([]);
	}
}, 120_000);

/** The transitions a deployment made to reach `state`. */
function pathTo(state: "Queued" | "Built" | "Loaded"): [string | null, string][] {
	const steps: [string | null, string][] = [
		[null, "Queued"],
		["Queued", "Built"],
		["Built", "Loaded"],
	];
	return steps.slice(0, ["Queued", "Built", "Loaded"].indexOf(state) + 1);
}
