import { describe, expect, it } from "vitest";
import { hostOf, isLoopbackClientV4, labelUrl, platformHostOf, routeLabel } from "./hosts";

describe("routeLabel", () => {
	it.each([
		["hello.localhost:8787", "hello"],
		["HELLO.localhost", "hello"],
		["abc123--hello.localhost:8787", "abc123--hello"],
		["hello.example.com.", "hello"],
	])("%s → %s", (host, label) => {
		const domain = host.includes("example") ? "example.com" : "localhost";
		expect(routeLabel(host, domain)).toBe(label);
	});

	it.each(["localhost:8787", "a.b.localhost", "hello.other.test", ".localhost", "", "[::1]:8787"])("%j is not a route", (host) => {
		expect(routeLabel(host, "localhost")).toBeUndefined();
	});

	it("reads labels under the tenant domain only, when it is not the platform's", () => {
		expect(routeLabel("hello.apps.localhost:8787", "apps.localhost")).toBe("hello");
		expect(routeLabel("abc123--hello.ferry-apps.net", "ferry-apps.net")).toBe("abc123--hello");
		// The platform's own hosts on its own domain are none of the dispatcher's.
		expect(routeLabel("api.localhost:8787", "apps.localhost")).toBeUndefined();
		expect(routeLabel("api.ferry.dev", "ferry-apps.net")).toBeUndefined();
		expect(routeLabel("hello.localhost", "apps.localhost")).toBeUndefined();
		expect(labelUrl("hello", "ferry-apps.net", new URL("https://api.ferry.dev/v1"))).toBe("https://hello.ferry-apps.net/");
	});

	it("builds URLs on the caller's scheme and port", () => {
		expect(labelUrl("hello", "localhost", new URL("http://api.localhost:8787/v1"))).toBe("http://hello.localhost:8787/");
		expect(labelUrl("hello", "ferry.dev", new URL("https://api.ferry.dev/v1"))).toBe("https://hello.ferry.dev/");
	});

	it("reads the host of a URL string", () => {
		expect(hostOf("http://hello.localhost:8787/a/b?c")).toBe("hello.localhost:8787");
		expect(hostOf("https://x.ferry.dev")).toBe("x.ferry.dev");
	});
});

describe("platformHostOf", () => {
	it("names the platform's own hosts under the platform domain only", () => {
		expect(platformHostOf("api.localhost:8787", "localhost")).toBe("api");
		expect(platformHostOf("DASH.ferry.dev", "ferry.dev")).toBe("dash");
		expect(platformHostOf("api.apps.localhost", "ferry.localhost")).toBeUndefined();
		expect(platformHostOf("hello.localhost", "localhost")).toBeUndefined();
		expect(platformHostOf("api.x.localhost", "localhost")).toBeUndefined();
		expect(platformHostOf(null, "localhost")).toBeUndefined();
	});
});

describe("isLoopbackClientV4", () => {
	it.each([
		["localhost:8787", "http://localhost:8787/client/v4/accounts"],
		["127.0.0.1:8787", "http://127.0.0.1:8787/client/v4"],
		["[::1]:8787", "http://[::1]:8787/client/v4?x=1"],
		["localhost", "http://localhost/client/v4/user/tokens/verify"],
	])("%s %s reaches the API", (host, url) => {
		expect(isLoopbackClientV4(host, url)).toBe(true);
	});

	it.each([
		["hello.localhost:8787", "http://hello.localhost:8787/client/v4/accounts"],
		["localhost:8787", "http://localhost:8787/"],
		["localhost:8787", "http://localhost:8787/client/v44"],
		["localhost.example.com", "http://localhost.example.com/client/v4"],
		["127.0.0.2:8787", "http://127.0.0.2:8787/client/v4"],
	])("%s %s does not", (host, url) => {
		expect(isLoopbackClientV4(host, url)).toBe(false);
	});
});
