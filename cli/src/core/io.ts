/**
 * Everything a command touches outside itself, passed in explicitly: the real process in bin.ts,
 * captured streams and a temporary config directory in tests (which call main() in-process).
 */
export interface OutputStream {
	/** Text, or bytes as they are (`ferry r2 object get` prints an object's bytes). */
	write(chunk: string | Uint8Array): unknown;
	isTTY?: boolean;
}

export interface InputStream extends NodeJS.ReadableStream {
	isTTY?: boolean;
}

export interface Io {
	stdout: OutputStream;
	stderr: OutputStream;
	stdin: InputStream;
	/** The environment (FERRY_API_URL, FERRY_API_TOKEN, XDG_CONFIG_HOME, …); also what wrangler runs with. */
	env: Readonly<Record<string, string | undefined>>;
	cwd: string;
	/** Aborted on Ctrl-C: commands stop what they are doing and say what state they left things in. */
	signal: AbortSignal;
}

/** True when a person can answer a prompt: both ends are a terminal and CI is not set. */
export const isInteractive = (io: Io): boolean => Boolean(io.stdin.isTTY && io.stdout.isTTY && !io.env.CI);
