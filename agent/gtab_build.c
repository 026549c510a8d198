/*
 * gtab_build.c: building and publishing the gate table (see gtab.h).
 *
 * Strings are interned (a subject or a resource appears in many grants),
 * which keeps a 100,000-grant table near 6 MB.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gtab_build.h"

/*
 * The table is written to its file as it is built, through a few small
 * buffers, never assembled in memory: at a million grants the image is
 * 60-75 MB, and a rebuild while a refresh fills the index (whose table
 * outgrows its spare room again and again) held one beside the index
 * each time, lifting kuncid's peak past a quarter of a gigabyte.  What
 * the build keeps is the hash heads (4 bytes a bucket) and the interned
 * strings' text.  A record's chain link is the head of its bucket before
 * it, so records go out in index order; the sections' sizes are known
 * before the first record but for the string area, which comes last.
 */
#define SINK_BUF	(256 * 1024)

/* One section, written in order from its offset in the file. */
struct sink {
	off_t		 at;		/* where buf goes */
	size_t		 n;
	unsigned char	*buf;		/* SINK_BUF bytes */
};

/* An interned string: its hash, its text in itext + 1, its offset. */
struct islot {
	uint32_t	 hash, text, off;
};

struct builder {
	int		 fd;
	int		 err;		/* an errno value, 0: none */
	/* interned strings (subjects, resources, uids, policy) */
	char		*itext;
	size_t		 itextsz, itextcap;
	struct islot	*slots;		/* open addressing, text 0 = free */
	size_t		 nslots, nstr;
	size_t		 strsz;		/* the string area's bytes so far */
	/* chain heads, index + 1 */
	uint32_t	*pb, *gb;
	uint32_t	 npb, ngb;
	size_t		 ng, gcap, np, pcap, nw, wcap;
	struct sink	 p, g, w, s;
};

static int
full_pwrite(int fd, const void *buf, size_t len, off_t at)
{
	const unsigned char *b = buf;
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, b, len, at);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		b += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static void
sink_flush(struct builder *b, struct sink *k)
{
	if (b->err == 0 && k->n > 0 &&
	    full_pwrite(b->fd, k->buf, k->n, k->at) == -1)
		b->err = errno;
	k->at += (off_t)k->n;
	k->n = 0;
}

static void
sink_put(struct builder *b, struct sink *k, const void *v, size_t len)
{
	const unsigned char *p = v;
	size_t c;

	while (len > 0 && b->err == 0) {
		if (k->n == SINK_BUF)
			sink_flush(b, k);
		c = SINK_BUF - k->n < len ? SINK_BUF - k->n : len;
		memcpy(k->buf + k->n, p, c);
		k->n += c;
		p += c;
		len -= c;
	}
}

static int
grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap != 0 ? *cap : 64;
	void *nv;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((nv = realloc(*v, n * elem)) == NULL)
		return -1;
	*v = nv;
	*cap = n;
	return 0;
}

static int
rehash(struct builder *b)
{
	size_t n = b->nslots != 0 ? b->nslots * 2 : 1024, i, j;
	struct islot *s;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < b->nslots; i++) {
		if (b->slots[i].text == 0)
			continue;
		j = b->slots[i].hash & (n - 1);
		while (s[j].text != 0)
			j = (j + 1) & (n - 1);
		s[j] = b->slots[i];
	}
	free(b->slots);
	b->slots = s;
	b->nslots = n;
	return 0;
}

/* Add s (of length l) to the string area; its offset. */
static uint32_t
emit_str(struct builder *b, const char *s, size_t l)
{
	uint32_t off = (uint32_t)b->strsz;

	if (b->err != 0)
		return 0;
	if (b->strsz + l + 1 > GTAB_MAX_SIZE / 2) {
		b->err = EFBIG;
		return 0;
	}
	sink_put(b, &b->s, s, l + 1);
	b->strsz += l + 1;
	return off;
}

