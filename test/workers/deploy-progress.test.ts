/** The opt-in streamed deploy answer: NDJSON state events, then the plain answer's body. */
import { describe, expect, it } from "vitest";
import { api, hello, json, newTenant, uniqueName, uploadForm, visit } from "./platform";

const streamedDeploy = (token: string, name: string, source: string, accept = "application/x-ndjson") =>
	api(`/v1/scripts/${name}`, {
		method: "PUT",
		token,
		headers: { accept },
		body: uploadForm([{ name: "index.js", content: source }], { main_module: "index.js", compatibility_date: "2026-11-01" }),
	});

// biome-ignore lint/suspicious/noExplicitAny: progress lines are asserted field by field
async function lines(res: Response): Promise<any[]> {
	// workerd warns on .text() of a body not typed text/*; the bytes are UTF-8 JSON lines.
	const text = new TextDecoder().decode(await res.arrayBuffer());
	expect(text.endsWith("\n")).toBe(true);
	return text
		.trimEnd()
		.split("\n")
		.map((line) => JSON.parse(line));
}

describe("streamed deploy progress", () => {
	it("streams each state event, then the same body as the plain answer", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await streamedDeploy(t.token, name, hello("streamed"));
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("application/x-ndjson");
		const all = await lines(res);
		const final = all.at(-1);
		const events = all.slice(0, -1).map((l) => l.event);
		expect(events.map((e) => [e.from, e.to])).toEqual([
			[null, "Queued"],
			["Queued", "Built"],
			["Built", "Loaded"],
			["Loaded", "Deployed"],
		]);
		expect(new Set(events.map((e) => e.deployment_id))).toEqual(new Set([final.deployment.id]));
		// The streamed events are the stored ones, timestamps included.
		expect(final.deployment.events).toEqual(events.map(({ deployment_id, ...e }) => e));
		const stored = await json(await api(`/v1/deployments/${final.deployment.id}`, { token: t.token }));
		expect(stored.deployment).toEqual(final.deployment);
		expect(final).toMatchObject({ deployment: { state: "Deployed", live: true }, url: `http://${name}.localhost:8787/` });
		expect(await (await visit(`${name}.localhost`)).text()).toBe("streamed");
	});

	it("ends a failed deployment with its Error event and a deployment_failed line", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await streamedDeploy(t.token, name, hello("live")).then(lines);
		const res = await streamedDeploy(
			t.token,
			name,
			"throw new Error('boom at startup');\nexport default {};",
			"application/json, application/x-ndjson",
		);
		expect(res.status).toBe(200);
		const all = await lines(res);
		const final = all.at(-1);
		expect(all.slice(0, -1).map((l) => l.event.to)).toEqual(["Queued", "Built", "Error"]);
		expect(all.at(-2).event.message).toContain("boom at startup");
		expect(final.error.code).toBe("deployment_failed");
		expect(final.deployment).toMatchObject({ state: "Error", error: { stage: "load" } });
		expect(await (await visit(`${name}.localhost`)).text()).toBe("live");
	});

	it("answers refusals before the deployment exists with their own status, not a stream", async () => {
		const [owner, other] = [await newTenant(), await newTenant()];
		const name = uniqueName();
		await streamedDeploy(owner.token, name, hello("mine")).then(lines);
		const taken = await streamedDeploy(other.token, name, hello("theirs"));
		expect(taken.status).toBe(409);
		expect((await json(taken)).error.code).toBe("name_taken");
		const reserved = await streamedDeploy(owner.token, "api", hello("x"));
		expect(reserved.status).toBe(400);
		expect((await json(reserved)).error.code).toBe("invalid_script_name");
	});
});
