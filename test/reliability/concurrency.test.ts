/**
 * Concurrent deploys, rollbacks and deletes of one script, over real HTTP against the real platform:
 * whatever order they land in, every call answers with one of its documented outcomes (never a
 * 5xx), nothing is left in progress, and the end is coherent: the live route points at a Deployed
 * deployment of the script that now holds the name, which the hostname serves, or nowhere after a
 * delete; a deleted script's deployments are all Deleted and their previews gone.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DeploymentView } from "../../workers/api/src/views.ts";
import { type DevServer, startDevServer } from "../e2e/dev-server.ts";
import { ADMIN, client, hello } from "./support.ts";

let dev: DevServer;
const platform = client(() => dev);

beforeAll(async () => {
	dev = await startDevServer({ adminToken: ADMIN });
});
afterAll(() => dev?.stop());

/** Rounds of 4 deploys, 3 rollbacks and a delete at once (RACE_ROUNDS=… runs more, to hunt a rare race). */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 3);
const NAME = "contended";

it("ends every race of deploys, rollbacks and deletes of one script in a coherent state", async () => {
	const { token } = await platform.newTenant("races");
	/** Each deployment a deploy answered with, by id: the text its code answers. */
	const answers = new Map<string, string>();
	const deployOne = async (text: string) => {
		const res = await platform.deploy(token, NAME, hello(text));
		const body = (await res.json()) as { deployment?: { id: string } };
		if (body.deployment) answers.set(body.deployment.id, text);
		return res.status;
	};
	await deployOne("seed");

	for (let round = 0; round < ROUNDS; round++) {
		const ops = [
			...Array.from({ length: 4 }, (_, i) => ["deploy", () => deployOne(`r${round}-d${i}`)] as const),
			...Array.from(
				{ length: 3 },
				() => ["rollback", async () => (await platform.call("POST", `/v1/scripts/${NAME}/rollback`, { token })).status] as const,
			),
			["delete", async () => (await platform.call("DELETE", `/v1/scripts/${NAME}`, { token })).status] as const,
		];
		const statuses = await Promise.all(ops.map(async ([op, run]) => [op, await run()] as const));
		for (const [op, status] of statuses) {
			// deploy: Deployed, or 409 when a delete took the script away mid-upload; rollback: 404 after a
			// delete, 409 with nothing to go back to or when the script changed under it; delete: 404 when gone.
			const allowed = { deploy: [200, 409], rollback: [200, 404, 409], delete: [200, 404] }[op];
			expect(allowed, `${op} answered ${status}`).toContain(status);
		}
		await expectCoherent(token, answers);
	}
}, 120_000);

async function expectCoherent(token: string, answers: Map<string, string>) {
	const live = await platform.live(token, NAME);
	const history = await platform.deployments(token, NAME);
	// Nothing left in progress, whoever won.
	expect(history.filter((d) => ["Queued", "Built", "Loaded"].includes(d.state))).toEqual([]);
	if (live === null) {
		// The name has no live route: nothing serves it.
		expect(await platform.visit(NAME)).toBe("404");
	} else {
		const target = history.find((d) => d.id === live);
		expect(target, "the live route points at a deployment of the script holding the name").toBeDefined();
		expect(target).toMatchObject({ state: "Deployed", live: true });
		expect(await platform.visit(NAME)).toBe(answers.get(live));
	}
	// Every deployment ever answered: Deployed ones of the current script serve their preview; all
	// others (of a deleted script, failed) are not Deployed and their previews are gone.
	const current = new Set(history.map((d) => d.id));
	for (const [id, text] of answers) {
		const d = (await (await platform.call("GET", `/v1/deployments/${id}`, { token })).json()) as { deployment: DeploymentView };
		const preview = await platform.visit(`${id}--${NAME}`);
		if (!current.has(id)) expect(d.deployment.state).toBe("Deleted");
		if (d.deployment.state === "Deployed") expect(preview).toBe(text);
		else expect(preview).toBe("404");
	}
}
