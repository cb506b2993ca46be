/*
 * The smallest useful WAGI program: a CGI header, a blank line, a body. The benchmark's WASI hello
 * world (compare with a JavaScript Worker answering the same text). Built by ../build.sh.
 */
#include <stdio.h>

int main(void) {
	fputs("Content-Type: text/plain\n\nHello, world!\n", stdout);
	return 0;
}
