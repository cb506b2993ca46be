/**
 * A tenant's events (deploys, rollbacks, deletes), kept by the telemetry Worker, read through
 * `GET /v1/events` as a list and live.
 */
import { describe, expect, it } from "vitest";
import { readEvents } from "../../workers/shared/http/sse";
import { api, deploy, hello, json, newTenant, uniqueName } from "./platform";

const events = (token: string, query = "") => api(`/v1/events${query}`, { token });

async function listed(token: string, count: number, query = "") {
	let page: {
		events: { type: string; script: string; deployment_id: string | null; detail: Record<string, unknown> }[];
		cursor: string | null;
	} = { events: [], cursor: null };
	await expect
		.poll(async () => {
			page = await json(await events(token, query));
			return page.events.length;
		})
		.toBeGreaterThanOrEqual(count);
	return page;
}

describe("GET /v1/events", () => {
	it("lists the tenant's deploys, failed deploys, rollbacks and deletes, newest first, with filters and a cursor", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const v1 = (await json(await deploy(t.token, name, hello("v1")))).deployment.id;
		const v2 = (await json(await deploy(t.token, name, hello("v2")))).deployment.id;
		expect((await deploy(t.token, name, "export default {")).status).toBe(422);
		const rollback = await api(`/v1/scripts/${name}/rollback`, {
			method: "POST",
			token: t.token,
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(rollback.status).toBe(200);
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);

		const page = await listed(t.token, 5);
		expect(page.events.map((event) => [event.type, event.deployment_id])).toEqual([
			["delete", null],
			["rollback", v1],
			["deploy_failed", expect.any(String)],
			["deploy", v2],
			["deploy", v1],
		]);
		expect(page.events[1]!.detail).toEqual({ previous_deployment_id: v2 });
		expect(page.events[2]!.detail).toMatchObject({ stage: "load" });
		expect(page.events.every((event) => event.script === name)).toBe(true);

		expect((await json(await events(t.token, "?type=deploy"))).events).toHaveLength(2);
		expect((await json(await events(t.token, `?script=${uniqueName()}`))).events).toHaveLength(0);
		const first = await json(await events(t.token, "?limit=3"));
		const rest = await json(await events(t.token, `?limit=3&cursor=${first.cursor}`));
		expect(rest.events.map((event: { type: string }) => event.type)).toEqual(["deploy", "deploy"]);
		expect(rest.cursor).toBeNull();

		// Another tenant sees none of it.
		const other = await newTenant();
		expect((await json(await events(other.token))).events).toEqual([]);
	});

	it("tells of secrets set and deleted by name, never their values", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, hello("x"));
		const put = await api(`/v1/scripts/${name}/secrets`, {
			method: "PUT",
			token: t.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ name: "API_KEY", text: "very-secret-value" }),
		});
		expect(put.status).toBe(200);
		expect((await api(`/v1/scripts/${name}/secrets/API_KEY`, { method: "DELETE", token: t.token })).status).toBe(200);
		const page = await listed(t.token, 1, "?type=secret_delete");
		expect(page.events[0]).toMatchObject({ type: "secret_delete", script: name, detail: { name: "API_KEY" } });
		const all = await listed(t.token, 3, `?script=${name}`);
		expect(all.events.map((event) => event.type)).toContain("secret_put");
		expect(JSON.stringify(all)).not.toContain("very-secret-value");
	});

	it("streams events live to a client that asks for text/event-stream", async () => {
		const t = await newTenant();
		const res = await api("/v1/events?type=deploy", { token: t.token, headers: { accept: "text/event-stream" } });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/event-stream");
		const stream = readEvents(res.body!);
		expect((await stream.next()).value?.event).toBe("ready");
		const name = uniqueName();
		const id = (await json(await deploy(t.token, name, hello("live")))).deployment.id;
		const { value } = await stream.next();
		expect(value?.event).toBe("event");
		expect(JSON.parse(value!.data)).toMatchObject({ type: "deploy", script: name, deployment_id: id });
		await stream.return(undefined);
	});

	it("answers 400 naming a bad parameter", async () => {
		const t = await newTenant();
		for (const [query, parameter] of [
			["?type=explode", "type"],
			["?script=NO!", "script"],
			["?cursor=c1", "cursor"],
			["?limit=0", "limit"],
			["?since=later", "since"],
			["?colour=red", "colour"],
		]) {
			const res = await events(t.token, query);
			expect(res.status, query).toBe(400);
			expect((await json(res)).error.message, query).toContain(parameter);
		}
	});
});
