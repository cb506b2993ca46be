import { describe, expect, it } from "vitest";
import { CgiResponseError, cgiResponse } from "./response";

const parse = (text: string) => cgiResponse(new TextEncoder().encode(text));

describe("cgiResponse", () => {
	it("reads a document response: headers, a blank line, the body", async () => {
		const res = parse("Content-Type: text/html\nX-One: 1\n\n<p>hi</p>\n\nmore");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/html");
		expect(res.headers.get("x-one")).toBe("1");
		expect(await res.text()).toBe("<p>hi</p>\n\nmore");
	});

	it("takes the status code from Status and ignores its reason phrase", () => {
		expect(parse("Status: 404 Not Found\nContent-Type: text/plain\n\n").status).toBe(404);
		expect(parse("Status: 503\n\n").status).toBe(503);
	});

	it("redirects with Location: 302 unless Status says otherwise", () => {
		const found = parse("Location: /next\n\n");
		expect(found.status).toBe(302);
		expect(found.headers.get("location")).toBe("/next");
		expect(parse("Status: 307\nLocation: /next\n\n").status).toBe(307);
	});

	it("accepts CRLF line ends and keeps repeated headers", async () => {
		const res = parse("Content-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nbody");
		expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
		expect(await res.text()).toBe("body");
	});

	it("drops the framing headers the platform sets itself", async () => {
		const res = parse("Content-Type: text/plain\nContent-Length: 999\nConnection: close\n\nshort");
		expect(res.headers.has("connection")).toBe(false);
		expect(await res.text()).toBe("short");
	});

	it("sends no body with a null-body status", async () => {
		const res = parse("Status: 304\n\nignored");
		expect(res.status).toBe(304);
		expect(res.body).toBeNull();
	});

	it.each([
		["empty output", "", "the module wrote nothing to stdout"],
		["headers without a blank line", "Content-Type: text/plain\n", "no blank line ends the CGI headers"],
		[
			"a header block over 64 KiB",
			`Content-Type: text/plain\nX-Big: ${"x".repeat(70 * 1024)}\n\nbody`,
			"no blank line ends the CGI headers",
		],
		["a body without headers", "\nbody without headers", "no Content-Type, Location or Status header"],
		["only custom headers", "X-Only: custom\n\nbody", "no Content-Type, Location or Status header"],
		["a line that is not a header", "hello world\n\n", 'not a header line: "hello world"'],
		["a folded header line", " Content-Type: text/plain\n\n", "not a header line"],
		["a status below 200", "Status: 99\n\n", 'Status "99" is not a status code from 200 to 599'],
		["a status above 599", "Status: 600 Too Much\n\n", "is not a status code from 200 to 599"],
		["a status that is not a number", "Status: ok\n\n", 'Status "ok" is not a status code'],
		["a NUL in a value", "Content-Type: text/plain\nX-Bad: a\u0000b\n\n", "header X-Bad has a value HTTP does not allow"],
	])("refuses %s", (_, output, message) => {
		expect(() => parse(output)).toThrow(CgiResponseError);
		expect(() => parse(output)).toThrow(message);
	});
});
