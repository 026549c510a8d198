/*
 * test_gindex: the grant index (gindex.c) and its snapshot (snapshot.c):
 * time-window parsing and matching, upsert and delete by UUID, exact
 * byte-wise subject matching, encode/decode round trip, a decoder fed
 * truncated and random input, and snapshots that fail their MAC; the
 * snapshot streamed in pieces (the same bytes, a failed write leaving the
 * old file and no temporary one).
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/hmac.h>

#include "gindex.h"
#include "snapshot.h"

static const unsigned char KEY[] = "0123456789abcdef0123456789abcdef";

static void
uuid(unsigned char u[GINDEX_UUID_LEN], int n)
{
	memset(u, 0, GINDEX_UUID_LEN);
	u[0] = (unsigned char)n;
	u[1] = (unsigned char)(n >> 8);
	u[2] = (unsigned char)(n >> 16);
	u[15] = 0xaa;
}

static int
put(struct gindex *ix, int n, const char *sub, const char *res,
    const char *st, const char *win)
{
	struct gindex_grant_in in;
	unsigned char u[GINDEX_UUID_LEN];
	char id[32], dn[96];
	const char *w[1] = { win };

	uuid(u, n);
	snprintf(id, sizeof(id), "G-%d", n);
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants", id);
	memset(&in, 0, sizeof(in));
	in.dn = dn;
	in.id = id;
	in.subject = sub;
	in.resource = res;
	in.status = st;
	in.not_before = 1000;
	in.not_after = 2000;
	in.windows = w;
	in.nwindows = win != NULL;
	return gindex_put_grant(ix, u, &in);
}

static int
count(const struct gindex *ix, const char *sub, const char *res)
{
	const struct gindex_grant *g;
	int n = 0;

	for (g = gindex_lookup(ix, sub, res); g != NULL; g = g->key_next)
		n += gindex_grant_is(g, sub, res);
	return n;
}

static const struct gindex_grant *
first(const struct gindex *ix, const char *sub, const char *res)
{
	const struct gindex_grant *g;

	for (g = gindex_lookup(ix, sub, res); g != NULL; g = g->key_next)
		if (gindex_grant_is(g, sub, res))
			return g;
	return NULL;
}

static void
t_windows(void **state)
{
	struct kd_win w;
	static const char *good[] = {
		"mon-fri 07:00-17:00", "daily 00:00-24:00", "* 08:00-09:30",
		"MON,Wed,fri 09:00-10:00", "sat-sun 22:00-06:00",
		"fri-mon 00:00-01:00", "  tue 23:59-24:00"
	};
	static const char *bad[] = {
		"", "mon-fri", "mon-fri 7:00-17:00", "mon-fri 07:00-25:00",
		"mon-fri 07:60-08:00", "xyz 07:00-08:00", "mon-fri 07:00-07:00",
		"mon-fri 24:00-01:00", "mon-fri 07:00-17:00 x", "mon- 07:00-08:00",
		"mon-fri 00:00-00:00", ",mon 07:00-08:00", "mon-fri 07:00_08:00"
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (gindex_parse_window(good[i], &w) != 0)
			fail_msg("rejected a good window: '%s'", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (gindex_parse_window(bad[i], &w) == 0)
			fail_msg("accepted a bad window: '%s'", bad[i]);
	assert_int_equal(gindex_parse_window("mon-fri 07:00-17:00", &w), 0);
	assert_int_equal(w.days, 0x3e);
	assert_int_equal(w.start, 420);
	assert_int_equal(w.end, 1020);
	assert_int_equal(gindex_parse_window("fri-mon 07:00-17:00", &w), 0);
	assert_int_equal(w.days, 0x63);		/* fri sat sun mon */
}

static int
at(const struct gindex_grant *g, int wday, int h, int m)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_wday = wday;
	tm.tm_hour = h;
	tm.tm_min = m;
	return gindex_in_window(g, &tm);
}

static void
t_in_window(void **state)
{
	struct gindex *ix = gindex_new();
	const struct gindex_grant *g;

	(void)state;
	assert_non_null(ix);
	assert_int_equal(put(ix, 1, "budi", "host:a", "active",
	    "mon-fri 07:00-17:00"), 0);
	g = first(ix, "budi", "host:a");
	assert_non_null(g);
	assert_true(at(g, 1, 7, 0));		/* Monday 07:00 */
	assert_true(at(g, 5, 16, 59));		/* Friday 16:59 */
	assert_false(at(g, 5, 17, 0));		/* end is exclusive */
	assert_false(at(g, 1, 6, 59));
	assert_false(at(g, 6, 10, 0));		/* Saturday */
	assert_false(at(g, 0, 10, 0));		/* Sunday */
	/* crossing midnight: Friday 22:00 to Saturday 06:00 */
	assert_int_equal(put(ix, 2, "budi", "host:b", "active",
	    "fri 22:00-06:00"), 0);
	g = first(ix, "budi", "host:b");
	assert_true(at(g, 5, 23, 0));
	assert_true(at(g, 6, 5, 59));
	assert_false(at(g, 6, 6, 0));
	assert_false(at(g, 5, 5, 0));		/* Friday morning: no */
	assert_false(at(g, 6, 23, 0));		/* Saturday evening: no */
	/* no window: any time; a bad one: never */
	assert_int_equal(put(ix, 3, "budi", "host:c", "active", NULL), 0);
	assert_true(at(first(ix, "budi", "host:c"), 3, 3, 3));
	assert_int_equal(put(ix, 4, "budi", "host:d", "active",
	    "someday 07:00-08:00"), 0);
	g = first(ix, "budi", "host:d");
	assert_true(g->badwin);
	assert_false(at(g, 1, 7, 30));
	gindex_free(ix);
}

