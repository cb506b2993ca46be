/**
 * Recycling (issue 19.1): workerd never frees a tenant isolate, so a runtime process that started
 * --recycle-after isolates is replaced: a fresh process on its slot's other ports, the edge switched
 * to it, the old one drained, then stopped. Here the threshold is tiny, so processes recycle over and
 * over under a concurrent load over many distinct scripts (and deploys, whose probes recycle the probe
 * process too): not one request may fail.
 */
import { expect, it } from "vitest";
import { type Answer, get, hello, platformForFile } from "./support.ts";

const RECYCLE_AFTER = 4;
const platform = platformForFile(["--recycle-after", String(RECYCLE_AFTER)]);

const figure = (name: string, value: unknown) => console.log(`[figure] ${name}: ${JSON.stringify(value)}`);

it("replaces runtime processes past the isolate threshold without failing a request under concurrent load", async () => {
	const { dev } = platform();
	const tenant = await platform().tenant("recycler");
	const scripts = Array.from({ length: 16 }, (_, i) => `recycle-${i}`);
	for (const script of scripts) expect((await tenant.deploy(script, hello(script))).status).toBe(200);

	const answers: Answer[] = [];
	const wrong: string[] = [];
	const recycledBefore = platform().linesWith("recycled after");
	let done = false;
	// 8 clients, each walking the scripts (each new to a fresh process: an isolate start), until
	// runtime processes have been recycled several times (or 60 s pass, and the assertion says so).
	const clients = Array.from({ length: 8 }, async (_, client) => {
		for (let n = client; !done; n++) {
			const script = scripts[n % scripts.length]!;
			const answer = await get(dev.at(script), 10_000);
			answers.push(answer);
			if (answer.status !== 200 || answer.text !== script) wrong.push(`${script}: ${answer.status} ${answer.text.slice(0, 80)}`);
		}
	});
	// Deploys meanwhile: their probes recycle the probe process too.
	const deploys = (async () => {
		for (let i = 0; !done; i++) {
			const res = await tenant.deploy(`recycle-deploy-${i % 4}`, hello(`deploy ${i}`));
			if (res.status !== 200) wrong.push(`deploy ${i}: ${res.status} ${(await res.text()).slice(0, 120)}`);
		}
	})();
	await expect
		.poll(() => platform().linesWith("recycled after") - recycledBefore, { timeout: 60_000, interval: 100 })
		.toBeGreaterThanOrEqual(6);
	done = true;
	await Promise.all([...clients, deploys]);
	expect(wrong).toEqual([]);
	expect(platform().linesWith("stopped answering") + platform().linesWith("exited")).toBe(0);
	figure("recycling: requests, recycles", { requests: answers.length, recycles: platform().linesWith("recycled after") - recycledBefore });
}, 120_000);