/* The offset of s in the string area, adding it once. */
static uint32_t
intern(struct builder *b, const char *s)
{
	size_t l = strlen(s), j;
	uint32_t hash, off;

	if (b->err != 0 || *s == '\0')
		return 0;
	if ((b->nstr + 1) * 2 > b->nslots && rehash(b) == -1)
		goto fail;
	hash = gtab_hash(s, NULL);
	j = hash & (b->nslots - 1);
	for (; b->slots[j].text != 0; j = (j + 1) & (b->nslots - 1))
		if (b->slots[j].hash == hash &&
		    strcmp(b->itext + b->slots[j].text - 1, s) == 0)
			return b->slots[j].off;
	if (b->itextsz + l + 1 > GTAB_MAX_SIZE / 2) {
		b->err = EFBIG;
		return 0;
	}
	if (grow((void **)&b->itext, &b->itextcap, b->itextsz + l + 1, 1) == -1)
		goto fail;
	off = emit_str(b, s, l);
	if (b->err != 0)
		return 0;
	memcpy(b->itext + b->itextsz, s, l + 1);
	b->slots[j].hash = hash;
	b->slots[j].text = (uint32_t)b->itextsz + 1;
	b->slots[j].off = off;
	b->itextsz += l + 1;
	b->nstr++;
	return off;
fail:
	b->err = ENOMEM;
	return 0;
}

/* Add s without looking for an earlier copy. */
static uint32_t
append(struct builder *b, const char *s)
{
	if (*s == '\0')
		return 0;
	return emit_str(b, s, strlen(s));
}

static void
count_win(void *arg, const struct gindex_grant *g)
{
	*(size_t *)arg += g->nwin;
}

/* The table's record of g, its strings and first window at these. */
static void
grant_rec(struct gtab_grant *e, const struct gindex_grant *g, uint32_t sub,
    uint32_t res, uint32_t id, uint32_t win)
{
	memset(e, 0, sizeof(*e));
	e->hash = gtab_hash(g->subject, g->resource);
	e->subject = sub;
	e->resource = res;
	e->id = id;
	e->win = win;
	e->nwin = g->nwin;
	e->status = g->status;
	e->badwin = g->badwin;
	e->not_before = g->not_before;
	e->not_after = g->not_after;
}

static void
add_grant(void *arg, const struct gindex_grant *g)
{
	struct builder *b = arg;
	struct gtab_grant e;
	uint32_t slot, sub, res, id;

	if (b->err != 0)
		return;
	if (b->ng == b->gcap || g->nwin > b->wcap - b->nw) {
		b->err = EAGAIN;	/* the index changed under us */
		return;
	}
	sub = intern(b, g->subject);
	res = intern(b, g->resource);
	id = append(b, g->id);		/* unique: not worth a lookup */
	grant_rec(&e, g, sub, res, id, (uint32_t)b->nw);
	slot = e.hash & (b->ngb - 1);
	e.next = b->gb[slot];
	b->gb[slot] = (uint32_t)++b->ng;
	sink_put(b, &b->g, &e, sizeof(e));
	sink_put(b, &b->w, g->win, g->nwin * sizeof(struct kd_win));
	b->nw += g->nwin;
}

static void
add_person(void *arg, const char *uid)
{
	struct builder *b = arg;
	struct gtab_person e;
	uint32_t slot;

	if (b->err != 0)
		return;
	if (b->np == b->pcap) {
		b->err = EAGAIN;
		return;
	}
	memset(&e, 0, sizeof(e));
	e.hash = gtab_hash(uid, NULL);
	e.uid = intern(b, uid);
	slot = e.hash & (b->npb - 1);
	e.next = b->pb[slot];
	b->pb[slot] = (uint32_t)++b->np;
	sink_put(b, &b->p, &e, sizeof(e));
}

static uint32_t
pow2(size_t n)
{
	uint32_t p = 16;

	while (p < n && p < (1u << 30))
		p *= 2;
	return p;
}

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* A section's size with its spare room (gtab.h). */
static size_t
spare(size_t used, size_t min)
{
	return used + (used / GTAB_SPARE > min ? used / GTAB_SPARE : min);
}

/*
 * Where each section goes, for an index of np people, ng grants and nw
 * windows: every section but the string area's length.  h->size and
 * h->strsz are set when the strings are known.  0, or -1 if too large.
 */
