import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { expiredPlatformCookie, platformCookie, readPlatformCookie } from "./cookies";

const attributes = (header: string) => header.split("; ").slice(1).sort();

describe("platform cookies", () => {
	it("are __Host- cookies: Secure, Path=/, no Domain, HttpOnly and SameSite=Lax unless told otherwise", () => {
		const header = platformCookie("session", "abc");
		expect(header.startsWith("__Host-session=abc; ")).toBe(true);
		expect(attributes(header)).toEqual(["HttpOnly", "Path=/", "SameSite=Lax", "Secure"]);
		expect(header).not.toMatch(/domain=/i);
		expect(attributes(platformCookie("csrf", "x", { maxAge: 3600, sameSite: "Strict", scriptReadable: true }))).toEqual([
			"Max-Age=3600",
			"Path=/",
			"SameSite=Strict",
			"Secure",
		]);
		expect(expiredPlatformCookie("session")).toMatch(/^__Host-session=; Max-Age=0; /);
	});

	it("are read only under their prefix: an unprefixed cookie of the same name, as a sibling host could set, is ignored", async () => {
		const app = new Hono().get("/", (c) => c.json({ session: readPlatformCookie(c, "session") ?? null }));
		const read = async (cookie: string) => (await (await app.request("/", { headers: { cookie } })).json()) as { session: string | null };
		expect(await read("__Host-session=mine")).toEqual({ session: "mine" });
		expect(await read("session=planted")).toEqual({ session: null });
		expect(await read("session=planted; __Host-session=mine")).toEqual({ session: "mine" });
	});
});
