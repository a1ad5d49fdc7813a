// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "util/json_text.h"
#include "util/utf8.h"

json_t *json_text_or_null(const char *s)
{
	json_t *j;
	size_t len;
	char *buf;

	if (!s || !s[0])
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	/* Not UTF-8: at most four bytes of text per byte of input. */
	len = strlen(s) * 4 + 1;
	buf = malloc(len);
	if (!buf)
		return json_null();
	j = json_string(utf8_escape_invalid(s, buf, len));
	free(buf);
	return j ? j : json_null();
}