static void
t_index(void **state)
{
	struct gindex *ix = gindex_new();
	unsigned char u[GINDEX_UUID_LEN];
	char sub[32];
	int i;

	(void)state;
	assert_int_equal(put(ix, 1, "budi", "host:a", "active", NULL), 0);
	assert_int_equal(put(ix, 2, "budi", "host:a", "revoked", NULL), 0);
	assert_int_equal(count(ix, "budi", "host:a"), 2);
	/* byte-wise: no case folding, no wildcards, no prefixes */
	assert_int_equal(count(ix, "Budi", "host:a"), 0);
	assert_int_equal(count(ix, "bud*", "host:a"), 0);
	assert_int_equal(count(ix, "*", "host:a"), 0);
	assert_int_equal(count(ix, "budi", "host:A"), 0);
	assert_int_equal(count(ix, "bud", "ihost:a"), 0);
	/* replace by uuid: the old values are gone */
	assert_int_equal(put(ix, 1, "budi", "host:z", "active", NULL), 0);
	assert_int_equal(count(ix, "budi", "host:a"), 1);
	assert_int_equal(count(ix, "budi", "host:z"), 1);
	assert_int_equal(gindex_ngrants(ix), 2);
	uuid(u, 2);
	assert_int_equal(gindex_del(ix, u), 0);
	assert_int_equal(gindex_del(ix, u), -1);
	assert_int_equal(count(ix, "budi", "host:a"), 0);
	assert_int_equal(first(ix, "budi", "host:z")->status, GINDEX_ACTIVE);
	assert_int_equal(put(ix, 5, "budi", "host:s", "Bogus", NULL), 0);
	assert_int_equal(first(ix, "budi", "host:s")->status, GINDEX_OTHER);
	/* people */
	uuid(u, 1000);
	assert_int_equal(gindex_put_person(ix, u, "budi"), 0);
	assert_true(gindex_has_person(ix, "budi"));
	assert_false(gindex_has_person(ix, "budi2"));
	assert_false(gindex_has_person(ix, "Budi"));
	assert_int_equal(gindex_del(ix, u), 0);
	assert_false(gindex_has_person(ix, "budi"));
	/* growth: many grants, all findable */
	for (i = 10; i < 20010; i++) {
		snprintf(sub, sizeof(sub), "u%d", i);
		assert_int_equal(put(ix, i, sub, "host:a", "active", NULL), 0);
	}
	for (i = 10; i < 20010; i += 997) {
		snprintf(sub, sizeof(sub), "u%d", i);
		assert_int_equal(count(ix, sub, "host:a"), 1);
	}
	assert_int_equal(gindex_ngrants(ix), 20002);
	gindex_free(ix);
}

/*
 * Issue 18: subjects and resources are kept once, shared by the grants
 * naming them, byte for byte; a grant deleted or replaced leaves the
 * others' strings whole (valgrind: no leak, no use after free).
 */
static void
t_intern(void **state)
{
	struct gindex *ix = gindex_new();
	const struct gindex_grant *a, *b, *c;
	unsigned char u[GINDEX_UUID_LEN];
	char sub[16];

	(void)state;
	snprintf(sub, sizeof(sub), "budi");	/* not a literal: a copy */
	assert_int_equal(put(ix, 1, "budi", "host:a", "active", NULL), 0);
	assert_int_equal(put(ix, 2, sub, "host:a", "active", NULL), 0);
	assert_int_equal(put(ix, 3, "Budi", "host:a", "active", NULL), 0);
	uuid(u, 1);
	a = gindex_grant_by_uuid(ix, u);
	uuid(u, 2);
	b = gindex_grant_by_uuid(ix, u);
	uuid(u, 3);
	c = gindex_grant_by_uuid(ix, u);
	assert_ptr_equal(a->subject, b->subject);
	assert_ptr_equal(a->resource, c->resource);
	assert_ptr_not_equal(a->subject, c->subject);	/* case kept */
	assert_string_equal(c->subject, "Budi");
	uuid(u, 1);
	assert_int_equal(gindex_del(ix, u), 0);
	assert_string_equal(b->subject, "budi");
	assert_int_equal(count(ix, "budi", "host:a"), 1);
	/* replaced with its own strings as the input */
	uuid(u, 2);
	assert_int_equal(put(ix, 2, b->subject, b->resource, "revoked", NULL),
	    0);
	b = gindex_grant_by_uuid(ix, u);
	assert_string_equal(b->subject, "budi");
	assert_int_equal(b->status, GINDEX_REVOKED);
	assert_int_equal(put(ix, 2, "sari", "host:b", "active", NULL), 0);
	assert_int_equal(count(ix, "budi", "host:a"), 0);
	assert_int_equal(count(ix, "sari", "host:b"), 1);
	assert_string_equal(c->resource, "host:a");
	gindex_free(ix);
}

