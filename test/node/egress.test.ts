/** The local platform's way out for tenant subrequests (local/egress.ts): names checked by what they resolve to. */
import { describe, expect, it } from "vitest";
import { checkedLookup, egressOutbound, PrivateAddressError, parseHosts, type ResolvedAddress, withHosts } from "../../local/egress.ts";

/** The lookup's answer for `hostname`, as the connection would get it. */
const lookUp = (lookup: ReturnType<typeof checkedLookup>, hostname: string, all = true) =>
	new Promise<{ error: Error | null; addresses: unknown }>((resolve) =>
		lookup(hostname, { all }, (error, addresses) => resolve({ error, addresses: error ? undefined : addresses })),
	);

describe("checkedLookup", () => {
	it("refuses a name when any of its addresses is loopback, private or link-local", async () => {
		const answers: Record<string, ResolvedAddress[]> = {
			"public.test": [{ address: "93.184.215.14", family: 4 }],
			"mixed.test": [
				{ address: "93.184.215.14", family: 4 },
				{ address: "10.0.0.7", family: 4 },
			],
			"mapped.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
			"metadata.test": [{ address: "169.254.169.254", family: 4 }],
		};
		const lookup = checkedLookup(async (hostname) => answers[hostname]!);
		expect(await lookUp(lookup, "public.test")).toEqual({ error: null, addresses: answers["public.test"] });
		for (const hostname of ["mixed.test", "mapped.test", "metadata.test"]) {
			const { error } = await lookUp(lookup, hostname);
			expect(error).toBeInstanceOf(PrivateAddressError);
		}
	});

	it("checks every resolution the connection makes: a name that rebinds to loopback is refused the second time", async () => {
		let calls = 0;
		const lookup = checkedLookup(async () => [
			calls++ === 0 ? { address: "93.184.215.14", family: 4 } : { address: "127.0.0.1", family: 4 },
		]);
		expect((await lookUp(lookup, "rebind.test", false)).error).toBeNull();
		expect((await lookUp(lookup, "rebind.test", false)).error).toMatchObject({ name: "PrivateAddressError", address: "127.0.0.1" });
	});
});

describe("egressOutbound", () => {
	it("answers the gate's denial for a private literal, and for a name resolving to one, without connecting", async () => {
		const outbound = egressOutbound(withHosts({ "internal.test": "127.0.0.1" }, async () => []));
		for (const url of ["http://127.0.0.1:8080/", "http://[::1]:8080/", "http://internal.test:8080/"]) {
			const res = await outbound(new Request(url));
			expect(res.status).toBe(403);
			expect(res.headers.get("x-ferry-egress-denied")).toBe("private_address");
		}
	});
});

describe("test hosts", () => {
	it("reads name=address pairs and answers them before DNS", async () => {
		expect(parseHosts(" A.test=127.0.0.1, b.test = ::1 ,bad,")).toEqual({ "a.test": "127.0.0.1", "b.test": "::1" });
		const resolve = withHosts({ "a.test": "::1" }, async () => [{ address: "1.1.1.1", family: 4 }]);
		expect(await resolve("A.test")).toEqual([{ address: "::1", family: 6 }]);
		expect(await resolve("other.test")).toEqual([{ address: "1.1.1.1", family: 4 }]);
	});
});
