/*
 * A WAGI program in C (wasi-libc): an ordinary command-line program that reads the request from its
 * environment, arguments and stdin, and prints a CGI response. Built by ../build.sh; deploy echo.wasm
 * with `"wasi": "wagi"` in the metadata (docs/wasm.md).
 *
 *   GET  /anything?x=1         200, echoes the request (method, path, query, argv, HTTP_* headers, body)
 *   POST /anything             201 Created, same echo
 *   any  /anything?status=418  that status
 *   GET  /redirect?to=/there   a redirect (Location only: 302; add status=301 for another code)
 *
 * Every echo sets a cookie counting the caller's visits. A line on stderr goes to the platform's log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

/* The request body: everything on stdin (the platform sends exactly CONTENT_LENGTH bytes). */
static char *read_all(FILE *in, size_t *length) {
	size_t capacity = 4096, used = 0, n;
	char *buffer = malloc(capacity);
	while (buffer && (n = fread(buffer + used, 1, capacity - used, in)) > 0) {
		used += n;
		if (used == capacity) buffer = realloc(buffer, capacity *= 2);
	}
	*length = used;
	return buffer;
}

/* The query's parameters arrive as arguments: argv[1..] are "name=value" (still percent-encoded). */
static const char *parameter(int argc, char **argv, const char *name) {
	size_t length = strlen(name);
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], name, length) == 0 && argv[i][length] == '=') return argv[i] + length + 1;
	return NULL;
}

/* The value of the "visits" cookie in HTTP_COOKIE ("a=1; visits=3; b=2"), or 0. */
static long visits(void) {
	const char *cookie = getenv("HTTP_COOKIE");
	while (cookie && *cookie) {
		while (*cookie == ' ' || *cookie == ';') cookie++;
		if (strncmp(cookie, "visits=", 7) == 0) return strtol(cookie + 7, NULL, 10);
		cookie = strchr(cookie, ';');
	}
	return 0;
}

static const char *env_or_empty(const char *name) {
	const char *value = getenv(name);
	return value ? value : "";
}

int main(int argc, char **argv) {
	const char *method = env_or_empty("REQUEST_METHOD");
	const char *path = env_or_empty("PATH_INFO");
	const char *status = parameter(argc, argv, "status");

	if (strcmp(path, "/redirect") == 0) {
		const char *to = parameter(argc, argv, "to");
		printf("Location: %s\n", to ? to : "/");
		if (status) printf("Status: %s\n", status);
		printf("\n");
		return 0;
	}

	size_t length;
	char *body = read_all(stdin, &length);
	if (!body) {
		fputs("echo: out of memory reading the body\n", stderr);
		return 1;
	}

	if (status)
		printf("Status: %s\n", status);
	else if (strcmp(method, "POST") == 0)
		printf("Status: 201 Created\n");
	printf("Content-Type: text/plain; charset=utf-8\n");
	printf("Set-Cookie: visits=%ld; Path=/; HttpOnly\n", visits() + 1);
	printf("X-Powered-By: C (wasi-libc)\n");
	printf("\n");

	printf("method=%s\npath=%s\nquery=%s\n", method, path, env_or_empty("QUERY_STRING"));
	for (int i = 0; i < argc; i++) printf("arg=%s\n", argv[i]);
	for (char **variable = environ; *variable; variable++)
		if (strncmp(*variable, "HTTP_", 5) == 0) printf("%s\n", *variable);
	printf("stdin=%zu\n\n", length);
	fwrite(body, 1, length, stdout);

	fprintf(stderr, "echo: %s %s, %zu bytes in\n", method, path, length);
	free(body);
	return 0;
}
