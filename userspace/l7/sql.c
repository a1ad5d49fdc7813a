// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * SQL literal masking: string and number literals become ?, so records and
 * logs carry the statement's shape, not the data in it.
 */
#include <ctype.h>

#include "l7/l7.h"

static int ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c == '@' || c == '`' || c == '.';
}

void l7_mask_sql(char *dst, size_t dst_len, const char *src, int dquote_is_literal)
{
	size_t o = 0;
	const char *s = src;

	if (!dst_len)
		return;
	while (*s && o + 1 < dst_len) {
		char q = *s;

		if (q == '\'' || (q == '"' && dquote_is_literal)) {
			/* A quoted literal; '' and \' stay inside it. An unterminated one is cut.
			 */
			s++;
			while (*s) {
				if (*s == '\\' && s[1]) {
					s += 2;
					continue;
				}
				if (*s == q && s[1] == q) {
					s += 2;
					continue;
				}
				if (*s++ == q)
					break;
			}
			dst[o++] = '?';
		} else if (isdigit((unsigned char)q) &&
			   (s == src || !ident_char((unsigned char)s[-1]))) {
			while (isalnum((unsigned char)*s) || *s == '.')
				s++; /* 12, 1.5, 0x1f, 1e3 */
			dst[o++] = '?';
		} else {
			dst[o++] = *s++;
		}
	}
	dst[o] = '\0';
}
