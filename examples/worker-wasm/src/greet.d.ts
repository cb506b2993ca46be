declare namespace __AdaptedExports {
  /** Exported memory */
  export const memory: WebAssembly.Memory;
  /**
   * assembly/greet/greet
   * @param name `~lib/string/String`
   * @returns `~lib/string/String`
   */
  export function greet(name: string): string;
  /**
   * assembly/greet/countWords
   * @param text `~lib/string/String`
   * @returns `i32`
   */
  export function countWords(text: string): number;
}
/** Instantiates the compiled WebAssembly module with the given imports. */
export declare function instantiate(module: WebAssembly.Module, imports: {
  env: unknown,
}): Promise<typeof __AdaptedExports>;
