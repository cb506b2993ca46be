import type { Session } from "../env";
import { Layout } from "./layout";

export interface ErrorPageProps {
	status: number;
	message: string;
	session?: Session | undefined;
}

const TITLES: Record<number, string> = {
	400: "That did not work",
	403: "Not allowed",
	404: "Not found",
	409: "That did not work",
	413: "Too large",
	415: "Not a form",
	422: "That did not work",
	500: "Something went wrong",
	502: "The API did not answer",
	503: "Unavailable",
};

export function ErrorPage({ status, message, session }: ErrorPageProps) {
	return (
		<Layout title={TITLES[status] ?? "That did not work"} session={session}>
			<p class="problem" role="alert">
				{message}
			</p>
			<p>
				<a href="/">Back to the start</a>
			</p>
		</Layout>
	);
}
