/**
 * Hostnames that name this machine or a private network. Tenant code may never reach them, whatever
 * its allow-list says. The URL parser has already normalised IP literals (`0x7f.1` → `127.0.0.1`,
 * `[::ffff:7f00:1]` → `[::ffff:7f00:1]`), so only canonical forms need recognising here.
 *
 * Only literals can be checked here: a Worker cannot resolve DNS, so a public name pointing at a
 * private address is not caught by the gate. Locally the platform's way out checks what the name
 * resolves to, with this same function, at connection time (local/egress.ts); production relies on
 * Cloudflare (docs/deploy-to-cloudflare.md, "Egress").
 */

/** IPv4 special-purpose and private blocks (RFC 6890), parsed once. */
const V4_RANGES = [
	"0.0.0.0/8", // "this network"
	"10.0.0.0/8", // private
	"100.64.0.0/10", // carrier-grade NAT
	"127.0.0.0/8", // loopback
	"169.254.0.0/16", // link-local (cloud metadata endpoints live here)
	"172.16.0.0/12", // private
	"192.0.0.0/24", // IETF protocol assignments
	"192.0.2.0/24", // documentation
	"192.168.0.0/16", // private
	"198.18.0.0/15", // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24", // documentation
	"224.0.0.0/4", // multicast
	"240.0.0.0/4", // reserved, and 255.255.255.255 broadcast
].map((cidr) => {
	const [address, prefix] = cidr.split("/") as [string, string];
	return { base: ipv4ToNumber(address)!, prefix: Number(prefix) };
});

function ipv4ToNumber(text: string): number | undefined {
	const parts = text.split(".");
	if (parts.length !== 4) return undefined;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part)) return undefined;
		const octet = Number(part);
		if (octet > 255) return undefined;
		value = value * 256 + octet;
	}
	return value;
}

function inV4Range(address: number, base: number, prefix: number): boolean {
	const size = 2 ** (32 - prefix);
	return Math.floor(address / size) === Math.floor(base / size);
}

function isPrivateV4(text: string): boolean | undefined {
	const address = ipv4ToNumber(text);
	if (address === undefined) return undefined;
	return V4_RANGES.some(({ base, prefix }) => inV4Range(address, base, prefix));
}

/** The eight 16-bit groups of an IPv6 literal (without brackets), or undefined when it is not one. */
function ipv6Groups(text: string): number[] | undefined {
	if (!text.includes(":")) return undefined;
	let head = text;
	let tail: number[] = [];
	// An embedded IPv4 tail (`::ffff:1.2.3.4`) is two groups.
	const lastColon = text.lastIndexOf(":");
	const v4 = ipv4ToNumber(text.slice(lastColon + 1));
	if (v4 !== undefined) {
		head = `${text.slice(0, lastColon + 1)}0:0`;
		tail = [Math.floor(v4 / 65536), v4 % 65536];
	}
	const halves = head.split("::");
	if (halves.length > 2) return undefined;
	const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
	const left = parse(halves[0]!);
	const right = halves.length === 2 ? parse(halves[1]!) : [];
	const missing = 8 - left.length - right.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
	const groups = [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
	if (groups.length !== 8 || groups.some(Number.isNaN)) return undefined;
	if (tail.length) groups.splice(6, 2, ...tail);
	return groups;
}

function isPrivateV6(text: string): boolean | undefined {
	const g = ipv6Groups(text);
	if (!g) return undefined;
	const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
	const embeddedV4 = () => `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
	if (g.slice(0, 7).every((x) => x === 0) && (g7 === 0 || g7 === 1)) return true; // :: and ::1
	if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return isPrivateV4(embeddedV4()) !== false; // v4-mapped
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPrivateV4(embeddedV4()) !== false; // NAT64
	if ((g0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
	if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
	if ((g0 & 0xff00) === 0xff00) return true; // multicast ff00::/8
	if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation 2001:db8::/32
	return false;
}

/** Whether `hostname` (as `URL.hostname` gives it: lowercase, IPv6 in brackets) is local or private. */
export function isPrivateHost(hostname: string): boolean {
	const host = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
	if (host === "localhost" || host.endsWith(".localhost")) return true;
	if (host.startsWith("[") && host.endsWith("]")) return isPrivateV6(host.slice(1, -1)) ?? true;
	return isPrivateV4(host) ?? false;
}
