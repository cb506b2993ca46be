import type { Child } from "hono/jsx";
import type { Session } from "../env";
import { CsrfField, Layout } from "./layout";

export interface ConfirmProps {
	session: Session;
	title: string;
	/** Where the form posts. */
	action: string;
	/** Hidden fields besides the CSRF token. */
	values?: Record<string, string>;
	button: string;
	/** Where "Cancel" goes. */
	back: string;
	danger?: boolean;
	children?: Child;
}

/** A confirmation step before an action that changes what serves or deletes something. */
export function ConfirmPage({ session, title, action, values = {}, button, back, danger = false, children }: ConfirmProps) {
	return (
		<Layout title={title} session={session}>
			{children}
			<form method="post" action={action} class="actions">
				<CsrfField token={session.csrf} />
				{Object.entries(values).map(([name, value]) => (
					<input type="hidden" name={name} value={value} />
				))}
				<button type="submit" class={danger ? "danger" : undefined}>
					{button}
				</button>
				<a href={back}>Cancel</a>
			</form>
		</Layout>
	);
}
