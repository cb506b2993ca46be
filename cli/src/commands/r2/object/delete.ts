import { defineCommand } from "../../../core/command.ts";
import { objectPath, objectPathArg } from "../../../r2.ts";

export default defineCommand({
	meta: { description: "Delete an object from one of your R2 buckets", examples: ["ferry r2 object delete assets/hello.txt"] },
	args: { ...objectPathArg },
	async run({ args, out, session }) {
		const { bucket, key } = objectPath(args.objectPath);
		await session.api().r2Delete(bucket, key);
		out.success(`Deleted ${key} from R2 bucket ${bucket}`);
	},
});
