/**
 * The process around main(): real streams, Ctrl-C as an abort signal (the running command stops and
 * says what it left behind; a second Ctrl-C exits at once), a closed pipe, the exit code.
 */
import { EXIT } from "./core/errors.ts";
import { main } from "./main.ts";

// A reader that went away (`ferry … | head` once head has its lines) is no failure of the command:
// what it writes after that is dropped and it ends as it would have, with its own exit code (wrangler
// does the same). A deploy is not cut short by it. Any other stream error still throws.
for (const stream of [process.stdout, process.stderr])
	stream.on("error", (error: NodeJS.ErrnoException) => {
		if (error.code !== "EPIPE") throw error;
	});

const interrupt = new AbortController();
process.on("SIGINT", () => {
	if (interrupt.signal.aborted) process.exit(EXIT.cancelled);
	interrupt.abort();
});

process.exitCode = await main(process.argv.slice(2), {
	stdout: process.stdout,
	stderr: process.stderr,
	stdin: process.stdin,
	env: process.env,
	cwd: process.cwd(),
	signal: interrupt.signal,
});
