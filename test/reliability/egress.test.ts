/**
 * Egress by name is checked by address: a tenant's allow-listed wildcard that resolves to loopback
 * (DNS rebinding, or a name pointed at an internal host) is denied, on the real platform, and the
 * operator's service on that address never sees the request. The machine has no DNS, so the names
 * resolve through the platform's test hook FERRY_TEST_EGRESS_HOSTS (a hosts table consulted before
 * DNS by local/egress.ts, which does the check either way).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../e2e/dev-server.ts";
import { ADMIN, client } from "./support.ts";

let dev: DevServer;
let internal: Server;
let hits = 0;
const platform = client(() => dev);

beforeAll(async () => {
	// The operator's own service on this machine, which no tenant may reach.
	internal = createServer((_, res) => {
		hits++;
		res.end("internal secrets");
	});
	await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
	dev = await startDevServer({
		adminToken: ADMIN,
		env: { FERRY_TEST_EGRESS_HOSTS: "internal.rebind.test=127.0.0.1,metadata.rebind.test=169.254.169.254,v6.rebind.test=::1" },
	});
});
afterAll(async () => {
	await dev?.stop();
	internal?.close();
});

/** A script that fetches the URL it is given and says what came back. */
const FETCHER = `export default { async fetch(request) {
	const target = new URL(request.url).searchParams.get("url");
	try {
		const res = await fetch(target);
		return Response.json({ status: res.status, denied: res.headers.get("x-ferry-egress-denied"), body: await res.text() });
	} catch (error) {
		return Response.json({ threw: String(error) });
	}
} };`;

it("denies an allow-listed name that resolves to a loopback, link-local or private address, before connecting", async () => {
	const { id, token } = await platform.newTenant("rebind");
	const listed = await platform.call("PUT", `/v1/tenants/${id}/egress`, { token: ADMIN, json: { hosts: ["*.rebind.test"] } });
	expect(listed.status).toBe(200);
	expect((await platform.deploy(token, "fetcher", FETCHER)).status).toBe(200);
	const port = (internal.address() as AddressInfo).port;
	const through = async (url: string) => JSON.parse(await platform.visit("fetcher", `?url=${encodeURIComponent(url)}`));

	for (const [host, address] of [
		["internal.rebind.test", "127.0.0.1"],
		["metadata.rebind.test", "169.254.169.254"],
		["v6.rebind.test", "::1"],
	] as const) {
		const answer = await through(`http://${host}:${port}/`);
		expect(answer).toEqual({
			status: 403,
			denied: "private_address",
			body: `egress denied (private_address): ${host} resolves to ${address}, a local or private address\n`,
		});
	}
	// Not on the list: the gate says so before any lookup.
	expect((await through(`http://other.example:${port}/`)).denied).toBe("not_allowed");
	expect(hits).toBe(0);
});
