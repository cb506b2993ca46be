/**
 * Deploy latency: from sending the upload (the body is encoded beforehand) to the first 200 carrying
 * the new deployment's answer, redeploying one script again and again.
 */

import { encodeUpload } from "../../cli/src/deploy/upload.ts";
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { jsBundle } from "../api.ts";
import type { Probe } from "../probe.ts";

const MAX_POLLS = 1000;

export async function measureDeploys(api: FerryApi, probe: Probe, deploys: number): Promise<number[]> {
	const name = `deploy-${Date.now().toString(36)}`;
	const samples: number[] = [];
	for (let i = 0; i < deploys; i++) {
		const text = `version ${i}\n`;
		const upload = await encodeUpload(jsBundle(name, text));
		const sent = performance.now();
		await api.deploy(name, { body: upload.bytes, contentType: upload.contentType }, () => {});
		let polls = 0;
		for (;;) {
			const answer = await probe.get(`${name}.localhost`);
			if (answer.status === 200 && answer.body === text) break;
			if (++polls >= MAX_POLLS) throw new Error(`${name}: the new deployment never answered (last: ${answer.status})`);
		}
		samples.push(performance.now() - sent);
	}
	return samples;
}
