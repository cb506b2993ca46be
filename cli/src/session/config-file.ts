/**
 * The user's stored login: `<config dir>/ferry/config.json`, readable by the user only (0600 in a
 * 0700 directory). The config dir is $XDG_CONFIG_HOME, else %APPDATA% on Windows, else ~/.config.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { UserError } from "../core/errors.ts";
import type { Io } from "../core/io.ts";

const storedConfig = z.object({ api_url: z.string().url(), token: z.string().min(1) });
export type StoredConfig = z.infer<typeof storedConfig>;

export function configPath(env: Io["env"]): string {
	const base =
		env.XDG_CONFIG_HOME ||
		(process.platform === "win32" && env.APPDATA ? env.APPDATA : path.join(env.HOME || env.USERPROFILE || homedir(), ".config"));
	return path.join(base, "ferry", "config.json");
}

export function readStoredConfig(env: Io["env"]): StoredConfig | undefined {
	const file = configPath(env);
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
		throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = undefined;
	}
	const result = storedConfig.safeParse(parsed);
	if (!result.success) throw new UserError(`${file} is not a valid ferry config: run 'ferry logout' and 'ferry login' again`);
	return result.data;
}

export function writeStoredConfig(env: Io["env"], config: StoredConfig): string {
	const file = configPath(env);
	mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	// Written whole under a temporary name, then renamed: a crash never leaves half a file.
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
	chmodSync(temporary, 0o600);
	renameSync(temporary, file);
	return file;
}

/** Deletes the stored login; false when there was none. */
export function removeStoredConfig(env: Io["env"]): boolean {
	const file = configPath(env);
	try {
		rmSync(file);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
		throw error;
	}
}
