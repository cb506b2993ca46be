/** Operator and tenant identity: tenants create, login/logout/whoami, tokens. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Cli, newTenant, platform, uniqueName } from "./support.ts";

const configFile = (cli: Cli) => path.join(cli.configHome, "ferry", "config.json");
const mode = (file: string) => statSync(file).mode & 0o777;

describe("tenants create (operator)", () => {
	it("creates a tenant with the admin token and shows its first token once", async () => {
		const name = uniqueName("acme");
		const operator = new Cli({ FERRY_ADMIN_TOKEN: platform().adminToken });
		const out = await operator.ok(["tenants", "create", name]);
		expect(out).toContain(`Created tenant ${name}`);
		const token = out.match(/ferry_[A-Za-z0-9_-]+/)?.[0];
		expect(token).toBeDefined();
		expect(await new Cli({ FERRY_API_TOKEN: token }).json(["whoami"])).toMatchObject({ tenant: { name } });
	});

	it("needs the admin token, and refuses a tenant token or a taken name", async () => {
		const missing = await new Cli().run(["tenants", "create", uniqueName("x")]);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toContain("this is an operator command: pass --admin-token or set FERRY_ADMIN_TOKEN");

		const tenant = await newTenant();
		const asTenant = await new Cli().run(["tenants", "create", uniqueName("x"), "--admin-token", tenant.token]);
		expect(asTenant.code).toBe(1);
		expect(asTenant.stderr).toMatch(/✘ .* \(POST http:\/\/api\.localhost:\d+\/v1\/tenants → 403 forbidden\)/);

		const taken = await new Cli().run(["tenants", "create", tenant.name, "--admin-token", platform().adminToken]);
		expect(taken.code).toBe(1);
		expect(taken.stderr).toContain(`a tenant named '${tenant.name}' already exists`);
		expect(taken.stderr).toContain("→ 409 conflict");
	});
});

describe("login, whoami, logout", () => {
	it("checks the token, stores it for the user only, and uses it afterwards", async () => {
		const tenant = await newTenant();
		const cli = new Cli();
		const out = await cli.ok(["login", "--api-url", `${platform().apiUrl}/v1/`, "--token", tenant.token]);
		expect(out).toContain(`Logged in to ${platform().apiUrl} as tenant ${tenant.name}`);
		expect(out).not.toContain(tenant.token);

		const file = configFile(cli);
		expect(mode(file)).toBe(0o600);
		expect(mode(path.dirname(file))).toBe(0o700);
		expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ api_url: platform().apiUrl, token: tenant.token });

		// No FERRY_API_URL or token in the environment: everything comes from the stored login.
		const who = await cli.with({ FERRY_API_URL: undefined }).json(["whoami"]);
		expect(who).toMatchObject({
			api_url: platform().apiUrl,
			api_url_source: "config",
			token_source: "config",
			tenant: { name: tenant.name },
		});
	});

	it("stores nothing when the API refuses the token", async () => {
		const cli = new Cli();
		const { code, stderr } = await cli.run(["login", "--token", "ferry_not_a_token"]);
		expect(code).toBe(1);
		expect(stderr).toContain("→ 401 unauthorized");
		expect(existsSync(configFile(cli))).toBe(false);
	});

	it("needs --token when nobody can be asked", async () => {
		const { code, stderr } = await new Cli().run(["login"]);
		expect(code).toBe(1);
		expect(stderr).toBe("✘ no token: pass --token (create one with 'ferry tokens create', or ask your operator for a tenant)\n");
	});

	it("asks for the API URL and the token on a terminal, without echoing the token", async () => {
		const tenant = await newTenant();
		const cli = new Cli({ FERRY_API_URL: undefined });
		const { code, stdout } = await cli.run(["login"], {
			tty: true,
			answers: { "Ferry API URL (http://api.localhost:8787): ": platform().apiUrl, "API token: ": tenant.token },
		});
		expect(code).toBe(0);
		expect(stdout).toContain(`as tenant ${tenant.name}`);
		expect(stdout).not.toContain(tenant.token);
		expect(JSON.parse(readFileSync(configFile(cli), "utf8")).token).toBe(tenant.token);
	});

	it("stops at a prompt on Ctrl-C, storing nothing", async () => {
		const cli = new Cli({ FERRY_API_URL: undefined });
		const { code, stderr } = await cli.run(["login"], { tty: true, interruptOn: "Ferry API URL" });
		expect(code).toBe(130);
		expect(stderr).toBe("✘ cancelled\n");
		expect(existsSync(configFile(cli))).toBe(false);
	});

	it("lets FERRY_API_TOKEN and FERRY_API_URL override the stored login", async () => {
		const [stored, fromEnv] = [await newTenant(), await newTenant()];
		const cli = new Cli();
		await cli.ok(["login", "--token", stored.token]);
		const who = await cli.with({ FERRY_API_TOKEN: fromEnv.token }).json(["whoami"]);
		expect(who).toMatchObject({ tenant: { name: fromEnv.name }, token_source: "environment", api_url_source: "environment" });
	});

	it("says how to recover from a damaged config file", async () => {
		const cli = new Cli();
		mkdirSync(path.dirname(configFile(cli)), { recursive: true });
		writeFileSync(configFile(cli), "{not json");
		const { code, stderr } = await cli.run(["whoami"]);
		expect(code).toBe(1);
		expect(stderr).toBe(`✘ ${configFile(cli)} is not a valid ferry config: run 'ferry logout' and 'ferry login' again\n`);
		await cli.ok(["logout"]);
		expect(existsSync(configFile(cli))).toBe(false);
	});

	it("logs out, and with --revoke the token stops working everywhere", async () => {
		const tenant = await newTenant();
		const cli = new Cli();
		await cli.ok(["login", "--token", tenant.token]);
		expect(await cli.ok(["logout"])).toContain(`Logged out: removed ${configFile(cli)}`);
		expect(existsSync(configFile(cli))).toBe(false);
		expect((await cli.run(["whoami"])).stderr).toContain("not logged in");
		// The token itself still works: logging out only forgets it here.
		await new Cli({ FERRY_API_TOKEN: tenant.token }).ok(["whoami"]);

		await cli.ok(["login", "--token", tenant.token]);
		expect(await cli.json(["logout", "--revoke"])).toMatchObject({ logged_out: true, revoked_token_id: expect.any(String) });
		const revoked = await new Cli({ FERRY_API_TOKEN: tenant.token }).run(["whoami"]);
		expect(revoked.code).toBe(1);
		expect(revoked.stderr).toContain("→ 401 unauthorized");
		expect(await cli.ok(["logout"])).toContain("Not logged in");
	});
});

describe("tokens", () => {
	it("creates, lists and revokes tokens; a revoked token stops working", async () => {
		const { cli } = await newTenant();
		const created = await cli.json(["tokens", "create", "--name", "ci"]);
		expect(created.token.token).toMatch(/^ferry_/);
		const ci = new Cli({ FERRY_API_TOKEN: created.token.token });
		await ci.ok(["whoami"]);

		const { tokens } = await cli.json(["tokens", "list"]);
		expect(tokens.map((t: { name: string }) => t.name)).toEqual(["default", "ci"]);
		expect(JSON.stringify(tokens)).not.toContain(created.token.token);
		const table = await cli.ok(["tokens", "list"]);
		expect(table).toMatch(/default .*\(this one\)/);

		const self = await ci.run(["tokens", "revoke", created.token.id]);
		expect(self.code).toBe(0);
		expect(self.stdout).toContain(`Revoked token ${created.token.id} (ci)`);
		expect(self.stderr).toContain("that was the token this CLI is logged in with");
		expect((await ci.run(["whoami"])).code).toBe(1);
		const again = await cli.run(["tokens", "revoke", created.token.id]);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain("→ 404 not_found");
	});
});
