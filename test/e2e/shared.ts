/**
 * The project's shared `npm run dev` (./global-setup.ts), as a test file sees it: the same surface as
 * a DevServer a file starts itself, without stop or kill (a file that stops its platform starts its own).
 */
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import type { DevServer } from "./dev-server.ts";

export type SharedDevServer = Omit<DevServer, "stop" | "kill" | "stateDir"> & { adminToken: string };

export function sharedDevServer(): SharedDevServer {
	const { port, api, tenantDomain, readyFile, adminToken, logFile } = inject("e2eDevServer");
	return {
		port,
		api,
		tenantDomain,
		readyFile,
		adminToken,
		at: (label) => `http://${label}.${tenantDomain}:${port}/`,
		output: () => readFileSync(logFile, "utf8"),
	};
}
