/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Untrusted text (request lines, process and pod names) as JSON string values. */
#ifndef NETOBS_UTIL_JSON_TEXT_H
#define NETOBS_UTIL_JSON_TEXT_H

#include <jansson.h>

/*
 * A JSON string of @s, its invalid UTF-8 escaped as \xNN (jansson refuses
 * such text, and the field would be lost); JSON null for NULL or "".
 */
json_t *json_text_or_null(const char *s);

#endif /* NETOBS_UTIL_JSON_TEXT_H */
