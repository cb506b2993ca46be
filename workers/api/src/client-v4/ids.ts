/**
 * Cloudflare names versions by UUID (wrangler refuses any other version id); Ferry names deployments
 * by short base36 ids. A version id is the deployment id's ASCII in hex, left-padded with zeros to a
 * UUID's 32 digits: reversible, nothing stored, and a deployment id's characters are never 0x00, so
 * the padding is unambiguous.
 */

export function versionIdOf(deploymentId: string): string {
	const hex = [...deploymentId]
		.map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0"))
		.join("")
		.padStart(32, "0");
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The deployment id a version id names, or undefined when it is not one of Ferry's. */
export function deploymentIdOf(versionId: string): string | undefined {
	const hex = versionId.toLowerCase().replace(/-/g, "");
	if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
	const digits = hex.replace(/^(00)+/, "");
	let id = "";
	for (let i = 0; i < digits.length; i += 2) id += String.fromCharCode(Number.parseInt(digits.slice(i, i + 2), 16));
	return /^[a-z0-9]+$/.test(id) ? id : undefined;
}