static int
layout(struct gtab_hdr *h, const struct gtab_policy *pol, size_t np,
    size_t ng, size_t nw)
{
	size_t off;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, GTAB_MAGIC, 8);
	h->version = GTAB_VERSION;
	h->hdr_size = sizeof(*h);
	h->lang_en = pol->lang_en != 0;
	h->flags = pol->flags;
	h->live_until = pol->live_until;
	h->utc_off = pol->utc_off;
	h->np_used = (uint32_t)np;
	h->ng_used = (uint32_t)ng;
	h->nw_used = (uint32_t)nw;
	/* each section with its spare room for records added in place */
	np = spare(np, GTAB_SPARE_MIN);
	ng = spare(ng, GTAB_SPARE_MIN);
	/* a window for each spare grant; more only as the index has them */
	nw = spare(nw, ng - h->ng_used);
	if (ng > GTAB_MAX_SIZE / sizeof(struct gtab_grant) ||
	    nw > GTAB_MAX_SIZE / sizeof(struct kd_win) ||
	    pol->nunmanaged > GTAB_MAX_SIZE / 4 ||
	    pol->nservices > GTAB_MAX_SIZE / 8)
		return -1;
	h->np = (uint32_t)np;
	h->ng = (uint32_t)ng;
	h->nw = (uint32_t)nw;
	h->nu = (uint32_t)pol->nunmanaged;
	h->ns = (uint32_t)pol->nservices;
	h->npb = pow2(np);
	h->ngb = pow2(ng);
	off = align8(sizeof(*h));
	h->pb_off = (uint32_t)off;
	off = align8(off + (size_t)h->npb * 4);
	h->p_off = (uint32_t)off;
	off = align8(off + np * sizeof(struct gtab_person));
	h->gb_off = (uint32_t)off;
	off = align8(off + (size_t)h->ngb * 4);
	h->g_off = (uint32_t)off;
	off = align8(off + ng * sizeof(struct gtab_grant));
	h->w_off = (uint32_t)off;
	off = align8(off + nw * sizeof(struct kd_win));
	h->u_off = (uint32_t)off;
	off = align8(off + pol->nunmanaged * 4);
	h->s_off = (uint32_t)off;
	off = align8(off + pol->nservices * 8);
	h->str_off = (uint32_t)off;
	return off > GTAB_MAX_SIZE ? -1 : 0;
}

static int
builder_init(struct builder *b, int fd, const struct gtab_hdr *h)
{
	struct sink *k[] = { &b->p, &b->g, &b->w, &b->s };
	size_t i;

	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->pcap = h->np_used;
	b->gcap = h->ng_used;
	b->wcap = h->nw_used;
	b->npb = h->npb;
	b->ngb = h->ngb;
	b->p.at = h->p_off;
	b->g.at = h->g_off;
	b->w.at = h->w_off;
	b->s.at = h->str_off;
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if ((k[i]->buf = malloc(SINK_BUF)) == NULL)
			return -1;
	if ((b->pb = calloc(h->npb, 4)) == NULL ||
	    (b->gb = calloc(h->ngb, 4)) == NULL)
		return -1;
	while (b->nslots < 2 * (h->np_used + 64))
		if (rehash(b) == -1)
			return -1;
	/* offset 0 is the empty string */
	sink_put(b, &b->s, "", 1);
	b->strsz = 1;
	return 0;
}

static void
builder_free(struct builder *b)
{
	free(b->p.buf);
	free(b->g.buf);
	free(b->w.buf);
	free(b->s.buf);
	free(b->pb);
	free(b->gb);
	free(b->itext);
	free(b->slots);
}

int
gtab_write(int fd, const struct gindex *ix, const struct gtab_policy *pol,
    struct gtab_hdr *out)
{
	struct builder b;
	struct gtab_hdr h;
	uint32_t *unm = NULL, *svc = NULL;
	size_t nw = 0, i, strsz;
	int rc = -1, saved;

