// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "export/prom_label.h"
#include "util/utf8.h"

char *prom_label(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s), tlen = n * 4 + 1, o = 0, i;
	char stack[512], *text = tlen <= sizeof(stack) ? stack : malloc(tlen);

	if (!len)
		return buf;
	if (!text) {
		buf[0] = 0;
		return buf;
	}
	utf8_escape_invalid(s, text, tlen);
	for (i = 0; text[i]; i++) {
		const char *esc = text[i] == '\\'   ? "\\\\"
				  : text[i] == '"'  ? "\\\""
				  : text[i] == '\n' ? "\\n"
						    : NULL;
		size_t k = esc ? 2 : 1;

		if (o + k >= len)
			break;
		if (esc)
			memcpy(buf + o, esc, 2);
		else
			buf[o] = text[i];
		o += k;
	}
	buf[o] = 0;
	if (text != stack)
		free(text);
	return buf;
}
