/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Label values as the Prometheus text format and OpenMetrics require them:
 * backslash, double quote and line feed escaped, and valid UTF-8 (bytes that
 * are not are written as the text \xNN, its backslash escaped too). Process,
 * pod and interface names are anyone's to choose.
 */
#ifndef NETOBS_PROM_LABEL_H
#define NETOBS_PROM_LABEL_H

#include <stddef.h>

/* Worst case: every byte of @s becomes \\xNN (5 bytes). */
#define PROM_LABEL_MAX(n) ((n)*5 + 1)

/* @s escaped into @buf (at most @len bytes with the NUL); returns @buf. */
char *prom_label(char *buf, size_t len, const char *s);

#endif /* NETOBS_PROM_LABEL_H */