static struct gindex *
sample(void)
{
	struct gindex *ix = gindex_new();
	unsigned char u[GINDEX_UUID_LEN];

	put(ix, 1, "budi", "host:a", "active", "mon-fri 07:00-17:00");
	put(ix, 2, "sari", "control-panel:webmin", "suspended", NULL);
	put(ix, 3, "budi", "host:b", "active", "bad window");
	uuid(u, 100);
	gindex_put_person(ix, u, "budi");
	uuid(u, 101);
	gindex_put_person(ix, u, "sari");
	return ix;
}

static void
t_roundtrip(void **state)
{
	struct gindex *ix = sample(), *ix2;
	unsigned char *buf, *buf2;
	size_t len, len2;
	const struct gindex_grant *g;

	(void)state;
	assert_int_equal(gindex_encode(ix, &buf, &len), 0);
	ix2 = gindex_decode(buf, len);
	assert_non_null(ix2);
	assert_int_equal(gindex_ngrants(ix2), 3);
	assert_int_equal(gindex_npeople(ix2), 2);
	g = first(ix2, "budi", "host:a");
	assert_non_null(g);
	assert_int_equal(g->nwin, 1);
	assert_int_equal(g->win[0].days, 0x3e);
	assert_int_equal(g->not_before, 1000);
	{
		char dn[64];

		/* stored as its parent, read back whole */
		assert_true(g->dn_short);
		assert_int_equal(gindex_grant_dn(g, dn, sizeof(dn)), 21);
		assert_string_equal(dn, "kunciId=G-1,ou=grants");
		assert_int_equal(gindex_grant_dn(g, dn, 21), -1);
	}
	assert_true(first(ix2, "budi", "host:b")->badwin);
	assert_int_equal(first(ix2, "sari", "control-panel:webmin")->status,
	    GINDEX_SUSPENDED);
	assert_true(gindex_has_person(ix2, "sari"));
	assert_int_equal(gindex_encode(ix2, &buf2, &len2), 0);
	assert_int_equal(len, len2);
	free(buf2);
	gindex_free(ix2);
	free(buf);
	gindex_free(ix);
}

static void
t_decode_fuzz(void **state)
{
	struct gindex *ix = sample(), *ix2;
	unsigned char *buf, *m;
	size_t len, i, k;

	(void)state;
	assert_int_equal(gindex_encode(ix, &buf, &len), 0);
	/* every truncation is refused */
	for (i = 0; i < len; i++) {
		ix2 = gindex_decode(buf, i);
		if (ix2 != NULL)
			fail_msg("accepted a truncation at %zu of %zu", i, len);
	}
	/* random corruption never crashes (it may decode) */
	m = malloc(len);
	srand(4533);
	for (k = 0; k < 5000; k++) {
		memcpy(m, buf, len);
		for (i = 0; i < 1 + (size_t)(rand() % 4); i++)
			m[(size_t)rand() % len] = (unsigned char)rand();
		gindex_free(gindex_decode(m, len));
	}
	for (k = 0; k < 2000; k++) {
		for (i = 0; i < len; i++)
			m[i] = (unsigned char)rand();
		if (k % 2 == 0)
			memcpy(m, "KGIX\0\0\0\1", 8);
		gindex_free(gindex_decode(m, len));
	}
	free(m);
	free(buf);
	gindex_free(ix);
}

/* gindex_decode_from()'s source: buf handed out `step' bytes at a time. */
struct piece {
	const unsigned char	*p;
	size_t			 len, off, step;
	int			 fail_at;	/* -1 at this offset, or never */
};

