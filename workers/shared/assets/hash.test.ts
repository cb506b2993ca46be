import { describe, expect, it } from "vitest";
import { assetHashOfBase64, extensionOf } from "./hash";

const base64 = (text: string) => btoa(text);

describe("asset hash", () => {
	it("is wrangler's: blake3 of the base64 text and the extension, 16 bytes in hex (values from wrangler's blake3-wasm)", () => {
		expect(assetHashOfBase64(base64("hello"), "/index.html")).toBe("a2b82584e50075886b08927390f2f573");
		expect(assetHashOfBase64(base64("x"), "/a.tar.gz")).toBe("5ff97cea8ec5a5f41c0d36ee3bed6eea");
		expect(assetHashOfBase64(base64("s"), "/.env")).toBe("2c9175874f68e4ab20893c41ede0aa05");
		expect(assetHashOfBase64(base64("r"), "/README")).toBe("924aeaf0b4f807efdf019ac6854aab2f");
	});

	it("takes the extension as Node's path.extname does", () => {
		expect(["/a.b.c", "/.x", "/a.", "/x/..a", "/a", "/é.HTML", "/dir.d/file"].map(extensionOf)).toEqual(["c", "", "", "a", "", "HTML", ""]);
	});
});
