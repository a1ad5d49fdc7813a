// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "export/web_config.h"
#include "util/yaml_load.h"

static const char *const auth_names[] = { "NoClientCert", "RequestClientCert",
					  "RequireAnyClientCert", "VerifyClientCertIfGiven",
					  "RequireAndVerifyClientCert" };
static const char *const versions[] = { "TLS10", "TLS11", "TLS12", "TLS13" };
static const char *const gnutls_versions[] = { "VERS-TLS1.0", "VERS-TLS1.1", "VERS-TLS1.2",
					       "VERS-TLS1.3" };

const char *client_auth_name(enum client_auth a)
{
	return a <= CLIENT_REQUIRE_AND_VERIFY ? auth_names[a] : "?";
}

struct wc_loader {
	const char *path;
	yaml_document_t doc;
	struct web_config *w;
	char *err;
	size_t errlen;
	int min_v, max_v;
	char cert_file[512], key_file[512], ca_file[512];
};

static int wc_fail(struct wc_loader *l, const yaml_node_t *n, const char *fmt, const char *a,
		   const char *b)
{
	int off = snprintf(l->err, l->errlen, "%s:%zu: ", l->path, n ? n->start_mark.line + 1 : 0);

	snprintf(l->err + off, l->errlen - off, fmt, a, b);
	return -EINVAL;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int choice(struct wc_loader *l, const yaml_node_t *v, const char *key,
		  const char *const *names, int n, const char *allowed)
{
	const char *s = scalar(v);
	int i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return wc_fail(l, v, "%s: not one of: %s", key, allowed);
}

static int tls_section(struct wc_loader *l, yaml_node_t *map)
{
	yaml_node_pair_t *p;
	int i;

	if (map->type != YAML_MAPPING_NODE)
		return wc_fail(l, map, "%s: expected a mapping of: %s", "tls_server_config",
			       "cert_file, key_file, client_ca_file, client_auth_type, "
			       "min_version, max_version");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const char *key = scalar(k), *val = scalar(v);
		char *dst = NULL;

		if (!key)
			return wc_fail(l, k, "%s%s", "keys must be names", "");
		if (!strcmp(key, "cert_file"))
			dst = l->cert_file;
		else if (!strcmp(key, "key_file"))
			dst = l->key_file;
		else if (!strcmp(key, "client_ca_file"))
			dst = l->ca_file;
		if (dst) {
			if (!val || !*val || strlen(val) >= sizeof(l->cert_file))
				return wc_fail(l, v, "tls_server_config.%s: %s", key,
					       "expected a file name");
			snprintf(dst, sizeof(l->cert_file), "%s", val);
		} else if (!strcmp(key, "client_auth_type")) {
			i = choice(l, v, "tls_server_config.client_auth_type", auth_names, 5,
				   "NoClientCert, RequestClientCert, RequireAnyClientCert, "
				   "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
			if (i < 0)
				return i;
			l->w->client_auth = i;
		} else if (!strcmp(key, "min_version") || !strcmp(key, "max_version")) {
			i = choice(l, v, key, versions, 4, "TLS10, TLS11, TLS12, TLS13");
			if (i < 0)
				return i;
			*(key[1] == 'i' ? &l->min_v : &l->max_v) = i;
		} else {
			return wc_fail(l, k,
				       "unknown or unsupported key 'tls_server_config.%s' (allowed "
				       "here: %s)",
				       key,
				       "cert_file, key_file, client_ca_file, client_auth_type, "
				       "min_version, max_version");
		}
	}
	return 0;
}

static int users_section(struct wc_loader *l, yaml_node_t *map)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE)
		return wc_fail(l, map, "%s: %s", "basic_auth_users",
			       "expected a mapping of user names to bcrypt hashes");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *user = scalar(yaml_document_get_node(&l->doc, p->key));
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const char *hash = scalar(v);
		struct web_user *u;

		if (!user || !*user || strlen(user) >= sizeof(u->name) || strchr(user, ':'))
			return wc_fail(l, v, "basic_auth_users: '%s' %s", user ? user : "",
				       "is not a user name (at most 63 bytes, no ':')");
		/* bcrypt only: $2a$, $2b$ or $2y$, as exporter-toolkit takes. */
		if (!hash || strlen(hash) >= sizeof(u->hash) || strncmp(hash, "$2", 2) ||
		    !strchr("aby", hash[2]) || hash[3] != '$')
			return wc_fail(l, v, "basic_auth_users.%s: %s", user,
				       "expected a bcrypt hash ($2y$...), e.g. from "
				       "`htpasswd -nbBC 10 USER PASSWORD`");
		if (l->w->n_users == WEB_USERS_MAX)
			return wc_fail(l, v, "basic_auth_users: more than %s users%s", "64", "");
		u = &l->w->users[l->w->n_users++];
		snprintf(u->name, sizeof(u->name), "%s", user);
		snprintf(u->hash, sizeof(u->hash), "%s", hash);
	}
	return 0;
}

