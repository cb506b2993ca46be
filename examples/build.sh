#!/usr/bin/env bash
# Builds every WebAssembly binary in the repository from its source: the examples and the WASI test
# fixtures. The binaries are committed beside their sources so that `npm test` needs no toolchain;
# CI (.ci/run) installs the toolchains, runs this script and fails if any binary differs from the
# committed one, so the binaries always are what these sources build to.
#
# Toolchains:
#   C               Debian's clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32:
#                   apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
#   AssemblyScript  the `assemblyscript` and `@assemblyscript/wasi-shim` devDependencies (npm install)
set -euo pipefail
cd "$(dirname "$0")/.."

CC="${CC:-clang-14}"
# clang runs `wasm-opt` after linking whenever one is on PATH; binaryen's (an AssemblyScript
# dependency, pinned by the lockfile) is always first, so the output never depends on the caller's PATH.
export PATH="$PWD/node_modules/.bin:$PATH"

# A WASI preview1 command (exports _start) from one C file, with wasi-libc installed under /usr.
wasi_command() {
	"$CC" --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Wl,--strip-debug -o "$2" "$1"
	echo "built $2 ($(wc -c <"$2") bytes)"
}

wasi_command examples/wagi-c-echo/echo.c examples/wagi-c-echo/echo.wasm
wasi_command examples/wagi-hello/hello.c examples/wagi-hello/hello.wasm
wasi_command test/fixtures/wasi/cases.c test/fixtures/wasi/cases.wasm

# AssemblyScript projects: each asconfig.json names its entry and output.
for project in examples/wagi-as-echo examples/worker-wasm; do
	(cd "$project" && asc --config asconfig.json)
	echo "built $project"
done
