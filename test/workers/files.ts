/** Repository files the workerd tests upload (passed in by vitest.config.ts: workerd has no file system). */
import { env } from "cloudflare:workers";

export function repoFile(path: string): Uint8Array<ArrayBuffer> {
	const base64 = env.TEST_FILES[path];
	if (base64 === undefined) throw new Error(`${path} is not among the files vitest.config.ts passes to the tests`);
	return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export const repoText = (path: string) => new TextDecoder().decode(repoFile(path));
