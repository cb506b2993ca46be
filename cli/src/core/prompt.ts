/**
 * Questions for a person at a terminal (login, confirmations), on one readline interface so typed-ahead
 * lines are not lost between questions. Secrets are read without echo. Commands ask only when
 * isInteractive(io); otherwise they need flags, and say which.
 */
import { createInterface, type Interface } from "node:readline/promises";
import { Writable } from "node:stream";
import { CancelledError } from "./errors.ts";
import type { Io } from "./io.ts";

export class Prompter {
	private muted = false;
	private readonly readline: Interface;
	private readonly io: Io;

	constructor(io: Io) {
		this.io = io;
		const output = new Writable({
			write: (chunk: Buffer, _encoding, done) => {
				if (!this.muted) io.stdout.write(chunk.toString());
				done();
			},
		});
		this.readline = createInterface({ input: io.stdin, output, terminal: Boolean(io.stdin.isTTY) });
	}

	async ask(question: string, fallback?: string): Promise<string> {
		const answer = await this.question(`${question}${fallback ? ` (${fallback})` : ""}: `);
		return answer || fallback || "";
	}

	/** A question whose answer is not echoed (a token). */
	async secret(question: string): Promise<string> {
		this.io.stdout.write(`${question}: `);
		this.muted = true;
		try {
			return await this.question("");
		} finally {
			this.muted = false;
			this.io.stdout.write("\n");
		}
	}

	async confirm(question: string): Promise<boolean> {
		return /^y(es)?$/i.test(await this.ask(`${question} [y/N]`));
	}

	close(): void {
		this.readline.close();
	}

	private async question(prompt: string): Promise<string> {
		try {
			return (await this.readline.question(prompt, { signal: this.io.signal })).trim();
		} catch (error) {
			// Ctrl-C at a prompt: the terminal is in raw mode, so readline sees it and rejects (ABORT_ERR)
			// instead of the process getting SIGINT.
			if (this.io.signal.aborted || (error as { code?: string }).code === "ABORT_ERR") {
				this.io.stdout.write("\n");
				throw new CancelledError("cancelled");
			}
			throw error;
		}
	}
}

/** Runs `ask` with a Prompter and always closes it (stdin is released for the process to exit). */
export async function withPrompter<T>(io: Io, ask: (prompter: Prompter) => Promise<T>): Promise<T> {
	const prompter = new Prompter(io);
	try {
		return await ask(prompter);
	} finally {
		prompter.close();
	}
}
