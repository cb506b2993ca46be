/** What a `ferry r2 object` command is about: wrangler's `BUCKET/KEY` object path. */
import { UserError } from "./core/errors.ts";

export const objectPathArg = {
	objectPath: { type: "positional", description: "The object, as BUCKET/KEY (the bucket's bucket_name, then the key)" },
} as const;

/** `assets/img/logo.png` → bucket `assets`, key `img/logo.png` (a key may hold '/'). */
export function objectPath(path: string): { bucket: string; key: string } {
	const slash = path.indexOf("/");
	if (slash <= 0 || slash === path.length - 1) throw new UserError(`'${path}' is not BUCKET/KEY: name the bucket, then the object's key`);
	return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}
