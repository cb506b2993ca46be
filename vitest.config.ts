import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { kCurrentWorker } from "miniflare";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "d1-migrations"));

export default defineConfig({
	test: {
		projects: [
			{
				// Worker code inside workerd with real local D1, R2 and Worker Loader bindings.
				plugins: [
					cloudflareTest({
						// One Worker carrying both the API and the dispatcher (see test/workers/entry.ts).
						main: "./test/workers/entry.ts",
						miniflare: {
							compatibilityDate: "2026-11-01",
							d1Databases: ["DB"],
							r2Buckets: ["ARTIFACTS"],
							workerLoaders: { LOADER: {} },
							bindings: { PLATFORM_DOMAIN: "localhost", FERRY_ADMIN_TOKEN: "test-admin-token", TEST_MIGRATIONS: migrations },
							// The API invalidates the dispatcher's route cache through this binding; here both live in one Worker.
							serviceBindings: { ROUTES: { name: kCurrentWorker, entrypoint: "RouteControl" } },
						},
					}),
				],
				test: {
					name: "workers",
					include: ["test/workers/**/*.test.ts", "dispatch/**/*.test.ts", "workers/**/*.test.ts"],
					setupFiles: ["./test/workers/apply-migrations.ts"],
				},
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
				// The real local platform in its own process, driven over HTTP as a user would.
				test: {
					name: "e2e",
					include: ["test/e2e/**/*.test.ts"],
					environment: "node",
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
		],
	},
});
