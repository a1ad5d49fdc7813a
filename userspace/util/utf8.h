/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Text from the wire or from other processes is bytes, not UTF-8: records and
 * metric labels must stay valid UTF-8 whatever those bytes are.
 */
#ifndef NETOBS_UTIL_UTF8_H
#define NETOBS_UTIL_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when s[0] starts none. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/*
 * @s as valid UTF-8 in @buf (NUL-terminated, at most @len bytes with the NUL):
 * valid sequences are copied, every byte of an invalid one becomes the text
 * \xNN. Returns @buf. A sequence that does not fit whole is left out.
 */
char *utf8_escape_invalid(const char *s, char *buf, size_t len);

#endif /* NETOBS_UTIL_UTF8_H */