static int read_file(struct wc_loader *l, const char *what, const char *file, char **out)
{
	FILE *f;
	long n;

	f = fopen(file, "rb");
	if (!f) {
		snprintf(l->err, l->errlen, "%s: tls_server_config.%s: %s: %s", l->path, what, file,
			 strerror(errno));
		return -errno;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n <= 0 || n > (1 << 20)) {
		fclose(f);
		snprintf(l->err, l->errlen, "%s: tls_server_config.%s: %s: not a PEM file", l->path,
			 what, file);
		return -EINVAL;
	}
	*out = calloc(1, n + 1);
	if (!*out || fread(*out, 1, n, f) != (size_t)n) {
		fclose(f);
		snprintf(l->err, l->errlen, "%s: tls_server_config.%s: %s: read error", l->path,
			 what, file);
		return -EIO;
	}
	fclose(f);
	return 0;
}

/* A relative file name is relative to the directory of the web config. */
static void resolve(const struct wc_loader *l, char *file, size_t len)
{
	const char *slash = strrchr(l->path, '/');
	char tmp[512];

	if (!file[0] || file[0] == '/' || !slash)
		return;
	snprintf(tmp, sizeof(tmp), "%.*s/%s", (int)(slash - l->path), l->path, file);
	snprintf(file, len, "%s", tmp);
}

static int finish_tls(struct wc_loader *l)
{
	struct web_config *w = l->w;
	int err, v, off;

	if (!l->cert_file[0] && !l->key_file[0] && !l->ca_file[0])
		return 0;
	if (!l->cert_file[0] || !l->key_file[0]) {
		snprintf(l->err, l->errlen,
			 "%s: tls_server_config: cert_file and key_file are both needed", l->path);
		return -EINVAL;
	}
	if (w->client_auth != CLIENT_NO_CERT && !l->ca_file[0]) {
		snprintf(l->err, l->errlen,
			 "%s: tls_server_config: client_auth_type %s needs client_ca_file", l->path,
			 client_auth_name(w->client_auth));
		return -EINVAL;
	}
	if (l->min_v > l->max_v) {
		snprintf(l->err, l->errlen,
			 "%s: tls_server_config: min_version %s is above "
			 "max_version %s",
			 l->path, versions[l->min_v], versions[l->max_v]);
		return -EINVAL;
	}
	resolve(l, l->cert_file, sizeof(l->cert_file));
	resolve(l, l->key_file, sizeof(l->key_file));
	resolve(l, l->ca_file, sizeof(l->ca_file));
	err = read_file(l, "cert_file", l->cert_file, &w->cert_pem);
	if (!err)
		err = read_file(l, "key_file", l->key_file, &w->key_pem);
	if (!err && l->ca_file[0])
		err = read_file(l, "client_ca_file", l->ca_file, &w->ca_pem);
	if (err)
		return err;
	off = snprintf(w->priorities, sizeof(w->priorities), "NORMAL:-VERS-ALL");
	for (v = l->min_v; v <= l->max_v; v++)
		off += snprintf(w->priorities + off, sizeof(w->priorities) - off, ":+%s",
				gnutls_versions[v]);
	w->tls = 1;
	return 0;
}

