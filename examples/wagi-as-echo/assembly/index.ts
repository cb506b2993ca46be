/**
 * A WAGI program in AssemblyScript (with @assemblyscript/wasi-shim): the same contract as
 * ../../wagi-c-echo/echo.c, so one test suite covers both. Built by ../../build.sh; deploy echo.wasm
 * with `"wasi": "wagi"` in the metadata (docs/wasm.md).
 *
 *   GET  /anything?x=1         200, echoes the request (method, path, query, argv, HTTP_* headers, body)
 *   POST /anything             201 Created, same echo
 *   any  /anything?status=418  that status
 *   GET  /redirect?to=/there   a redirect (Location only: 302; add status=301 for another code)
 *
 * Every echo sets a cookie counting the caller's visits. A line on stderr goes to the platform's log.
 */

/** The request body: everything on stdin. */
function readStdin(): ArrayBuffer {
	let body = new ArrayBuffer(4096);
	let used = 0;
	for (;;) {
		if (used == body.byteLength) {
			const bigger = new ArrayBuffer(body.byteLength * 2);
			memory.copy(changetype<usize>(bigger), changetype<usize>(body), used);
			body = bigger;
		}
		const n = process.stdin.read(body, used);
		if (n <= 0) break;
		used += n;
	}
	return body.slice(0, used);
}

/** The query's parameters arrive as arguments: argv[1..] are "name=value" (still percent-encoded). */
function parameter(name: string): string | null {
	const args = process.argv;
	for (let i = 1; i < args.length; i++) {
		if (args[i].startsWith(name + "=")) return args[i].substring(name.length + 1);
	}
	return null;
}

/** The value of the "visits" cookie in HTTP_COOKIE ("a=1; visits=3; b=2"), or 0. */
function visits(): i64 {
	if (!process.env.has("HTTP_COOKIE")) return 0;
	const pairs = process.env.get("HTTP_COOKIE").split(";");
	for (let i = 0; i < pairs.length; i++) {
		const pair = pairs[i].trim();
		if (pair.startsWith("visits=")) return I64.parseInt(pair.substring(7));
	}
	return 0;
}

const out = process.stdout;

function env(name: string): string {
	return process.env.has(name) ? process.env.get(name) : "";
}

function main(): void {
	const method = env("REQUEST_METHOD");
	const path = env("PATH_INFO");
	const status = parameter("status");

	if (path == "/redirect") {
		const to = parameter("to");
		out.write("Location: " + (to !== null ? to : "/") + "\n");
		if (status !== null) out.write("Status: " + status + "\n");
		out.write("\n");
	} else {
		const body = readStdin();
		if (status !== null) out.write("Status: " + status + "\n");
		else if (method == "POST") out.write("Status: 201 Created\n");
		out.write("Content-Type: text/plain; charset=utf-8\n");
		out.write("Set-Cookie: visits=" + (visits() + 1).toString() + "; Path=/; HttpOnly\n");
		out.write("X-Powered-By: AssemblyScript\n");
		out.write("\n");

		out.write("method=" + method + "\npath=" + path + "\nquery=" + env("QUERY_STRING") + "\n");
		const args = process.argv;
		for (let i = 0; i < args.length; i++) out.write("arg=" + args[i] + "\n");
		const names = process.env.keys();
		for (let i = 0; i < names.length; i++) {
			if (names[i].startsWith("HTTP_")) out.write(names[i] + "=" + process.env.get(names[i]) + "\n");
		}
		out.write("stdin=" + body.byteLength.toString() + "\n\n");
		out.write(body);

		process.stderr.write("echo: " + method + " " + path + ", " + body.byteLength.toString() + " bytes in\n");
	}
}

main();