static ssize_t
piece_get(void *arg, unsigned char *dst, size_t n)
{
	struct piece *s = arg;

	if (s->fail_at >= 0 && s->off >= (size_t)s->fail_at)
		return -1;
	if (n > s->step)
		n = s->step;
	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(dst, s->p + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

/*
 * Issue 18: the decoder reading in pieces (the snapshot is never whole in
 * memory) builds the same index from pieces of any size, and refuses a
 * truncation, trailing bytes and a source that fails.
 */
static void
t_decode_pieces(void **state)
{
	struct gindex *ix = sample(), *ix2;
	unsigned char *buf, *buf2, *longer;
	struct piece s;
	size_t len, len2, step, i;

	(void)state;
	assert_int_equal(gindex_encode(ix, &buf, &len), 0);
	for (step = 1; step <= len + 1; step += step < 20 ? 1 : 37) {
		memset(&s, 0, sizeof(s));
		s.p = buf;
		s.len = len;
		s.step = step;
		s.fail_at = -1;
		ix2 = gindex_decode_from(piece_get, &s);
		if (ix2 == NULL)
			fail_msg("pieces of %zu bytes refused", step);
		assert_int_equal(gindex_encode(ix2, &buf2, &len2), 0);
		assert_int_equal(len2, len);
		assert_int_equal(gindex_ngrants(ix2), 3);
		assert_true(gindex_has_person(ix2, "sari"));
		free(buf2);
		gindex_free(ix2);
	}
	for (i = 0; i < len; i++) {
		memset(&s, 0, sizeof(s));
		s.p = buf;
		s.len = i;
		s.step = 7;
		s.fail_at = -1;
		if ((ix2 = gindex_decode_from(piece_get, &s)) != NULL)
			fail_msg("accepted a truncation at %zu of %zu", i, len);
		s.len = len;
		s.off = 0;
		s.fail_at = (int)i;
		if ((ix2 = gindex_decode_from(piece_get, &s)) != NULL)
			fail_msg("accepted a source failing at %zu", i);
	}
	longer = malloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 0;
	memset(&s, 0, sizeof(s));
	s.p = longer;
	s.len = len + 1;
	s.step = 5;
	s.fail_at = -1;
	assert_null(gindex_decode_from(piece_get, &s));
	free(longer);
	free(buf);
	gindex_free(ix);
}

static void
t_snapshot(void **state)
{
	char dir[] = "/tmp/test_gindex.XXXXXX", path[128], err[512];
	struct gindex *ix = sample(), *ix2 = NULL;
	time_t at;
	struct stat st;
	FILE *fp;
	long size;
	int c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/grants.snapshot", dir);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), 1);			/* none yet */
	assert_int_equal(snapshot_write(path, KEY, 32, ix, 12345, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 12345);
	assert_int_equal(gindex_ngrants(ix2), 3);
	gindex_free(ix2);
	/* another key */
	assert_int_equal(snapshot_read(path, KEY + 1, 31, &ix2, &at, NULL, err,
	    sizeof(err)), -1);
	assert_null(ix2);
	assert_non_null(strstr(err, "integrity"));
	/* a too-short key is refused for writing and reading */
	assert_int_equal(snapshot_write(path, KEY, 8, ix, 1, err,
	    sizeof(err)), -1);
	/* one flipped byte anywhere is refused */
	fp = fopen(path, "r+");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, size / 2, SEEK_SET);
	c = fgetc(fp);
	fseek(fp, size / 2, SEEK_SET);
	fputc(c ^ 1, fp);
	fclose(fp);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), -1);
	assert_null(ix2);
	/* a truncated file too */
	assert_int_equal(snapshot_write(path, KEY, 32, ix, 1, err,
	    sizeof(err)), 0);
	assert_int_equal(truncate(path, size - 1), 0);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), -1);
	unlink(path);
	rmdir(dir);
	gindex_free(ix);
}

/* gindex_encode_to()'s sink into a growing buffer. */
struct mem {
	unsigned char	*p;
	size_t		 n;
};

static int
mem_put(void *arg, const void *p, size_t n)
{
	struct mem *m = arg;

	if ((m->p = realloc(m->p, m->n + n)) == NULL)
		return -1;
	memcpy(m->p + m->n, p, n);
	m->n += n;
	return 0;
}

/* A file of hdr, ix's encoding and the right MAC, as some writer made it. */
static void
craft(const char *path, const unsigned char *hdr, size_t hlen,
    const struct gindex *ix)
{
	struct mem m = { NULL, 0 };
	unsigned char tag[32];
	unsigned int tlen = 0;
	uint64_t got = 0;
	FILE *fp;

	assert_int_equal(mem_put(&m, hdr, hlen), 0);
	assert_int_equal(gindex_encode_to(ix, mem_put, &m, &got), 0);
	assert_non_null(HMAC(EVP_sha256(), KEY, 32, m.p, m.n, tag, &tlen));
	assert_int_equal(tlen, 32);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(m.p, 1, m.n, fp), m.n);
	assert_int_equal(fwrite(tag, 1, 32, fp), 32);
	assert_int_equal(fclose(fp), 0);
	free(m.p);
}

static void
be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

/*
 * The sync state a snapshot keeps (a restarted kuncid resumes the sync
 * from it): written and read back; a cookie without a URI not kept; a
 * file of the previous format ("KSNAP001", no sync state) still read; a
 * header that claims a cookie but no URI refused, MAC or not.
 */
