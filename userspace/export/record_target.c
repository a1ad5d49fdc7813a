// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Where the NDJSON records go: unix:PATH, tcp://HOST:PORT or file:PATH, checked. */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "export/record_target.h"

static int spec_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (!n || n >= cap)
		return -EINVAL;
	memcpy(dst, src, n + 1);
	return 0;
}

int record_target_parse(const char *spec, struct record_target *out)
{
	struct record_target t = { 0 };
	const char *colon;

	if (!strncmp(spec, "unix:", 5)) {
		t.kind = SINK_UNIX;
		if (spec_copy(t.path, sizeof(t.path), spec + 5))
			return -EINVAL;
	} else if (!strncmp(spec, "file:", 5)) {
		t.kind = SINK_FILE;
		if (spec_copy(t.path, sizeof(t.path), spec + 5))
			return -EINVAL;
	} else if (!strncmp(spec, "tcp://", 6)) {
		struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
					  .ai_socktype = SOCK_STREAM },
				*ai;
		const char *host = spec + 6;
		size_t hl;

		t.kind = SINK_TCP;
		if (*host == '[') { /* [IPv6]:PORT */
			colon = strstr(host, "]:");
			if (!colon)
				return -EINVAL;
			hl = colon - host - 1;
			host++;
			colon++;
		} else {
			colon = strrchr(host, ':');
			if (!colon)
				return -EINVAL;
			hl = colon - host;
		}
		if (!hl || hl >= sizeof(t.host) || spec_copy(t.port, sizeof(t.port), colon + 1))
			return -EINVAL;
		memcpy(t.host, host, hl);
		if (atoi(t.port) < 1 || atoi(t.port) > 65535 ||
		    getaddrinfo(t.host, t.port, &hints, &ai))
			return -EINVAL;
		freeaddrinfo(ai);
	} else {
		return -EINVAL;
	}
	*out = t;
	return 0;
}

const char *record_sink_name(enum record_sink_kind kind)
{
	return kind == SINK_UNIX ? "unix" : kind == SINK_TCP ? "tcp" : "file";
}
