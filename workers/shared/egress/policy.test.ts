import { describe, expect, it } from "vitest";
import { isPrivateHost } from "./addresses";
import { allowListEntryProblem, decideEgress, hostAllowed } from "./policy";

const hostname = (url: string) => new URL(url).hostname;

describe("isPrivateHost", () => {
	it("recognises loopback, private, link-local and special ranges in every spelling the URL parser normalises", () => {
		const urls = [
			"http://127.0.0.1/",
			"http://127.1/",
			"http://0x7f.1/",
			"http://2130706433/",
			"http://0/",
			"http://localhost/",
			"http://api.localhost/",
			"http://10.0.0.1/",
			"http://172.16.5.4/",
			"http://172.31.255.255/",
			"http://192.168.1.1/",
			"http://169.254.169.254/",
			"http://100.64.0.1/",
			"http://224.0.0.1/",
			"http://255.255.255.255/",
			"http://[::1]/",
			"http://[::]/",
			"http://[::ffff:127.0.0.1]/",
			"http://[::ffff:10.0.0.1]/",
			"http://[fc00::1]/",
			"http://[fd12:3456::1]/",
			"http://[fe80::1]/",
			"http://[ff02::1]/",
			"http://[64:ff9b::a00:1]/",
			"http://localhost./",
		];
		expect(urls.filter((url) => !isPrivateHost(hostname(url)))).toEqual([]);
	});

	it("leaves public names and addresses alone", () => {
		const urls = [
			"https://example.com/",
			"http://1.1.1.1/",
			"http://172.32.0.1/",
			"http://8.8.8.8/",
			"http://[2606:4700:4700::1111]/",
			"http://[::ffff:1.1.1.1]/",
			"https://localhost.example.com/",
		];
		expect(urls.filter((url) => isPrivateHost(hostname(url)))).toEqual([]);
	});
});

describe("decideEgress", () => {
	const list = ["api.example.com", "*.cdn.example.com", "1.1.1.1"];
	it("allows listed hosts, subdomains of wildcard entries, and nothing else", () => {
		const decide = (url: string) => decideEgress(new URL(url), list);
		expect(decide("https://api.example.com/x")).toEqual({ allow: true });
		expect(decide("https://api.example.com.:8443/x")).toEqual({ allow: true });
		expect(decide("https://a.b.cdn.example.com/")).toEqual({ allow: true });
		expect(decide("http://1.1.1.1/")).toEqual({ allow: true });
		expect(decide("https://cdn.example.com/")).toEqual({ allow: false, reason: "not_allowed" });
		expect(decide("https://evilcdn.example.com/")).toEqual({ allow: false, reason: "not_allowed" });
		expect(decide("https://example.com/")).toEqual({ allow: false, reason: "not_allowed" });
		expect(decide("ftp://api.example.com/")).toEqual({ allow: false, reason: "scheme" });
	});

	it("refuses private addresses even when listed", () => {
		expect(decideEgress(new URL("http://127.0.0.1/"), ["127.0.0.1"])).toEqual({ allow: false, reason: "private_address" });
		expect(decideEgress(new URL("http://localhost/"), ["localhost"])).toEqual({ allow: false, reason: "private_address" });
		expect(hostAllowed("x.evil.com", ["*.example.com"])).toBe(false);
	});
});

describe("allowListEntryProblem", () => {
	it("accepts names, wildcards and public literals", () => {
		for (const entry of ["api.example.com", "*.example.com", "xn--bcher-kva.example", "1.1.1.1", "[2606:4700:4700::1111]"])
			expect(allowListEntryProblem(entry), entry).toBeUndefined();
	});

	it("refuses private addresses, single labels, bad syntax and wildcard literals with a reason", () => {
		for (const entry of [
			"127.0.0.1",
			"localhost",
			"10.0.0.1",
			"[::1]",
			"*.localhost",
			"intranet",
			"Example.com",
			"-bad.example.com",
			"a..b",
			"*.1.1.1.1",
			"300.1.1.1",
			"https://x.com",
			"x.com/path",
			"",
		])
			expect(allowListEntryProblem(entry), entry).toBeTypeOf("string");
	});
});