int web_config_load(const char *path, struct web_config *w, char *err, size_t errlen)
{
	struct wc_loader l = {
		.path = path, .w = w, .err = err, .errlen = errlen, .min_v = 2, .max_v = 3
	};
	yaml_node_pair_t *p;
	yaml_node_t *root;
	int rc;

	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->cache_lock, NULL);
	rc = yaml_load_file(path, &l.doc, err, errlen);
	if (rc)
		return rc;
	root = yaml_document_get_root_node(&l.doc);
	if (root && root->type != YAML_MAPPING_NODE)
		rc = wc_fail(&l, root, "%s: %s", "top level",
			     "expected a mapping of: tls_server_config, basic_auth_users");
	for (p = root && !rc ? root->data.mapping.pairs.start : NULL;
	     p && p < root->data.mapping.pairs.top && !rc; p++) {
		yaml_node_t *k = yaml_document_get_node(&l.doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l.doc, p->value);
		const char *key = scalar(k);

		if (key && !strcmp(key, "tls_server_config"))
			rc = tls_section(&l, v);
		else if (key && !strcmp(key, "basic_auth_users"))
			rc = users_section(&l, v);
		else
			rc = wc_fail(&l, k, "unknown or unsupported key '%s' (allowed here: %s)",
				     key ? key : "", "tls_server_config, basic_auth_users");
	}
	if (!rc)
		rc = finish_tls(&l);
	yaml_document_delete(&l.doc);
	if (rc)
		web_config_free(w);
	return rc;
}

void web_config_free(struct web_config *w)
{
	if (!w)
		return;
	free(w->cert_pem);
	free(w->key_pem);
	free(w->ca_pem);
	w->cert_pem = w->key_pem = w->ca_pem = NULL;
}

static void digest(const char *user, const char *password, const char *hash, unsigned char *out)
{
	size_t ul = strlen(user), pl = strlen(password), hl = strlen(hash);
	char *buf = malloc(ul + pl + hl + 3);

	memset(out, 0, 32);
	if (!buf)
		return;
	memcpy(buf, user, ul + 1);
	memcpy(buf + ul + 1, password, pl + 1);
	memcpy(buf + ul + pl + 2, hash, hl + 1);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, ul + pl + hl + 3, out);
	free(buf);
}

int web_config_check(struct web_config *w, const char *user, const char *password)
{
	struct crypt_data cd;
	unsigned char d[32];
	const char *out;
	int i, ok = 0, u = -1;

	for (i = 0; i < w->n_users; i++)
		if (!strcmp(w->users[i].name, user))
			u = i;
	if (u < 0)
		return 0;
	digest(user, password, w->users[u].hash, d);
	pthread_mutex_lock(&w->cache_lock);
	for (i = 0; i < (int)w->cache_used && !ok; i++)
		ok = !memcmp(w->cache[i], d, sizeof(d));
	pthread_mutex_unlock(&w->cache_lock);
	if (ok)
		return 1;
	memset(&cd, 0, sizeof(cd));
	out = crypt_r(password, w->users[u].hash, &cd);
	ok = out && out[0] != '*' && strlen(out) == strlen(w->users[u].hash) &&
	     !strcmp(out, w->users[u].hash);
	if (ok) {
		pthread_mutex_lock(&w->cache_lock);
		memcpy(w->cache[w->cache_next++ % WEB_AUTH_CACHE], d, sizeof(d));
		if (w->cache_used < WEB_AUTH_CACHE)
			w->cache_used++;
		pthread_mutex_unlock(&w->cache_lock);
	}
	return ok;
}
