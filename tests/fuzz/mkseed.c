/*
 * mkseed: writes the binary seeds of the fuzz corpora with kunci's own
 * builder and encoders, so every seed is something kuncid or the module
 * really writes: gate tables made by gtab_build() from an index, in
 * fuzz_gtab's input format, and frames and payloads made by proto.c's
 * encoders.  `make fuzz-seeds` runs it into tests/fuzz/corpus; its output
 * is deterministic, so a rerun changes nothing unless the formats did.
 *
 * The workflow snapshots (fuzz_snap) are those of the shipped workflows,
 * read from the cfg corpus's copy of conf/kunci.conf.
 *
 *	mkseed CORPUSDIR
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "decide.h"
#include "gindex.h"
#include "gtab.h"
#include "gtab_build.h"
#include "proto.h"
#include "wf.h"

#define NOW	1790000000	/* fuzz_gtab.c's FUZZ_NOW */

static const char *dir;
static int nuuid;

static void
save(const char *corpus, const char *name, const void *a, size_t alen,
    const void *b, size_t blen)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, corpus);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, corpus, name);
	if ((fp = fopen(path, "w")) == NULL ||
	    (alen > 0 && fwrite(a, 1, alen, fp) != alen) ||
	    (blen > 0 && fwrite(b, 1, blen, fp) != blen) || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

static void
uuid(unsigned char u[GINDEX_UUID_LEN])
{
	memset(u, 0, GINDEX_UUID_LEN);
	nuuid++;
	memcpy(u, &nuuid, sizeof(nuuid));
}

static void
grant(struct gindex *ix, const char *sub, const char *res, const char *st,
    int64_t nb, int64_t na, const char *win)
{
	struct gindex_grant_in in;
	unsigned char u[GINDEX_UUID_LEN];
	char id[32], dn[64];
	const char *w[1] = { win };

	uuid(u);
	snprintf(id, sizeof(id), "G-%d", nuuid);
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants", id);
	memset(&in, 0, sizeof(in));
	in.dn = dn;
	in.id = id;
	in.subject = sub;
	in.resource = res;
	in.status = st;
	in.not_before = nb;
	in.not_after = na;
	in.windows = w;
	in.nwindows = win != NULL;
	if (gindex_put_grant(ix, u, &in) == -1)
		abort();
}

static void
person(struct gindex *ix, const char *uid)
{
	unsigned char u[GINDEX_UUID_LEN];

	uuid(u);
	if (gindex_put_person(ix, u, uid) == -1)
		abort();
}

/* fuzz_gtab's input: ctl, dt, the query, the table. */
static void
gtab_seed(const char *name, const unsigned char *tab, size_t len,
    uint8_t ctl, int32_t dt, const char *user, const char *service,
    const char *host, const char *res)
{
	unsigned char pre[6 + 255];
	size_t q = 0;
	const char *f[4] = { user, service, host, res };
	int i;

	for (i = 0; i < 4; i++) {
		size_t n = strlen(f[i]);

		if (q + n + 1 > 255)
			abort();
		memcpy(pre + 6 + q, f[i], n);
		q += n;
		pre[6 + q++] = '\0';
	}
	pre[0] = ctl;
	memcpy(pre + 1, &dt, sizeof(dt));
	pre[5] = (uint8_t)q;
	save("gtab", name, pre, 6 + q, tab, len);
}

static void
gtab_seeds(void)
{
	static const char *unm[] = { "darurat" };
	static const char *svc[] = { "sshd", "webmin" };
	static const char *tmpl[] = { "host:%h", "control-panel:%h-webmin" };
	struct gtab_policy pol = {
		.lang_en = 1, .hostname = "srv1",
		.unmanaged = (char *const *)(uintptr_t)unm, .nunmanaged = 1,
		.service = svc, .tmpl = tmpl, .nservices = 2,
	};
	struct gindex *ix;
	unsigned char *buf;
	size_t len;

	if ((ix = gindex_new()) == NULL)
		abort();
	person(ix, "budi");
	person(ix, "siti");
	person(ix, "andi");
	person(ix, "darurat");
	person(ix, "*");
	grant(ix, "budi", "host:srv1", "active", NOW - 60, NOW + 3600, NULL);
	grant(ix, "budi", "host:srv1", "revoked", NOW - 60, NOW + 3600, NULL);
	grant(ix, "budi", "control-panel:srv1-webmin", "active", NOW - 60,
	    NOW + 3600, "mon-fri 08:00-17:00");
	grant(ix, "siti", "host:srv1", "active", NOW - 60, NOW + 3600,
	    "daily 22:00-06:00");
	grant(ix, "siti", "host:srv2", "suspended", NOW - 60, NOW + 3600,
	    NULL);
	grant(ix, "andi", "host:srv1", "active", NOW + 600, NOW + 7200, NULL);
	grant(ix, "andi", "host:srv2", "expired", NOW - 7200, NOW - 60, NULL);
	grant(ix, "andi", "host:srv3", "active", NOW - 60, NOW + 60,
	    "someday 99:00-00:00");
	grant(ix, "*", "host:srv1", "active", NOW - 60, NOW + 3600, NULL);
	/* fuzz_gindex: the same index as kuncid's snapshot carries it */
	if (gindex_encode(ix, &buf, &len) == -1)
		abort();
	save("gindex", "sample", buf, len, NULL, 0);
	free(buf);
	if (gtab_build(ix, &pol, &buf, &len) == -1)
		abort();
	/* live as kuncid keeps it: online, a few seconds ahead, WIB */
	gtab_set_live((struct gtab_hdr *)(void *)buf, GTAB_F_ONLINE,
	    NOW + GTAB_LIVE, 7 * 3600);
	gtab_seed("allow-sshd", buf, len, 0, 0, "budi", "sshd", "", "");
	gtab_seed("window-night", buf, len, 0, 15 * 3600, "siti", "sshd",
	    "", "");
	gtab_seed("webmin-window", buf, len, 2, 2 * 3600, "budi", "webmin",
	    "", "");
	gtab_seed("not-yet", buf, len, 0, 1, "andi", "cron", "h",
	    "host:srv1");
	gtab_seed("unmanaged", buf, len, 0, 2, "darurat", "sshd", "", "");
	gtab_seed("unknown", buf, len, 0, 3, "tamu", "sshd", "", "");
	gtab_seed("stale", buf, len, 0, 3600, "budi", "sshd", "", "");
	free(buf);

	/* offline and Indonesian: the module must not use it */
	pol.lang_en = 0;
	if (gtab_build(ix, &pol, &buf, &len) == -1)
		abort();
	gtab_set_live((struct gtab_hdr *)(void *)buf, 0, NOW + GTAB_LIVE, 0);
	gtab_seed("offline", buf, len, 0, 0, "budi", "sshd", "", "");
	gtab_seed("forced-live-id", buf, len, 3, 0, "siti", "sshd", "", "");
	free(buf);
	gindex_free(ix);

	/* an empty index */
	if ((ix = gindex_new()) == NULL ||
	    gtab_build(ix, &pol, &buf, &len) == -1)
		abort();
	gtab_set_live((struct gtab_hdr *)(void *)buf, GTAB_F_ONLINE,
	    NOW + GTAB_LIVE, 0);
	gtab_seed("empty", buf, len, 0, 0, "budi", "sshd", "", "");
	free(buf);
	gindex_free(ix);
}

static void
proto_save(const char *name, uint32_t type, const struct pbuf *b)
{
	unsigned char h[PROTO_HDR_LEN];
	char fname[64];

	if (b->err != 0)
		abort();
	save("proto", name, b->data, b->len, NULL, 0);
	proto_hdr_make(h, type, (uint32_t)b->len);
	snprintf(fname, sizeof(fname), "frame-%s", name);
	save("proto", fname, h, sizeof(h), b->data, b->len);
}

static void
proto_seeds(void)
{
	struct proto_query q;
	struct proto_answer a;
	struct proto_note n;
	struct pbuf b;
	static char w0[] = "--as", w1[] = "budi", w2[] = "request",
	    w3[] = "submit", w4[] = "--resource", w5[] = "host:srv1",
	    w6[] = "--type", w7[] = "account", w8[] = "--reason",
	    w9[] = "patch Tuesday", h0[] = "help";
	char *argv[] = { w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, NULL };
	char *help[] = { h0, NULL };

	pbuf_init(&b, PROTO_MAX);
	memset(&q, 0, sizeof(q));
	kd_copy(q.user, sizeof(q.user), "budi");
	kd_copy(q.service, sizeof(q.service), "sshd");
	kd_copy(q.rhost, sizeof(q.rhost), "10.0.0.7");
	kd_copy(q.tty, sizeof(q.tty), "ssh");
	kd_copy(q.host, sizeof(q.host), "srv1");
	proto_query_encode(&b, &q);
	proto_save("query", PROTO_T_QUERY, &b);

	pbuf_reset(&b);
	memset(&a, 0, sizeof(a));
	a.decision = PROTO_DENY;
	kd_copy(a.resource, sizeof(a.resource), "host:srv1");
	{
		struct kd_result kr;

		memset(&kr, 0, sizeof(kr));
		kr.decision = PROTO_DENY;
		kd_copy(kr.resource, sizeof(kr.resource), "host:srv1");
		kd_message(&kr, 1, NULL, 0, a.message, sizeof(a.message));
	}
	proto_answer_encode(&b, &a);
	proto_save("answer-deny", PROTO_T_ANSWER, &b);

	pbuf_reset(&b);
	memset(&n, 0, sizeof(n));
	n.q = q;
	n.decision = PROTO_ALLOW;
	kd_copy(n.resource, sizeof(n.resource), "host:srv1");
	kd_copy(n.grant, sizeof(n.grant), "G-1");
	kd_copy(n.reason, sizeof(n.reason), kd_why_text(KD_W_ALLOW));
	kd_copy(n.id, sizeof(n.id), "0123456789abcdef");
	n.at = 1796605200;
	proto_note_encode(&b, &n);
	proto_save("note-allow", PROTO_T_NOTE, &b);

	pbuf_reset(&b);
	n.decision = PROTO_UNKNOWN;
	n.grant[0] = '\0';
	kd_copy(n.reason, sizeof(n.reason), "unknown user");
	proto_note_encode(&b, &n);
	proto_save("note-unknown", PROTO_T_NOTE, &b);

	pbuf_reset(&b);
	proto_admin_encode(&b, 10, argv);
	proto_save("admin-submit", PROTO_T_ADMIN, &b);

	pbuf_reset(&b);
	proto_admin_encode(&b, 1, help);
	proto_save("admin-help", PROTO_T_ADMIN, &b);

	pbuf_reset(&b);
	proto_reply_encode(&b, 0, "R-2026-0001\n", 12, "");
	proto_save("reply-ok", PROTO_T_REPLY, &b);

	pbuf_reset(&b);
	proto_reply_encode(&b, 77, "", 0, "kuncictl: permission denied\n");
	proto_save("reply-noperm", PROTO_T_REPLY, &b);
	pbuf_free(&b);
}

static void
snap_seeds(void)
{
	static struct wf_snap snap;
	static char text[65536];
	struct kunci_cfg *cfg;
	char path[4096], err[512];
	size_t i;

	snprintf(path, sizeof(path), "%s/cfg/sasl-external.conf", dir);
	if ((cfg = cfg_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mkseed: %s\n", err);
		exit(1);
	}
	for (i = 0; i < cfg->nworkflows; i++) {
		wf_snap_from_cfg(&cfg->workflows[i], &snap);
		if (wf_snap_format(&snap, text, sizeof(text)) == -1)
			abort();
		save("snap", cfg->workflows[i].name, text, strlen(text), NULL,
		    0);
	}
	cfg_free(cfg);
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseed corpusdir\n");
		return 64;
	}
	dir = argv[1];
	(void)mkdir(dir, 0755);
	gtab_seeds();
	proto_seeds();
	snap_seeds();
	return 0;
}
