import { writeFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand } from "../../../core/command.ts";
import { UserError } from "../../../core/errors.ts";
import { objectPath, objectPathArg } from "../../../r2.ts";

export default defineCommand({
	meta: {
		description: "Print an object of one of your R2 buckets, or write it to --file",
		examples: ["ferry r2 object get assets/hello.txt", "ferry r2 object get assets/logo.png --file logo.png"],
	},
	args: {
		...objectPathArg,
		file: { type: "string", alias: "f", valueHint: "FILE", description: "Write the object to this file instead of stdout" },
		pipe: { type: "boolean", alias: "p", description: "Write the object to stdout (the default; wrangler's flag)" },
	},
	async run({ args, io, out, session }) {
		const { bucket, key } = objectPath(args.objectPath);
		if (args.file !== undefined && args.pipe) throw new UserError("give --file or --pipe, not both");
		const { bytes } = await session.api().r2Get(bucket, key);
		if (args.file === undefined) {
			io.stdout.write(bytes);
			return;
		}
		try {
			await writeFile(path.resolve(io.cwd, args.file), bytes);
		} catch {
			throw new UserError(`cannot write ${args.file}`);
		}
		out.success(`Downloaded ${key} from R2 bucket ${bucket} to ${args.file}`);
	},
});
