/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef NETOBS_LOG_H
#define NETOBS_LOG_H

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

void log_set_level(enum log_level level);
/* One JSON object per line ({"time", "level", "msg"}) instead of text. */
void log_set_json(int json);
enum log_level log_get_level(void);
/* Route libbpf's and libxdp's messages through our logger (shown with -v). */
void log_route_libbpf(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * At most one line per @key every LOG_RATE_SECONDS, with how many were held
 * back since: for what clients or the network can make us say at any rate.
 * Safe from any thread.
 */
#define LOG_RATE_SECONDS 10
void log_ratelimited(enum log_level level, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define pr_err(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* NETOBS_LOG_H */
