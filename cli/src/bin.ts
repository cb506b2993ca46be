/**
 * The process around main(): real streams, Ctrl-C as an abort signal (the running command stops and
 * says what it left behind; a second Ctrl-C exits at once), the exit code.
 */
import { EXIT } from "./core/errors.ts";
import { main } from "./main.ts";

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
