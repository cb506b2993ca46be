import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { kCurrentWorker } from "miniflare";
import { defineConfig } from "vitest/config";
import { internet } from "./test/support/internet.ts";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "d1-migrations"));

// The examples and fixtures the workerd tests upload, base64 by repository path (workerd has no file
// system): see test/workers/files.ts.
const repoFiles = Object.fromEntries(
	globSync(["examples/**/*.wasm", "examples/**/*.js", "test/fixtures/**/*.wasm"], { cwd: import.meta.dirname }).map((file) => [
		file,
		readFileSync(path.join(import.meta.dirname, file)).toString("base64"),
	]),
);

export default defineConfig({
	test: {
		// Two files at once even on two cores (vitest's default there is one): most files wait on other
		// processes (the platform, wrangler, Chromium), one file at a time kept the machine ~half idle.
		maxWorkers: 2,
		projects: [
			{
				// Worker code inside workerd with real local D1, R2 and Worker Loader bindings.
				plugins: [
					cloudflareTest({
						// One Worker carrying both the API and the dispatcher (see test/workers/entry.ts).
						main: "./test/workers/entry.ts",
						miniflare: {
							compatibilityDate: "2026-11-01",
							// A Worker Loader entrypoint's scheduled() as a scheduled event, as in the local runtime processes (wrangler.toml [env.runtime]).
							compatibilityFlags: ["service_binding_extra_handlers"],
							d1Databases: ["DB"],
							r2Buckets: ["ARTIFACTS", "TENANT_BUCKETS"],
							workerLoaders: { LOADER: {} },
							bindings: {
								PLATFORM_DOMAIN: "localhost",
								TENANT_DOMAIN: "localhost",
								FERRY_ADMIN_TOKEN: "test-admin-token",
								// 32 bytes, base64url: seals secrets at rest (workers/shared/secrets/crypto.ts).
								FERRY_SECRETS_KEY: "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE",
								TEST_MIGRATIONS: migrations,
								TEST_FILES: repoFiles,
							},
							// The API invalidates the dispatcher's route cache through this binding; here both live in one Worker.
							// Likewise the telemetry Worker (its entrypoint and store are exported by the test Worker).
							serviceBindings: {
								ROUTES: { name: kCurrentWorker, entrypoint: "RouteControl" },
								TELEMETRY: { name: kCurrentWorker, entrypoint: "Telemetry" },
								RESOURCES: { name: kCurrentWorker, entrypoint: "Resources" },
							},
							durableObjects: {
								SCRIPT_TELEMETRY: { className: "ScriptTelemetry", useSQLite: true },
								TENANT_RESOURCE: { className: "TenantResource", useSQLite: true },
								TENANT_DATABASE: { className: "TenantDatabase", useSQLite: true },
								TENANT_EVENTS: { className: "TenantEvents", useSQLite: true },
							},
							// The test Worker's fetches: the fake Cloudflare API and a stand-in for public hosts.
							outboundService: internet,
						},
					}),
				],
				test: {
					name: "workers",
					// Every file in one workerd (one Miniflare, one storage): a file's own runner started a new
					// workerd and re-imported the Workers, ~3.5 s a file. Files share the platform as the e2e
					// ones do: each makes its own tenants and scripts (uniqueName, newTenant).
					isolate: false,
					include: ["test/workers/**/*.test.ts", "test/reliability/routes/**/*.test.ts", "dispatch/**/*.test.ts", "workers/**/*.test.ts"],
					setupFiles: ["./test/workers/apply-migrations.ts"],
					// A local HTTP server standing in for the Cloudflare API (test/support/cloudflare-api/).
					globalSetup: ["./test/support/cloudflare-api/global-setup.ts"],
				},
			},
			{
				// Node tooling (generated sources) and the local platform's pure parts.
				test: { name: "node", include: ["test/node/**/*.test.ts", "local/**/*.test.ts"], environment: "node" },
			},
			{
				// The ferry CLI: main(argv, io) in-process and the real binary, against one real local platform.
				test: {
					name: "cli",
					include: ["test/cli/**/*.test.ts"],
					environment: "node",
					globalSetup: ["./test/cli/global-setup.ts"],
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
			{
				// Reliability against the real platform's processes (npm run dev): blast radius, deploy probe,
				// recycling, kills mid-deploy, streaming, races, domains, egress. Timing matters here (outages
				// are measured), so its files run one at a time, after the other projects.
				test: {
					name: "reliability",
					include: ["test/reliability/*.test.ts"],
					environment: "node",
					fileParallelism: false,
					sequence: { groupOrder: 1 },
					// Every platform's state seeded with the run's built Workers and migrated D1.
					globalSetup: ["./test/support/state-template.ts"],
					testTimeout: 120_000,
					hookTimeout: 90_000,
				},
			},
			{
				// The panel (dash.) in a real browser: Debian's Chromium driven by playwright-core, one browser
				// and one real local platform for all the files (test/browser/global-setup.ts), a tenant each.
				test: {
					name: "browser",
					include: ["test/browser/**/*.test.ts"],
					environment: "node",
					globalSetup: ["./test/browser/global-setup.ts"],
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
			{
				// The real local platform in its own process, driven over HTTP as a user would: one shared
				// `npm run dev` for the files that do not stop or restart theirs (test/e2e/global-setup.ts,
				// each test its own tenant), one of its own for each file that does.
				test: {
					name: "e2e",
					include: ["test/e2e/**/*.test.ts"],
					environment: "node",
					globalSetup: ["./test/e2e/global-setup.ts"],
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
		],
	},
});
