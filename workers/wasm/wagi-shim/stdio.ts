/**
 * The module's standard streams as WASI file descriptors: stdin holds the request body, stdout and
 * stderr are kept in memory (the CGI response is parsed once the module has exited).
 */
import { Fd, File, Inode, OpenFile, wasi } from "@bjorn3/browser_wasi_shim";
import { concat } from "../../shared/http/body";

export const stdin = (body: Uint8Array): Fd => new OpenFile(new File(body, { readonly: true }));

/**
 * A write-only character device that keeps what the module writes, up to `limit` bytes. Past the
 * limit, "fail" answers EFBIG (stdout: the response would be cut, so the request fails anyway) and
 * "drop" accepts and forgets the bytes (stderr: a chatty program must not fail for it).
 */
export class CapturedOutput extends Fd {
	private readonly ino = Inode.issue_ino();
	private readonly chunks: Uint8Array[] = [];
	private kept = 0;
	/** Bytes written past the limit. */
	overflow = 0;

	constructor(
		private readonly limit: number,
		private readonly whenFull: "fail" | "drop",
	) {
		super();
	}

	override fd_fdstat_get() {
		const fdstat = new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0);
		fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE);
		return { ret: wasi.ERRNO_SUCCESS, fdstat };
	}

	override fd_filestat_get() {
		return { ret: wasi.ERRNO_SUCCESS, filestat: new wasi.Filestat(this.ino, wasi.FILETYPE_CHARACTER_DEVICE, 0n) };
	}

	override fd_write(data: Uint8Array) {
		const room = this.limit - this.kept;
		if (data.byteLength > room) {
			this.overflow += data.byteLength - Math.max(room, 0);
			if (this.whenFull === "fail") return { ret: wasi.ERRNO_FBIG, nwritten: 0 };
			if (room > 0) this.keep(data.subarray(0, room));
			return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
		}
		// The library hands over a copy of the module's memory, so keeping it is safe.
		this.keep(data);
		return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
	}

	private keep(data: Uint8Array): void {
		this.chunks.push(data);
		this.kept += data.byteLength;
	}

	/** Bytes kept. */
	get byteLength(): number {
		return this.kept;
	}

	bytes(): Uint8Array {
		return concat(this.chunks, this.kept);
	}

	text(): string {
		return new TextDecoder().decode(this.bytes());
	}
}
