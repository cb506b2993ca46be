/** `ferry events` against the real local platform: the tenant's events as a list (oldest first) and live (--follow, Ctrl-C). */
import { describe, expect, it } from "vitest";
import { newTenant, uniqueName, uploadDirect } from "./support.ts";

describe("ferry events", () => {
	it("lists the tenant's deploys and secret changes oldest first, filters them, and prints the API's page with --json", async () => {
		const { cli, token } = await newTenant("events");
		const name = uniqueName("ev");
		await uploadDirect(token, name, "one");
		await cli.ok(["secret", "put", "API_KEY", "--name", name], { input: "never-printed" });

		const listed = await cli.run(["events"]);
		expect(listed.code).toBe(0);
		const lines = listed.stdout.trimEnd().split("\n");
		expect(lines.map((line) => line.split(/ {2,}/)[1])).toEqual(["deploy", "secret_put"]);
		expect(lines[0]).toMatch(new RegExp(`^[\\d-]+ [\\d:]+  deploy +${name}  [a-z0-9]{10}  live=true$`));
		expect(lines[1]).toMatch(new RegExp(`secret_put +${name} +- +name=API_KEY$`));
		expect(listed.stdout).not.toContain("never-printed");

		expect((await cli.ok(["events", "--type", "secret_put"])).trimEnd().split("\n")).toHaveLength(1);
		expect(await cli.ok(["events", "--script", uniqueName("nobody")])).toBe("No events match.\n");
		const page = await cli.json<{ events: { type: string; script: string }[]; cursor: string | null }>(["events", "--limit", "1"]);
		expect(page.events.map((event) => event.type)).toEqual(["secret_put"]);
		expect(page.cursor).not.toBeNull();
		const older = await cli.run(["events", "--limit", "1"]);
		expect(older.stderr).toContain(`older events: ferry events --cursor ${page.cursor}`);
		expect(await cli.ok(["events", "--cursor", page.cursor!])).toMatch(new RegExp(`^[\\d-]+ [\\d:]+  deploy +${name}  `));
	});

	it("--follow prints each new event as it happens, until Ctrl-C", async () => {
		const { cli, token } = await newTenant("events");
		const name = uniqueName("ev");
		await uploadDirect(token, name, "one");
		let done = false;
		const following = cli.run(["events", "--follow", "--type", "secret_put"], { interruptOn: "name=LIVE" }).finally(() => {
			done = true;
		});
		// The stream opens a moment after the command starts: change the secret until it is seen.
		await expect
			.poll(
				async () => {
					if (!done) await cli.ok(["secret", "put", "LIVE", "--name", name], { input: "v" });
					return done;
				},
				{ timeout: 30_000, interval: 100 },
			)
			.toBe(true);
		const result = await following;
		expect(result.code).toBe(0);
		expect(result.stderr).toContain("following your events; Ctrl-C stops");
		expect(result.stdout).toMatch(new RegExp(`secret_put +${name} +- +name=LIVE\\n`));
		// Only the type asked for: the deploy before the stream opened and any other type are not shown.
		expect(result.stdout).not.toContain("deploy");
	});

	it("refuses bad input in one line with a non-zero exit", async () => {
		const { cli } = await newTenant("events");
		for (const [argv, message] of [
			[["events", "--follow", "--since", "1h"], "--since lists past events; --follow shows new ones"],
			[["events", "--type", "nope"], "nope"],
			[["events", "--limit", "500"], "limit"],
			[["events", "--since", "soon"], "since"],
		] as const) {
			const result = await cli.run([...argv]);
			expect(result.code, argv.join(" ")).not.toBe(0);
			expect(result.stderr).toContain(message);
			expect(result.stderr.trim().split("\n")).toHaveLength(1);
		}
	});
});