static void
t_snapshot_sync(void **state)
{
	static const char ck[] = "rid=000,csn=20261206141500.000000Z#000000#000#000000";
	char dir[] = "/tmp/test_gindex.XXXXXX", path[128], err[512];
	struct gindex *ix = sample(), *ix2 = NULL;
	struct snapshot_sync in, out;
	struct snapshot_out *w;
	struct mem m = { NULL, 0 };
	unsigned char hdr[64];
	uint64_t got = 0, plen = gindex_encoded_len(ix);
	time_t at;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/grants.snapshot", dir);
	memset(&in, 0, sizeof(in));
	memcpy(in.cookie, ck, strlen(ck));
	in.cookie_len = strlen(ck);
	snprintf(in.uri, sizeof(in.uri), "ldap://127.0.0.1:3890");
	assert_int_equal(gindex_encode_to(ix, mem_put, &m, &got), 0);
	assert_int_equal(snapshot_begin(path, KEY, 32, 4242, &in, plen, &w,
	    err, sizeof(err)), 0);
	assert_int_equal(snapshot_put(w, m.p, m.n, err, sizeof(err)), 0);
	assert_int_equal(snapshot_end(path, w, err, sizeof(err)), 0);
	memset(&out, 0xff, sizeof(out));
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 4242);
	assert_int_equal(gindex_ngrants(ix2), 3);
	assert_int_equal(out.cookie_len, strlen(ck));
	assert_memory_equal(out.cookie, ck, strlen(ck));
	assert_string_equal(out.uri, "ldap://127.0.0.1:3890");
	gindex_free(ix2);

	/* a cookie without a URI is not kept (nothing to send it to) */
	in.uri[0] = '\0';
	assert_int_equal(snapshot_begin(path, KEY, 32, 1, &in, plen, &w,
	    err, sizeof(err)), 0);
	assert_int_equal(snapshot_put(w, m.p, m.n, err, sizeof(err)), 0);
	assert_int_equal(snapshot_end(path, w, err, sizeof(err)), 0);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(out.cookie_len, 0);
	assert_string_equal(out.uri, "");
	gindex_free(ix2);

	/* the previous format: read, with no sync state */
	memcpy(hdr, "KSNAP001", 8);
	be(hdr + 8, 777, 8);
	be(hdr + 16, plen, 8);
	craft(path, hdr, 24, ix);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 777);
	assert_int_equal(gindex_ngrants(ix2), 3);
	assert_int_equal(out.cookie_len, 0);
	gindex_free(ix2);

	/* a cookie and no URI, authentic: refused, nothing half-read */
	memcpy(hdr, "KSNAP002", 8);
	be(hdr + 24, 5, 2);
	be(hdr + 26, 0, 2);
	memcpy(hdr + 28, "abcde", 5);
	craft(path, hdr, 33, ix);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), -1);
	assert_null(ix2);
	assert_int_equal(out.cookie_len, 0);
	assert_non_null(strstr(err, "unknown format"));
	/* a URI with a NUL in it */
	be(hdr + 26, 3, 2);
	memcpy(hdr + 33, "a\0b", 3);
	craft(path, hdr, 36, ix);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), -1);
	/* lengths past the file */
	be(hdr + 24, 1024, 2);
	craft(path, hdr, 36, ix);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), -1);
	/* and the same, well formed, is read */
	be(hdr + 24, 5, 2);
	memcpy(hdr + 33, "a:b", 3);
	craft(path, hdr, 36, ix);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(out.cookie_len, 5);
	assert_string_equal(out.uri, "a:b");
	gindex_free(ix2);
	free(m.p);
	unlink(path);
	rmdir(dir);
	gindex_free(ix);
}

/*
 * Marks of a refresh applied in place: what is put or marked after
 * gindex_mark_begin() is kept by the sweep, the rest is named by
 * gindex_foreach_unmarked(); a grant put exactly as held is marked too;
 * and an entry never named stays unmarked over any number of rounds
 * (the byte's wrap at 255).
 */
struct seen {
	int	n;
	int	last;
};

static void
seen_one(void *arg, const unsigned char *u)
{
	struct seen *s = arg;

	s->n++;
	s->last = u[0] | u[1] << 8;
}