	/* a file reused would keep old bytes where the spare room is */
	if (ftruncate(fd, 0) == -1)
		return -1;
	gindex_foreach(ix, count_win, NULL, &nw);
	if (layout(&h, pol, gindex_npeople(ix), gindex_ngrants(ix), nw)
	    == -1) {
		errno = EFBIG;
		return -1;
	}
	if (builder_init(&b, fd, &h) == -1) {
		builder_free(&b);
		errno = ENOMEM;
		return -1;
	}
	gindex_foreach(ix, add_grant, add_person, &b);
	if (b.err == 0 && (b.ng != b.gcap || b.np != b.pcap || b.nw != b.wcap))
		b.err = EAGAIN;
	if (b.err == 0 &&
	    ((unm = calloc(pol->nunmanaged + 1, sizeof(*unm))) == NULL ||
	    (svc = calloc(2 * pol->nservices + 1, sizeof(*svc))) == NULL))
		b.err = ENOMEM;
	for (i = 0; b.err == 0 && i < pol->nunmanaged; i++)
		unm[i] = intern(&b, pol->unmanaged[i]);
	for (i = 0; b.err == 0 && i < pol->nservices; i++) {
		svc[2 * i] = intern(&b, pol->service[i]);
		svc[2 * i + 1] = intern(&b, pol->tmpl[i]);
	}
	h.hostname = intern(&b, pol->hostname);
	sink_flush(&b, &b.p);
	sink_flush(&b, &b.g);
	sink_flush(&b, &b.w);
	sink_flush(&b, &b.s);
	if (b.err != 0)
		goto out;
	/* an added grant brings its subject, resource and id uninterned */
	strsz = spare(b.strsz, 64 * (size_t)(h.ng - h.ng_used));
	if (strsz > GTAB_MAX_SIZE / 2 ||
	    align8(h.str_off + strsz) > GTAB_MAX_SIZE) {
		b.err = EFBIG;
		goto out;
	}
	h.strsz = (uint32_t)strsz;
	h.str_used = (uint32_t)b.strsz;
	h.size = align8(h.str_off + strsz);
	/*
	 * The spare room is the file's zeros (it was emptied, then
	 * extended), allocated now: the records added in place later are
	 * stores through a shared mapping, which on a full file system
	 * would fault rather than fail.
	 */
	if (full_pwrite(fd, b.pb, (size_t)h.npb * 4, h.pb_off) == -1 ||
	    full_pwrite(fd, b.gb, (size_t)h.ngb * 4, h.gb_off) == -1 ||
	    full_pwrite(fd, unm, pol->nunmanaged * 4, h.u_off) == -1 ||
	    full_pwrite(fd, svc, pol->nservices * 8, h.s_off) == -1 ||
	    ftruncate(fd, (off_t)h.size) == -1 ||
	    (errno = posix_fallocate(fd, 0, (off_t)h.size)) != 0 ||
	    full_pwrite(fd, &h, sizeof(h), 0) == -1) {
		b.err = errno;
		goto out;
	}
	*out = h;
	rc = 0;
out:
	saved = b.err;
	free(unm);
	free(svc);
	builder_free(&b);
	if (rc == -1)
		errno = saved;
	return rc;
}

int
gtab_build(const struct gindex *ix, const struct gtab_policy *pol,
    unsigned char **out, size_t *outlen)
{
	struct gtab_hdr h;
	unsigned char *buf;
	size_t done = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = memfd_create("kunci-gtab", MFD_CLOEXEC)) == -1)
		return -1;
	if (gtab_write(fd, ix, pol, &h) == -1 ||
	    (buf = malloc(h.size)) == NULL)
		goto out;
	while (done < h.size) {
		n = pread(fd, buf + done, h.size - done, (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			free(buf);
			goto out;
		}
		done += (size_t)n;
	}
	*out = buf;
	*outlen = h.size;
	rc = 0;
out:
	close(fd);
	return rc;
}

void
gtab_set_live(struct gtab_hdr *h, uint32_t flags, int64_t live_until,
    int32_t utc_off)
{
	uint32_t s = __atomic_load_n(&h->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&h->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&h->flags, flags, __ATOMIC_RELAXED);
	__atomic_store_n(&h->live_until, live_until, __ATOMIC_RELAXED);
	__atomic_store_n(&h->utc_off, utc_off, __ATOMIC_RELAXED);
	__atomic_store_n(&h->seq, s + 2, __ATOMIC_RELEASE);
}

