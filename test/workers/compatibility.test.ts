/**
 * The upload half of the compatibility table (workers/shared/compatibility/): the API refuses every
 * metadata field and binding type the table refuses, and any it does not list, with 400
 * `unsupported_config` naming it and pointing to docs/compatibility.md; it accepts what wrangler
 * sends for a plain project; typed vars are bounded like text ones. Nothing is created by a refusal.
 */
import { describe, expect, it } from "vitest";
import { BINDING_TYPES, type Row, UPLOAD_METADATA } from "../../workers/shared/compatibility";
import { LIMITS } from "../../workers/shared/limits";
import { api, deploy, hello, json, newTenant, uniqueName, visit } from "./platform";

/** The value Ferry refuses under a row: any value of a refused row, the refused example of one supported differently. */
function refusedExample(row: Row): { value: unknown } | undefined {
	if (row.support === "refused") return { value: row.example };
	if (row.support === "differently" && row.refuses) return { value: row.refuses.example };
	return undefined;
}

async function expectRefusal(res: Response, ...named: string[]) {
	expect(res.status).toBe(400);
	const body = await json(res);
	expect(body.error.code).toBe("unsupported_config");
	for (const name of named) expect(body.error.message).toContain(`'${name}'`);
	expect(body.error.message).toContain("docs/compatibility.md");
}

describe("the upload's metadata, field by field", () => {
	const refusedFields = Object.entries(UPLOAD_METADATA).flatMap(([field, row]) => {
		const example = refusedExample(row);
		return example ? [[field, example.value] as const] : [];
	});

	it.each(refusedFields)("refuses %s with 400 naming it, creating nothing", async (field, value) => {
		const t = await newTenant();
		const name = uniqueName("compat");
		await expectRefusal(await deploy(t.token, name, hello("x"), { [field]: value }), field);
		expect((await api(`/v1/scripts/${name}`, { token: t.token })).status).toBe(404);
	});

	it("refuses a field the table does not list", async () => {
		const t = await newTenant();
		await expectRefusal(
			await deploy(t.token, uniqueName("compat"), hello("x"), { compatibility_flag: ["nodejs_compat"] }),
			"compatibility_flag",
		);
	});

	it("accepts what wrangler sends for a plain project: keep_bindings of secrets, observability, package_dependencies", async () => {
		const t = await newTenant();
		const name = uniqueName("compat");
		const res = await deploy(t.token, name, hello("wrangler's"), {
			bindings: [],
			compatibility_flags: [],
			keep_bindings: ["secret_text", "secret_key"],
			observability: { enabled: true },
			package_dependencies: [{ name: "wrangler", packageJsonVersion: "^4.0.0", installedVersion: "4.164.0" }],
			keep_assets: false,
		});
		expect(res.status).toBe(200);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("wrangler's");
	});
});

describe("bindings, type by type", () => {
	const refusedTypes = Object.entries(BINDING_TYPES).flatMap(([type, row]) =>
		row.support === "refused" ? [[type, row.example] as const] : [],
	);

	it.each(refusedTypes)("refuses a %s binding with 400 naming the binding and its type", async (type, fields) => {
		const t = await newTenant();
		const binding = { ...(fields as object), type, name: "THE_BINDING" };
		await expectRefusal(await deploy(t.token, uniqueName("compat"), hello("x"), { bindings: [binding] }), "THE_BINDING", type);
	});

	it("refuses a binding type the table does not list", async () => {
		const t = await newTenant();
		await expectRefusal(
			await deploy(t.token, uniqueName("compat"), hello("x"), { bindings: [{ type: "telepathy", name: "MIND" }] }),
			"MIND",
			"telepathy",
		);
	});
});

describe("typed vars: bad input", () => {
	const refused = async (metadata: Record<string, unknown>, message: RegExp) => {
		const t = await newTenant();
		const res = await deploy(t.token, uniqueName("vars"), hello("x"), metadata);
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.error.code).toBe("invalid_metadata");
		expect(body.error.message).toMatch(message);
	};

	it("refuses a JSON var over the size limit, measured as its JSON text", async () => {
		const big = { list: Array.from({ length: LIMITS.varBytes }, (_, i) => i % 10) };
		await refused({ bindings: [{ type: "json", name: "BIG", json: big }] }, /var 'BIG' is \d+ bytes of JSON: a var is at most 5120 bytes/);
		await refused({ vars: { BIG: big } }, /var 'BIG' is \d+ bytes of JSON/);
	});

	it("refuses a json binding without json and a plain_text binding without text", async () => {
		await refused({ bindings: [{ type: "json", name: "J" }] }, /binding 'J': .*json/);
		await refused({ bindings: [{ type: "plain_text", name: "T", text: 3 }] }, /binding 'T': .*text/);
	});

	it("refuses the same var given twice (in vars and as a binding)", async () => {
		await refused({ vars: { MODE: "a" }, bindings: [{ type: "json", name: "MODE", json: 1 }] }, /binding 'MODE' is given twice/);
	});

	it("refuses var names that are not identifiers", async () => {
		await refused({ bindings: [{ type: "json", name: "not-an-identifier", json: 1 }] }, /identifiers/);
	});
});