static void
t_marks(void **state)
{
	struct gindex *ix = gindex_new();
	unsigned char u[GINDEX_UUID_LEN];
	struct seen s;
	int i;

	(void)state;
	assert_non_null(ix);
	for (i = 1; i <= 6; i++)
		assert_int_equal(put(ix, i, "orang", "host:a", "active", NULL),
		    0);
	uuid(u, 7);
	assert_int_equal(gindex_put_person(ix, u, "orang"), 0);
	uuid(u, 8);
	assert_int_equal(gindex_put_person(ix, u, "lain"), 0);
	/* before any round every entry is marked with the index's */
	memset(&s, 0, sizeof(s));
	gindex_foreach_unmarked(ix, seen_one, &s);
	assert_int_equal(s.n, 0);

	gindex_mark_begin(ix);
	assert_int_equal(put(ix, 1, "orang", "host:a", "active", NULL), 0);
	assert_int_equal(put(ix, 2, "orang", "host:a", "revoked", NULL), 0);
	uuid(u, 3);
	assert_int_equal(gindex_mark(ix, u), 0);
	uuid(u, 7);
	assert_int_equal(gindex_mark(ix, u), 0);
	uuid(u, 99);
	assert_int_equal(gindex_mark(ix, u), -1);
	memset(&s, 0, sizeof(s));
	gindex_foreach_unmarked(ix, seen_one, &s);
	assert_int_equal(s.n, 4);	/* 4, 5, 6 and the person 8 */

	for (i = 0; i < 600; i++) {
		gindex_mark_begin(ix);
		uuid(u, 1);
		assert_int_equal(gindex_mark(ix, u), 0);
		if (i == 300)		/* a new person, put mid-round */
			assert_int_equal(gindex_put_person(ix,
			    (uuid(u, 9), u), "baru"), 0);
		memset(&s, 0, sizeof(s));
		gindex_foreach_unmarked(ix, seen_one, &s);
		/* 2-8 never again; 9 from the round after its put */
		if (s.n != (i > 300 ? 8 : 7)) {
			printf("round %d: %d unmarked\n", i, s.n);
			fail();
		}
	}
	gindex_free(ix);
}

/*
 * Issue 18: a grant's DN is kept as its parent, shared, when it is
 * "kunciId=<id>,<parent>", and whole otherwise (another naming, an id
 * that is not the RDN, more parents than the index shares); each reads
 * back whole, also through an encode/decode round trip.
 */
static void
t_dn(void **state)
{
	static const char *dns[][2] = {
		{ "G-1", "kunciId=G-1,ou=grants,dc=x" },
		{ "G-2", "cn=G-2,ou=grants,dc=x" },	/* other attribute */
		{ "G-3", "kunciId=G-30,ou=grants,dc=x" },	/* other id */
		{ "G-4", "kunciId=G-4," },		/* no parent */
		{ "G-5", "kunciId=G-5,ou=b,dc=x" },
	};
	struct gindex *ix = gindex_new(), *ix2;
	struct gindex_grant_in in;
	const struct gindex_grant *g;
	unsigned char u[GINDEX_UUID_LEN], *buf;
	char dn[128], *d;
	size_t i, len;
	int pass;

	(void)state;
	for (i = 0; i < 5 + 12; i++) {
		char id[16], many[64];

		memset(&in, 0, sizeof(in));
		if (i < 5) {
			in.id = dns[i][0];
			in.dn = dns[i][1];
		} else {	/* twelve parents: past the shared ones */
			snprintf(id, sizeof(id), "M-%zu", i);
			snprintf(many, sizeof(many), "kunciId=%s,ou=p%zu", id, i);
			in.id = id;
			in.dn = many;
		}
		in.subject = "budi";
		in.resource = "host:a";
		in.status = "active";
		uuid(u, (int)i + 1);
		assert_int_equal(gindex_put_grant(ix, u, &in), 0);
	}
	assert_int_equal(gindex_encode(ix, &buf, &len), 0);
	ix2 = gindex_decode(buf, len);
	assert_non_null(ix2);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < 5 + 12; i++) {
			char want[64];

			uuid(u, (int)i + 1);
			g = gindex_grant_by_uuid(pass ? ix2 : ix, u);
			assert_non_null(g);
			if (i < 5)
				snprintf(want, sizeof(want), "%s", dns[i][1]);
			else
				snprintf(want, sizeof(want), "kunciId=M-%zu,ou=p%zu",
				    i, i);
			assert_true(gindex_grant_dn(g, dn, sizeof(dn)) ==
			    (int)strlen(want));
			assert_string_equal(dn, want);
			assert_non_null(d = gindex_grant_dup_dn(g));
			assert_string_equal(d, want);
			free(d);
			/* shared: the two kunciId=ID,PARENT ones, and the
			 * first parents of the twelve (in put order; the
			 * decoded index puts them in its own order) */
			if (!pass)
				assert_int_equal(g->dn_short, i == 0 ||
				    i == 4 || (i >= 5 && i < 5 + 6));
			else if (i >= 1 && i <= 3)
				assert_false(g->dn_short);
		}
	free(buf);
	gindex_free(ix2);
	gindex_free(ix);
}

/* An index of n grants, several 64 KiB pieces long encoded. */
static struct gindex *
big(int n)
{
	struct gindex *ix = gindex_new();
	char sub[32];
	int i;

	assert_non_null(ix);
	for (i = 1; i <= n; i++) {
		snprintf(sub, sizeof(sub), "pegawai%05d", i);
		assert_int_equal(put(ix, i, sub, i % 2 ? "host:a" :
		    "server-room:dc1", "active", i % 7 ? NULL :
		    "mon-fri 08:00-16:00"), 0);
	}
	return ix;
}

