/**
 * What every test platform would do first on its fresh state directory, done once: the platform
 * Workers built (wrangler's options, esbuild's bundles: local/workers.ts) and the D1 migrations
 * applied (local/migrations.ts, which spawns wrangler). Together they are most of a fresh start's
 * CPU (a start on a prepared state takes a fraction of one), and their result is the same for every
 * platform of a run. The projects' globalSetup prepares this template (`prepareStateTemplate`);
 * `seedStateDir` copies it into a test's new state directory. The platform still checks both itself
 * (the fingerprint of every input of the build, the migration stamp), so a stale or missing template
 * costs a rebuild, never a wrong start. One fresh start stays unseeded on purpose (test/e2e/dev.test.ts).
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateIfChanged } from "../../local/migrations.ts";
import { ROOT } from "../../local/paths.ts";
import { platformWorkers } from "../../local/workers.ts";

/** One per checkout (its inputs are the checkout's files), kept between runs: a fresh one is only checked. */
export const STATE_TEMPLATE = path.join(tmpdir(), `ferry-test-state-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}`);

/**
 * Brings the template up to date with this checkout (a no-op but for the checks when it is). Built
 * aside and swapped in, so a run copying it meanwhile (another vitest of the same checkout) never
 * copies half of one.
 */
export async function prepareStateTemplate(): Promise<void> {
	const work = `${STATE_TEMPLATE}.${process.pid}.tmp`;
	rmSync(work, { recursive: true, force: true });
	if (existsSync(STATE_TEMPLATE)) cpSync(STATE_TEMPLATE, work, { recursive: true });
	else mkdirSync(work, { recursive: true });
	await Promise.all([migrateIfChanged(work), platformWorkers(work, {})]);
	const old = `${STATE_TEMPLATE}.${process.pid}.old`;
	try {
		if (existsSync(STATE_TEMPLATE)) renameSync(STATE_TEMPLATE, old);
		renameSync(work, STATE_TEMPLATE);
	} catch {
		// Another run swapped its own in at the same moment: as good as this one.
	}
	rmSync(old, { recursive: true, force: true });
	rmSync(work, { recursive: true, force: true });
}

/** A new platform's state directory as the template has it, if `stateDir` is new or empty (else left as it is). */
export function seedStateDir(stateDir: string): void {
	if (existsSync(stateDir) && readdirSync(stateDir).length > 0) return;
	try {
		cpSync(STATE_TEMPLATE, stateDir, { recursive: true });
	} catch {
		// No template (a run without the projects' globalSetup), or one being swapped: a fresh start.
		rmSync(stateDir, { recursive: true, force: true });
		mkdirSync(stateDir, { recursive: true });
	}
}

/** As a project's globalSetup (the reliability and browser projects'): the template, before any of their platforms starts. */
export default async function setup(): Promise<void> {
	await prepareStateTemplate();
}
