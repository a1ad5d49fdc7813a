/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TLS and basic authentication for the HTTP server, in the web-config format
 * of Prometheus' exporter-toolkit (node_exporter's --web.config.file), so one
 * file serves both. TLS is libmicrohttpd's (GnuTLS); passwords are bcrypt
 * hashes checked with libxcrypt's crypt().
 */
#ifndef NETOBS_WEB_CONFIG_H
#define NETOBS_WEB_CONFIG_H

#include <pthread.h>
#include <stddef.h>

enum client_auth {
	CLIENT_NO_CERT = 0,	   /* NoClientCert */
	CLIENT_REQUEST,		   /* RequestClientCert */
	CLIENT_REQUIRE_ANY,	   /* RequireAnyClientCert */
	CLIENT_VERIFY_IF_GIVEN,	   /* VerifyClientCertIfGiven */
	CLIENT_REQUIRE_AND_VERIFY, /* RequireAndVerifyClientCert */
};

#define WEB_USERS_MAX 64
#define WEB_AUTH_CACHE 64

struct web_user {
	char name[64];
	char hash[128]; /* bcrypt */
};

struct web_config {
	int tls;
	char *cert_pem, *key_pem, *ca_pem; /* file contents; ca_pem NULL without client CA */
	enum client_auth client_auth;
	char priorities[128]; /* GnuTLS priority string from min_version/max_version */
	int n_users;
	struct web_user users[WEB_USERS_MAX];
	/* Successful checks, so a scrape does not pay bcrypt every time. */
	pthread_mutex_t cache_lock;
	unsigned char cache[WEB_AUTH_CACHE][32];
	unsigned int cache_next, cache_used;
};

/* 0, or -errno / -EINVAL with one line in @err naming the file, line and key. */
int web_config_load(const char *path, struct web_config *w, char *err, size_t errlen);
void web_config_free(struct web_config *w);
/* 1 if @user with @password is allowed (bcrypt, or a cached earlier success). */
int web_config_check(struct web_config *w, const char *user, const char *password);
const char *client_auth_name(enum client_auth a);

#endif /* NETOBS_WEB_CONFIG_H */