struct pieces {
	unsigned char	*p;
	size_t		 len, cap, n, max;
	size_t		 fail_at;	/* fail the piece with this number */
};

static int
collect(void *arg, const void *d, size_t n)
{
	struct pieces *c = arg;

	if (++c->n == c->fail_at)
		return -1;
	if (n > c->max)
		c->max = n;
	assert_true(c->len + n <= c->cap);
	memcpy(c->p + c->len, d, n);
	c->len += n;
	return 0;
}

/* Issue 18: gindex_encode_to() gives gindex_encode()'s bytes in pieces. */
static void
t_encode_pieces(void **state)
{
	struct gindex *ix = big(5000);
	struct pieces c;
	unsigned char *buf;
	size_t len;
	uint64_t got;

	(void)state;
	assert_int_equal(gindex_encode(ix, &buf, &len), 0);
	assert_true(len > 4 * 65536);
	assert_int_equal(gindex_encoded_len(ix), len);
	memset(&c, 0, sizeof(c));
	c.cap = len;
	c.p = malloc(len);
	assert_int_equal(gindex_encode_to(ix, collect, &c, &got), 0);
	assert_int_equal(got, len);
	assert_int_equal(c.len, len);
	assert_true(c.n >= 4);
	assert_true(c.max <= 65536);
	assert_memory_equal(c.p, buf, len);
	/* a sink that fails stops it */
	c.len = c.n = 0;
	c.fail_at = 2;
	assert_int_equal(gindex_encode_to(ix, collect, &c, &got), -1);
	free(c.p);
	free(buf);
	gindex_free(ix);
}

/*
 * Issue 18: a snapshot streamed in pieces reads back whole; a write that
 * fails half way (the file size limit) keeps the old snapshot and leaves
 * no temporary file.
 */
static void
t_snapshot_stream(void **state)
{
	char dir[] = "/tmp/test_gindex.XXXXXX", path[128], tmp[140], err[512];
	struct gindex *ix = big(5000), *small = sample(), *ix2 = NULL;
	struct rlimit rl, old;
	struct stat st;
	time_t at;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/grants.snapshot", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(snapshot_write(path, KEY, 32, ix, 777, err,
	    sizeof(err)), 0);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 777);
	assert_int_equal(gindex_ngrants(ix2), 5000);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((uint64_t)st.st_size, 28 + gindex_encoded_len(ix) +
	    32);
	gindex_free(ix2);
	/* the small one in place, then the big one fails to be written */
	assert_int_equal(snapshot_write(path, KEY, 32, small, 1, err,
	    sizeof(err)), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = 100000;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	assert_int_equal(snapshot_encode(path, KEY, 32, ix, 2, &fd, err,
	    sizeof(err)), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(strstr(err, ".tmp: "));
	assert_int_equal(stat(tmp, &st), -1);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 1);
	assert_int_equal(gindex_ngrants(ix2), 3);
	gindex_free(ix2);
	/* a key too short writes nothing */
	assert_int_equal(snapshot_encode(path, KEY, 8, ix, 3, &fd, err,
	    sizeof(err)), -1);
	assert_int_equal(stat(tmp, &st), -1);
	unlink(path);
	rmdir(dir);
	gindex_free(small);
	gindex_free(ix);
}

/*
 * Issue 18: a grant put again exactly as held is left as it is (a full
 * refresh of the live index after a restart would otherwise reallocate
 * every record); any difference replaces it.
 */
static void
t_put_same(void **state)
{
	struct gindex *ix = gindex_new();
	const struct gindex_grant *g, *g2;
	unsigned char u[GINDEX_UUID_LEN];

	(void)state;
	assert_int_equal(put(ix, 7, "budi", "host:a", "active",
	    "mon-fri 08:00-16:00"), 0);
	uuid(u, 7);
	g = gindex_grant_by_uuid(ix, u);
	assert_non_null(g);
	assert_int_equal(put(ix, 7, "budi", "host:a", "active",
	    "mon-fri 08:00-16:00"), 0);
	assert_ptr_equal(gindex_grant_by_uuid(ix, u), g);
	assert_int_equal(gindex_ngrants(ix), 1);
	assert_int_equal(put(ix, 7, "budi", "host:a", "revoked",
	    "mon-fri 08:00-16:00"), 0);
	g2 = gindex_grant_by_uuid(ix, u);
	assert_non_null(g2);
	assert_int_equal(g2->status, GINDEX_REVOKED);
	assert_int_equal(put(ix, 7, "budi", "host:a", "revoked",
	    "mon-fri 08:00-17:00"), 0);
	assert_int_equal(gindex_grant_by_uuid(ix, u)->win[0].end, 17 * 60);
	assert_int_equal(put(ix, 7, "budi", "host:b", "revoked",
	    "mon-fri 08:00-17:00"), 0);
	assert_null(gindex_lookup(ix, "budi", "host:a"));
	assert_non_null(gindex_lookup(ix, "budi", "host:b"));
	assert_int_equal(gindex_ngrants(ix), 1);
	gindex_free(ix);
}

