// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned int c = s[0], min, cp;
	size_t want, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		want = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		want = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		want = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < want)
		return 0;
	for (i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return want;
}

char *utf8_escape_invalid(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0, k;

	if (!len)
		return buf;
	while (i < n) {
		k = utf8_seq_len(p + i, n - i);
		if (k) {
			if (o + k >= len)
				break;
			memcpy(buf + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		if (o + 4 >= len)
			break;
		snprintf(buf + o, 5, "\\x%02x", p[i]);
		o += 4;
		i++;
	}
	buf[o] = '\0';
	return buf;
}
