// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Process, container and pod context of a socket's owner. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "socket/proc_ctx.h"

#define CONTAINER_ID_LEN 64
#define POD_UID_LEN 36

static int all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A 64-hex container id in one path component, with a runtime's prefix and .scope, or bare. */
static int container_in(const char *c, size_t n, char *id)
{
	static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-",
						"libpod-", "containerd-",     "" };
	size_t i, pl;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		pl = strlen(prefixes[i]);
		if (n < pl + CONTAINER_ID_LEN || strncmp(c, prefixes[i], pl))
			continue;
		if (!all_hex(c + pl, CONTAINER_ID_LEN))
			continue;
		if (n != pl + CONTAINER_ID_LEN &&
		    !(n == pl + CONTAINER_ID_LEN + 6 && !strncmp(c + n - 6, ".scope", 6)))
			continue;
		memcpy(id, c + pl, CONTAINER_ID_LEN);
		id[CONTAINER_ID_LEN] = '\0';
		return 1;
	}
	return 0;
}

/* "pod<uid>" (cgroupfs) or "kubepods-<qos>-pod<uid_with_underscores>.slice" (systemd). */
static int pod_in(const char *c, size_t n, char *uid)
{
	const char *p = NULL, *s;
	size_t i;

	for (s = c; s + 3 <= c + n; s++)
		if (!strncmp(s, "pod", 3) && (s == c || s[-1] == '-'))
			p = s + 3;
	if (!p || (size_t)(c + n - p) < POD_UID_LEN)
		return 0;
	for (i = 0; i < POD_UID_LEN; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (!(isxdigit((unsigned char)ch) || ch == '-'))
			return 0;
		uid[i] = (char)tolower((unsigned char)ch);
	}
	uid[POD_UID_LEN] = '\0';
	return 1;
}

void proc_ctx_from_cgroup_path(struct proc_ctx *p, const char *path)
{
	const char *c = path;

	snprintf(p->cgroup_path, sizeof(p->cgroup_path), "%s", path);
	p->container_id[0] = '\0';
	p->pod_uid[0] = '\0';
	while (*c) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (n) {
			if (container_in(c, n, p->container_id) == 0 && !p->pod_uid[0])
				pod_in(c, n, p->pod_uid);
		}
		c += n;
	}
}

static void annotation(json_t *ann, const char *const keys[], char *dst, size_t len)
{
	int i;

	for (i = 0; keys[i]; i++) {
		const char *v = json_string_value(json_object_get(ann, keys[i]));

		if (v) {
			snprintf(dst, len, "%s", v);
			return;
		}
	}
}

int proc_ctx_read_pod(struct proc_ctx *p, const char *bundle_roots)
{
	static const char *const name_keys[] = { "io.kubernetes.cri.sandbox-name",
						 "io.kubernetes.pod.name", NULL };
	static const char *const ns_keys[] = { "io.kubernetes.cri.sandbox-namespace",
					       "io.kubernetes.pod.namespace", NULL };
	static const char *const uid_keys[] = { "io.kubernetes.cri.sandbox-uid",
						"io.kubernetes.pod.uid", NULL };
	const char *r = bundle_roots;
	char path[512];

	if (!p->container_id[0] || !bundle_roots)
		return -ENOENT;
	while (*r) {
		size_t n = strcspn(r, ":");
		json_t *cfg;

		/* containerd: ROOT/ID/config.json; CRI-O: ROOT/ID/userdata/config.json. */
		snprintf(path, sizeof(path), "%.*s/%s/config.json", (int)n, r, p->container_id);
		cfg = json_load_file(path, 0, NULL);
		if (!cfg) {
			snprintf(path, sizeof(path), "%.*s/%s/userdata/config.json", (int)n, r,
				 p->container_id);
			cfg = json_load_file(path, 0, NULL);
		}
		r += n + (r[n] == ':');
		if (!cfg)
			continue;
		annotation(json_object_get(cfg, "annotations"), name_keys, p->pod_name,
			   sizeof(p->pod_name));
		annotation(json_object_get(cfg, "annotations"), ns_keys, p->pod_namespace,
			   sizeof(p->pod_namespace));
		if (!p->pod_uid[0])
			annotation(json_object_get(cfg, "annotations"), uid_keys, p->pod_uid,
				   sizeof(p->pod_uid));
		json_decref(cfg);
		return 0;
	}
	return -ENOENT;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		err = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return err;
}

int proc_ctx_from_pid(struct proc_ctx *p, __u32 pid, const char *proc_root)
{
	char path[256], line[512];
	FILE *f;

	p->pid = pid;
	snprintf(path, sizeof(path), "%s/%u/comm", proc_root, pid);
	if (read_line(path, p->comm, sizeof(p->comm)))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%u/cgroup", proc_root, pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* cgroup v2's line is "0::PATH"; a hybrid host lists v1 controllers first. */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "0::", 3)) {
			proc_ctx_from_cgroup_path(p, line + 3);
			break;
		}
	}
	fclose(f);
	return 0;
}