/*
 * Issue 18: the encoding in steps (kuncid holds the index's lock for one
 * step at a time) gives the same bytes as the whole, its count the same
 * length; a step after the index's table was resized refuses to go on;
 * a snapshot written in steps reads back, and one given fewer or more
 * bytes than its header announced is refused.
 */
static void
t_encode_steps(void **state)
{
	char dir[] = "/tmp/test_gindex.XXXXXX", path[128], err[512];
	struct gindex *ix = big(3000), *ix2 = NULL;
	struct gindex_enc *e;
	struct snapshot_out *w;
	unsigned char *whole, *cat;
	const unsigned char *p;
	size_t len, n, off = 0, steps = 0;
	uint64_t counted = 0;
	time_t at;
	int r;

	(void)state;
	assert_int_equal(gindex_encode(ix, &whole, &len), 0);
	cat = malloc(len);
	assert_non_null(e = gindex_enc_new(0));
	while ((r = gindex_enc_step(ix, e, 4096, &p, &n)) == 1) {
		assert_true(off + n <= len);
		memcpy(cat + off, p, n);
		off += n;
		steps++;
	}
	assert_int_equal(r, 0);
	gindex_enc_free(e);
	assert_int_equal(off, len);
	assert_memory_equal(cat, whole, len);
	assert_true(steps > 20);
	assert_non_null(e = gindex_enc_new(1));
	while ((r = gindex_enc_step(ix, e, 4096, &p, &n)) == 1) {
		assert_null(p);
		counted += n;
	}
	gindex_enc_free(e);
	assert_int_equal(counted, len);
	assert_int_equal(counted, gindex_encoded_len(ix));
	/* the table resized between two steps: refused */
	assert_non_null(e = gindex_enc_new(0));
	assert_int_equal(gindex_enc_step(ix, e, 4096, &p, &n), 1);
	for (r = 3001; r <= 9000; r++) {
		char sub[32];

		snprintf(sub, sizeof(sub), "baru%05d", r);
		assert_int_equal(put(ix, r, sub, "host:a", "active", NULL), 0);
	}
	assert_int_equal(gindex_enc_step(ix, e, 4096, &p, &n), -1);
	gindex_enc_free(e);
	free(cat);
	free(whole);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/grants.snapshot", dir);
	len = (size_t)gindex_encoded_len(ix);
	assert_int_equal(snapshot_begin(path, KEY, 32, 99, NULL, len, &w, err,
	    sizeof(err)), 0);
	assert_non_null(e = gindex_enc_new(0));
	while (gindex_enc_step(ix, e, 8192, &p, &n) == 1)
		assert_int_equal(snapshot_put(w, p, n, err, sizeof(err)), 0);
	gindex_enc_free(e);
	assert_int_equal(snapshot_end(path, w, err, sizeof(err)), 0);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 99);
	assert_int_equal(gindex_ngrants(ix2), 9000);
	gindex_free(ix2);
	/* fewer bytes than announced: refused, the good one kept */
	assert_int_equal(snapshot_begin(path, KEY, 32, 5, NULL, len + 1, &w, err,
	    sizeof(err)), 0);
	assert_non_null(e = gindex_enc_new(0));
	while (gindex_enc_step(ix, e, 8192, &p, &n) == 1)
		assert_int_equal(snapshot_put(w, p, n, err, sizeof(err)), 0);
	gindex_enc_free(e);
	assert_int_equal(snapshot_end(path, w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "changed"));
	/* more: refused at the put */
	assert_int_equal(snapshot_begin(path, KEY, 32, 5, NULL, 10, &w, err,
	    sizeof(err)), 0);
	assert_int_equal(snapshot_put(w, "0123456789x", 11, err,
	    sizeof(err)), -1);
	snapshot_abort(w);
	assert_int_equal(snapshot_read(path, KEY, 32, &ix2, &at, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(at, 99);
	gindex_free(ix2);
	unlink(path);
	rmdir(dir);
	gindex_free(ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_windows),
		cmocka_unit_test(t_in_window),
		cmocka_unit_test(t_index),
		cmocka_unit_test(t_intern),
		cmocka_unit_test(t_dn),
		cmocka_unit_test(t_roundtrip),
		cmocka_unit_test(t_decode_fuzz),
		cmocka_unit_test(t_decode_pieces),
		cmocka_unit_test(t_encode_steps),
		cmocka_unit_test(t_put_same),
		cmocka_unit_test(t_snapshot),
		cmocka_unit_test(t_snapshot_sync),
		cmocka_unit_test(t_marks),
		cmocka_unit_test(t_encode_pieces),
		cmocka_unit_test(t_snapshot_stream),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%d passed, %d failed\n",
	    (int)(sizeof(tests) / sizeof(tests[0])) - failed, failed);
	return failed != 0;
}