int
gtab_publish(const char *path, const struct gindex *ix,
    const struct gtab_policy *pol, struct gtab_pub *p)
{
	char tmp[4096];
	struct gtab_hdr *h = NULL;
	struct stat st;
	int fd, saved;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	if (fchmod(fd, 0600) == -1 || gtab_write(fd, ix, pol, &p->geo) == -1 ||
	    fstat(fd, &st) == -1)
		goto fail;
	h = mmap(NULL, p->geo.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		h = NULL;
		goto fail;
	}
	if (rename(tmp, path) == -1)
		goto fail;
	p->h = h;
	p->len = p->geo.size;
	p->fd = fd;
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	return 0;
fail:
	saved = errno;
	if (h != NULL)
		munmap(h, p->geo.size);
	unlink(tmp);
	close(fd);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	errno = saved;
	return -1;
}

void
gtab_unpublish(struct gtab_pub *p)
{
	if (p->h != NULL)
		munmap(p->h, p->len);
	if (p->fd != -1)
		close(p->fd);
	p->h = NULL;
	p->len = 0;
	p->fd = -1;
}

/*
 * The string at off in p's string area, or NULL outside it.  What the
 * mapping holds is bounded by the header kuncid built (p->geo), not by the
 * file's own: a file truncated by someone else reads as zeros here
 * (mapguard.h), and one scribbled on must not send kuncid outside it.
 */
static const char *
pub_str(const struct gtab_pub *p, uint32_t off)
{
	const char *s = (const char *)p->h + p->geo.str_off;

	if (off >= p->geo.strsz || memchr(s + off, '\0', p->geo.strsz - off)
	    == NULL)
		return NULL;
	return s + off;
}

static int
pub_eq(const struct gtab_pub *p, uint32_t off, const char *want)
{
	const char *s = pub_str(p, off);

	return s != NULL && strcmp(s, want) == 0;
}

/* The writable record of (subject, res, id) in a published table. */
static struct gtab_grant *
find_grant(struct gtab_pub *p, const char *sub, const char *res,
    const char *id)
{
	const struct gtab_hdr *geo = &p->geo;
	unsigned char *base = (unsigned char *)p->h;
	struct gtab_grant *g = (struct gtab_grant *)(void *)(base + geo->g_off);
	uint32_t hash = gtab_hash(sub, res), i, steps;

	i = ((uint32_t *)(void *)(base + geo->gb_off))[hash & (geo->ngb - 1)];
	for (steps = 0; i != 0 && i <= geo->ng && steps < geo->ng;
	    i = g[i - 1].next, steps++)
		if (g[i - 1].hash == hash &&
		    pub_eq(p, g[i - 1].subject, sub) &&
		    pub_eq(p, g[i - 1].resource, res) &&
		    pub_eq(p, g[i - 1].id, id))
			return &g[i - 1];
	return NULL;
}

