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

struct builder {
	/* strings */
	char		*str;
	size_t		 strsz, strcap;
	uint32_t	*slots;		/* offset + 1, open addressing */
	size_t		 nslots, nstr;
	/* records: written straight into the table's sections */
	struct gtab_grant *g;
	size_t		 ng, gcap;
	struct kd_win	*w;
	size_t		 nw, wcap;
	struct gtab_person *p;
	size_t		 np, pcap;
	int		 err;
};

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
	uint32_t *s, off;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < b->nslots; i++) {
		if ((off = b->slots[i]) == 0)
			continue;
		j = gtab_hash(b->str + off - 1, NULL) & (n - 1);
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = off;
	}
	free(b->slots);
	b->slots = s;
	b->nslots = n;
	return 0;
}

/* The offset of s in the string area, adding it once. */
static uint32_t
intern(struct builder *b, const char *s)
{
	size_t l = strlen(s), j;
	uint32_t off;

	if (b->err)
		return 0;
	if (*s == '\0')
		return 0;
	if ((b->nstr + 1) * 2 > b->nslots && rehash(b) == -1)
		goto fail;
	j = gtab_hash(s, NULL) & (b->nslots - 1);
	while ((off = b->slots[j]) != 0) {
		if (strcmp(b->str + off - 1, s) == 0)
			return off - 1;
		j = (j + 1) & (b->nslots - 1);
	}
	if (b->strsz + l + 1 > GTAB_MAX_SIZE / 2 ||
	    grow((void **)&b->str, &b->strcap, b->strsz + l + 1, 1) == -1)
		goto fail;
	off = (uint32_t)b->strsz;
	memcpy(b->str + off, s, l + 1);
	b->strsz += l + 1;
	b->slots[j] = off + 1;
	b->nstr++;
	return off;
fail:
	b->err = 1;
	return 0;
}

/* Add s without looking for an earlier copy. */
static uint32_t
append(struct builder *b, const char *s)
{
	size_t l = strlen(s);
	uint32_t off;

	if (b->err || *s == '\0')
		return 0;
	if (b->strsz + l + 1 > GTAB_MAX_SIZE / 2 ||
	    grow((void **)&b->str, &b->strcap, b->strsz + l + 1, 1) == -1) {
		b->err = 1;
		return 0;
	}
	off = (uint32_t)b->strsz;
	memcpy(b->str + off, s, l + 1);
	b->strsz += l + 1;
	return off;
}

static void
add_grant(void *arg, const struct gindex_grant *g)
{
	struct builder *b = arg;
	struct gtab_grant *e;

	if (b->err || b->ng == b->gcap || grow((void **)&b->w, &b->wcap,
	    b->nw + g->nwin, sizeof(*b->w)) == -1) {
		b->err = 1;
		return;
	}
	e = &b->g[b->ng++];
	memset(e, 0, sizeof(*e));
	e->hash = gtab_hash(g->subject, g->resource);
	e->subject = intern(b, g->subject);
	e->resource = intern(b, g->resource);
	e->id = append(b, g->id);	/* unique: not worth a lookup */
	e->win = (uint32_t)b->nw;
	e->nwin = g->nwin;
	e->status = g->status;
	e->badwin = g->badwin;
	e->not_before = g->not_before;
	e->not_after = g->not_after;
	if (g->nwin > 0)	/* b->w is still NULL before the first */
		memcpy(b->w + b->nw, g->win, g->nwin * sizeof(*b->w));
	b->nw += g->nwin;
}

