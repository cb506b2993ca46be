/**
 * The 10,000-script state for the scale rows, seeded through the real API (the CLI's client, a few
 * uploads in flight) and kept under .ferry/bench-state/seeded-<count>/, so that a second run reuses
 * it and skips seeding. The tenant's token is kept beside it (tenant.json); an interrupted seeding
 * resumes with the scripts that are missing; seeded.json says that a seeding completed.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../local/paths.ts";
import type { FerryApi } from "../workers/shared/api-client/index.ts";
import { createTenant, deploy, jsBundle, tenantApi } from "./api.ts";
import { inPool } from "./pool.ts";

/** `seed-00000` … `seed-09999`: the seeded scripts' names (and hostnames). */
export const seedName = (index: number): string => `seed-${String(index).padStart(5, "0")}`;

/** Each seeded script answers its own text, so no two artifacts are the same. */
export const seedText = (index: number): string => `seed ${index}\n`;
export const seedBundle = (index: number) => jsBundle(seedName(index), seedText(index));

/** A seeding: how many scripts it deployed, how long that took, and when. Kept in seeded.json. */
export interface SeedReport {
	deployed: number;
	ms: number;
	at: string;
	/** True when this run found the state already seeded (the numbers are from when it was). */
	reused: boolean;
}

export const BENCH_STATE = path.join(ROOT, ".ferry", "bench-state");

export const seededStateDir = (scripts: number): string => path.join(BENCH_STATE, `seeded-${scripts}`);

const tokenFile = (stateDir: string) => path.join(stateDir, "tenant.json");
const doneFile = (stateDir: string) => path.join(stateDir, "seeded.json");

/** Whether a seeding of this state directory ran to the end. */
export const isSeeded = (stateDir: string): boolean => existsSync(doneFile(stateDir));

/**
 * The state directory must be empty or hold a seeding's tenant token: without the token the
 * scripts it holds could not be listed, so such a directory is started over.
 */
export function prepareSeedState(stateDir: string): void {
	if (existsSync(stateDir) && !existsSync(tokenFile(stateDir))) rmSync(stateDir, { recursive: true, force: true });
}

async function seedTenant(stateDir: string, port: number, adminToken: string): Promise<FerryApi> {
	if (existsSync(tokenFile(stateDir))) {
		const { token } = JSON.parse(readFileSync(tokenFile(stateDir), "utf8")) as { token: string };
		return tenantApi(port, token);
	}
	const { api, token } = await createTenant(port, adminToken, "bench-seed");
	writeFileSync(tokenFile(stateDir), `${JSON.stringify({ token })}\n`, { mode: 0o600 });
	return api;
}

export async function seed(options: {
	stateDir: string;
	port: number;
	adminToken: string;
	count: number;
	concurrency: number;
	log: (line: string) => void;
}): Promise<SeedReport> {
	const api = await seedTenant(options.stateDir, options.port, options.adminToken);
	const existing = new Set((await api.listScripts()).scripts.map((script) => script.name));
	const missing = Array.from({ length: options.count }, (_, index) => index).filter((index) => !existing.has(seedName(index)));
	if (missing.length === 0) {
		// The numbers of the seeding that filled it (none recorded if it was filled some other way).
		if (!isSeeded(options.stateDir))
			writeFileSync(doneFile(options.stateDir), `${JSON.stringify({ deployed: 0, ms: 0, at: "unknown" })}\n`);
		const earlier = JSON.parse(readFileSync(doneFile(options.stateDir), "utf8")) as Partial<SeedReport>;
		return { deployed: earlier.deployed ?? 0, ms: earlier.ms ?? 0, at: earlier.at ?? "unknown", reused: true };
	}

	options.log(`seeding ${missing.length} scripts (${existing.size} already there), ${options.concurrency} uploads in flight…`);
	const started = performance.now();
	let done = 0;
	await inPool(missing, options.concurrency, async (index) => {
		await deploy(api, seedBundle(index));
		if (++done % 1000 === 0) options.log(`  ${done}/${missing.length} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
	});
	const report = { deployed: missing.length, ms: performance.now() - started, at: new Date().toISOString() };
	writeFileSync(doneFile(options.stateDir), `${JSON.stringify(report)}\n`);
	return { ...report, reused: false };
}
