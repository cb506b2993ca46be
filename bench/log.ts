/** Progress lines go to stderr, so that stdout carries only the table. */
export const log = (line: string): void => {
	process.stderr.write(`[bench] ${line}\n`);
};