static void
add_person(void *arg, const char *uid)
{
	struct builder *b = arg;
	struct gtab_person *e;

	if (b->err || b->np == b->pcap) {
		b->err = 1;
		return;
	}
	e = &b->p[b->np++];
	memset(e, 0, sizeof(*e));
	e->hash = gtab_hash(uid, NULL);
	e->uid = intern(b, uid);
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
 * The records go straight into the table (their sections come before the
 * windows and strings, whose sizes are known only at the end): the image
 * is grown once by realloc(), which moves a large one's pages without
 * copying them, rather than built aside and copied (at a million grants
 * that was 50 MB more at kuncid's peak).
 */
int
gtab_build(const struct gindex *ix, const struct gtab_policy *pol,
    unsigned char **out, size_t *outlen)
{
	struct builder b;
	struct gtab_hdr h;
	unsigned char *buf = NULL, *nb;
	uint32_t *pb, *gb, *u, *sv, hostname, slot;
	struct gtab_person *pp;
	struct gtab_grant *gg;
	uint32_t *unm = NULL, *svc = NULL;
	size_t off, head, i, np, ng, nw, strsz;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	memset(&h, 0, sizeof(h));
	/* offset 0 is the empty string */
	if (grow((void **)&b.str, &b.strcap, 1 + 24 * gindex_ngrants(ix) +
	    16 * gindex_npeople(ix), 1) == -1)
		return -1;
	b.str[0] = '\0';
	b.strsz = 1;
	while (b.nslots < 2 * (gindex_npeople(ix) + 64) && rehash(&b) == 0)
		;
	/* each section with its spare room for records added in place */
	np = spare(gindex_npeople(ix), GTAB_SPARE_MIN);
	ng = spare(gindex_ngrants(ix), GTAB_SPARE_MIN);
	if (ng > GTAB_MAX_SIZE / sizeof(struct gtab_grant))
		goto out;
	h.npb = pow2(np);
	h.ngb = pow2(ng);
	off = align8(sizeof(h));
	h.pb_off = (uint32_t)off;
	off = align8(off + (size_t)h.npb * 4);
	h.p_off = (uint32_t)off;
	off = align8(off + np * sizeof(struct gtab_person));
	h.gb_off = (uint32_t)off;
	off = align8(off + (size_t)h.ngb * 4);
	h.g_off = (uint32_t)off;
	off = align8(off + ng * sizeof(struct gtab_grant));
	h.w_off = (uint32_t)off;
	head = off;
	if (head > GTAB_MAX_SIZE || (buf = calloc(1, head)) == NULL)
		goto out;
	b.p = (struct gtab_person *)(void *)(buf + h.p_off);
	b.pcap = gindex_npeople(ix);
	b.g = (struct gtab_grant *)(void *)(buf + h.g_off);
	b.gcap = gindex_ngrants(ix);
	gindex_foreach(ix, add_grant, add_person, &b);
	if ((unm = calloc(pol->nunmanaged + 1, sizeof(*unm))) == NULL ||
	    (svc = calloc(2 * pol->nservices + 1, sizeof(*svc))) == NULL)
		goto out;
	for (i = 0; i < pol->nunmanaged; i++)
		unm[i] = intern(&b, pol->unmanaged[i]);
	for (i = 0; i < pol->nservices; i++) {
		svc[2 * i] = intern(&b, pol->service[i]);
		svc[2 * i + 1] = intern(&b, pol->tmpl[i]);
	}
	hostname = intern(&b, pol->hostname);
	if (b.err)
		goto out;

	memcpy(h.magic, GTAB_MAGIC, 8);
	h.version = GTAB_VERSION;
	h.hdr_size = sizeof(h);
	h.lang_en = pol->lang_en != 0;
	h.hostname = hostname;
	/* a window for each spare grant; more only as the index has them */
	nw = spare(b.nw, ng - b.ng);
	/* an added grant brings its subject, resource and id uninterned */
	strsz = spare(b.strsz, 64 * (ng - b.ng));
	if (strsz > GTAB_MAX_SIZE / 2)
		goto out;
	h.np = (uint32_t)np;
	h.ng = (uint32_t)ng;
	h.nw = (uint32_t)nw;
	h.nu = (uint32_t)pol->nunmanaged;
	h.ns = (uint32_t)pol->nservices;
	h.strsz = (uint32_t)strsz;
	h.np_used = (uint32_t)b.np;
	h.ng_used = (uint32_t)b.ng;
	h.nw_used = (uint32_t)b.nw;
	h.str_used = (uint32_t)b.strsz;
	off = align8(off + nw * sizeof(struct kd_win));
	h.u_off = (uint32_t)off;
	off = align8(off + pol->nunmanaged * 4);
	h.s_off = (uint32_t)off;
	off = align8(off + pol->nservices * 8);
	h.str_off = (uint32_t)off;
	off = align8(off + strsz);
	if (off > GTAB_MAX_SIZE)
		goto out;
	h.size = off;
	if ((nb = realloc(buf, off)) == NULL)
		goto out;
	buf = nb;
	memset(buf + head, 0, off - head);
	memcpy(buf, &h, sizeof(h));

	pb = (uint32_t *)(void *)(buf + h.pb_off);
	pp = (struct gtab_person *)(void *)(buf + h.p_off);
	for (i = 0; i < b.np; i++) {
		slot = pp[i].hash & (h.npb - 1);
		pp[i].next = pb[slot];
		pb[slot] = (uint32_t)i + 1;
	}
	gb = (uint32_t *)(void *)(buf + h.gb_off);
	gg = (struct gtab_grant *)(void *)(buf + h.g_off);
	for (i = 0; i < b.ng; i++) {
		slot = gg[i].hash & (h.ngb - 1);
		gg[i].next = gb[slot];
		gb[slot] = (uint32_t)i + 1;
	}
	if (b.nw > 0)
		memcpy(buf + h.w_off, b.w, b.nw * sizeof(struct kd_win));
	u = (uint32_t *)(void *)(buf + h.u_off);
	if (pol->nunmanaged > 0)
		memcpy(u, unm, pol->nunmanaged * 4);
	sv = (uint32_t *)(void *)(buf + h.s_off);
	if (pol->nservices > 0)
		memcpy(sv, svc, pol->nservices * 8);
	memcpy(buf + h.str_off, b.str, b.strsz);
	*out = buf;
	*outlen = off;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	free(unm);
	free(svc);
	free(b.str);
	free(b.slots);
	free(b.w);
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
gtab_publish(const char *path, const unsigned char *buf, size_t len,
    struct gtab_pub *p)
{
	char tmp[4096];
	struct gtab_hdr *h = NULL;
	struct stat st;
	size_t done = 0;
	ssize_t n;
	int fd, saved;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	if (fchmod(fd, 0600) == -1)
		goto fail;
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fstat(fd, &st) == -1)
		goto fail;
	memcpy(&p->geo, buf, sizeof(p->geo));
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		h = NULL;
		goto fail;
	}
	if (rename(tmp, path) == -1)
		goto fail;
	p->h = h;
	p->len = len;
	p->fd = fd;
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	return 0;
fail:
	saved = errno;
	if (h != NULL)
		munmap(h, len);
	unlink(tmp);
	close(fd);
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
	memset(g, 0, sizeof(*g));
	g->hash = gtab_hash(in->subject, in->resource);
	g->subject = sub;
	g->resource = res;
	g->id = id;
	g->win = geo->nw_used;
	g->nwin = in->nwin;
	g->status = in->status;
	g->badwin = in->badwin;
	g->not_before = in->not_before;
	g->not_after = in->not_after;
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