int
gtab_patch_grant(struct gtab_pub *p, const char *sub, const char *res,
    const char *id, int status, int64_t not_before, int64_t not_after)
{
	struct gtab_grant *g;
	uint32_t s;

	if (p->h == NULL || (g = find_grant(p, sub, res, id)) == NULL)
		return -1;
	/*
	 * A seqlock writer (there is one: callers hold the index's write
	 * lock): the counter goes odd, the fields change, the counter goes
	 * even again.  The release fence keeps the odd count ahead of the
	 * field stores, the final release store keeps them ahead of the even
	 * count, so a reader (read_grant() in gtab.c) that saw the same even
	 * count before and after its reads saw no store of this patch.
	 * Without it a reader could pair a new not_before with the old
	 * not_after, and a grant flipped from "not yet valid" to "expired"
	 * would allow in between.  Narrowing first and widening last still
	 * holds for readers of an older table version that ignore seq.
	 */
	s = __atomic_load_n(&g->seq, __ATOMIC_RELAXED);
	__atomic_store_n(&g->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (status != KD_ACTIVE)
		__atomic_store_n(&g->status, (uint8_t)status,
		    __ATOMIC_RELAXED);
	__atomic_store_n(&g->not_before, not_before, __ATOMIC_RELAXED);
	__atomic_store_n(&g->not_after, not_after, __ATOMIC_RELAXED);
	if (status == KD_ACTIVE)
		__atomic_store_n(&g->status, (uint8_t)status,
		    __ATOMIC_RELAXED);
	__atomic_store_n(&g->seq, s + 2, __ATOMIC_RELEASE);
	return 0;
}

int
gtab_patch_person_gone(struct gtab_pub *pub, const char *uid)
{
	const struct gtab_hdr *geo = &pub->geo;
	unsigned char *base = (unsigned char *)pub->h;
	struct gtab_person *p;
	uint32_t hash = gtab_hash(uid, NULL), i, steps;

	if (base == NULL)
		return -1;
	p = (struct gtab_person *)(void *)(base + geo->p_off);
	i = ((uint32_t *)(void *)(base + geo->pb_off))[hash & (geo->npb - 1)];
	for (steps = 0; i != 0 && i <= geo->np && steps < geo->np;
	    i = p[i - 1].next, steps++)
		if (p[i - 1].hash == hash && pub_eq(pub, p[i - 1].uid, uid)) {
			/* a hash no lookup of this uid can match */
			__atomic_store_n(&p[i - 1].hash, hash ^ 1u,
			    __ATOMIC_RELEASE);
			return 0;
		}
	return -1;
}

/*
 * Room for n more bytes of strings in p's spare string area: the offset
 * of the first, or 0 (offset 0 is "" and never handed out) if none.
 */
static uint32_t
pub_strdup(struct gtab_pub *p, const char *s)
{
	size_t l = strlen(s) + 1;
	uint32_t off = p->geo.str_used;

	if (l == 1)
		return 0;
	if (l > p->geo.strsz - p->geo.str_used)
		return UINT32_MAX;
	memcpy((char *)p->h + p->geo.str_off + off, s, l);
	p->geo.str_used += (uint32_t)l;
	return off;
}

int
gtab_add_grant(struct gtab_pub *p, const struct gindex_grant *in)
{
	const struct gtab_hdr *geo = &p->geo;
	unsigned char *base = (unsigned char *)p->h;
	struct gtab_grant *g;
	uint32_t *head, used = geo->str_used, sub, res, id, i;

	if (base == NULL || geo->ng_used >= geo->ng ||
	    in->nwin > geo->nw - geo->nw_used)
		return -1;
	sub = pub_strdup(p, in->subject);
	res = pub_strdup(p, in->resource);
	id = pub_strdup(p, in->id);
	if (sub == UINT32_MAX || res == UINT32_MAX || id == UINT32_MAX) {
		p->geo.str_used = used;	/* nothing linked to them */
		return -1;
	}
	i = geo->ng_used;
	g = (struct gtab_grant *)(void *)(base + geo->g_off) + i;
	head = (uint32_t *)(void *)(base + geo->gb_off);
	grant_rec(g, in, sub, res, id, geo->nw_used);
	if (in->nwin > 0)
		memcpy(base + geo->w_off + (size_t)geo->nw_used *
		    sizeof(struct kd_win), in->win,
		    in->nwin * sizeof(struct kd_win));
	g->next = head[g->hash & (geo->ngb - 1)];
	/* everything above is stored before a reader can reach it */
	__atomic_store_n(&head[g->hash & (geo->ngb - 1)], i + 1,
	    __ATOMIC_RELEASE);
	p->geo.ng_used++;
	p->geo.nw_used += in->nwin;
	return 0;
}

int
gtab_add_person(struct gtab_pub *pub, const char *uid)
{
	const struct gtab_hdr *geo = &pub->geo;
	unsigned char *base = (unsigned char *)pub->h;
	struct gtab_person *p;
	uint32_t *head, off, i;

	if (base == NULL || geo->np_used >= geo->np ||
	    (off = pub_strdup(pub, uid)) == UINT32_MAX)
		return -1;
	i = geo->np_used;
	p = (struct gtab_person *)(void *)(base + geo->p_off) + i;
	head = (uint32_t *)(void *)(base + geo->pb_off);
	memset(p, 0, sizeof(*p));
	p->hash = gtab_hash(uid, NULL);
	p->uid = off;
	p->next = head[p->hash & (geo->npb - 1)];
	__atomic_store_n(&head[p->hash & (geo->npb - 1)], i + 1,
	    __ATOMIC_RELEASE);
	pub->geo.np_used++;
	return 0;
}
