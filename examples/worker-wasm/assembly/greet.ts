/** A library compiled to WebAssembly and called from a JavaScript Worker (../src/worker.js). */
export function greet(name: string): string {
	return "Hello, " + name + ", from WebAssembly!";
}

/** Counts the words of a text (runs of non-space characters). */
export function countWords(text: string): i32 {
	let words = 0;
	let inWord = false;
	for (let i = 0; i < text.length; i++) {
		const space = text.charCodeAt(i) <= 32;
		if (!space && !inWord) words++;
		inWord = !space;
	}
	return words;
}
