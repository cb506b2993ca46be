import { readFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand } from "../../../core/command.ts";
import { UserError } from "../../../core/errors.ts";
import type { Io } from "../../../core/io.ts";
import { objectPath, objectPathArg } from "../../../r2.ts";

async function readStdin(io: Io): Promise<Uint8Array> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of io.stdin as AsyncIterable<Uint8Array | string>)
		chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
	return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

export default defineCommand({
	meta: {
		description: "Write an object to one of your R2 buckets, from --file or stdin (--pipe)",
		examples: [
			"ferry r2 object put assets/logo.png --file logo.png --content-type image/png",
			"echo hi | ferry r2 object put assets/hi.txt --pipe",
		],
	},
	args: {
		...objectPathArg,
		file: { type: "string", alias: "f", valueHint: "FILE", description: "Read the object from this file" },
		pipe: { type: "boolean", alias: "p", description: "Read the object from stdin" },
		"content-type": { type: "string", valueHint: "TYPE", description: "Its Content-Type (HTTP metadata)" },
		"content-disposition": { type: "string", valueHint: "VALUE", description: "Its Content-Disposition" },
		"content-encoding": { type: "string", valueHint: "VALUE", description: "Its Content-Encoding" },
		"content-language": { type: "string", valueHint: "VALUE", description: "Its Content-Language" },
		"cache-control": { type: "string", valueHint: "VALUE", description: "Its Cache-Control" },
	},
	async run({ args, io, out, session }) {
		const { bucket, key } = objectPath(args.objectPath);
		if ((args.file === undefined) === !args.pipe) throw new UserError("give --file FILE or --pipe (stdin), one of them");
		let value: Uint8Array;
		if (args.file !== undefined) {
			try {
				value = await readFile(path.resolve(io.cwd, args.file));
			} catch {
				throw new UserError(`cannot read ${args.file}`);
			}
		} else value = await readStdin(io);
		const headers: Record<string, string> = {};
		for (const header of ["content-type", "content-disposition", "content-encoding", "content-language", "cache-control"] as const) {
			const given = args[header];
			if (given !== undefined) headers[header] = given;
		}
		await session.api().r2Put(bucket, key, value, headers);
		out.success(`Uploaded ${key} to R2 bucket ${bucket}`);
	},
});
