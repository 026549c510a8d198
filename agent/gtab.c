/*
 * gtab.c: reading the gate table (see gtab.h).  libc only: linked into
 * pam_kunci.so.  Every index and offset from the file is checked before
 * use, and every chain walk is bounded by the table's size, so a damaged
 * file gives "cannot decide" (-1), never a crash or an allow.
 */
#include <sched.h>
#include <string.h>

#include "gtab.h"

int
gtab_dir(const char *sock, char *dir, size_t dirsz)
{
	const char *sl = strrchr(sock, '/');
	size_t n;

	if (sl == NULL)
		return -1;
	n = sl == sock ? 1 : (size_t)(sl - sock);
	if (n >= dirsz)
		return -1;
	memcpy(dir, sock, n);
	dir[n] = '\0';
	return 0;
}

uint32_t
gtab_hash(const char *a, const char *b)
{
	const unsigned char *s;
	uint32_t h = 2166136261u;

	for (s = (const unsigned char *)a; *s != '\0'; s++) {
		h ^= *s;
		h *= 16777619u;
	}
	if (b == NULL)
		return h;
	h *= 16777619u;		/* the NUL between the two */
	for (s = (const unsigned char *)b; *s != '\0'; s++) {
		h ^= *s;
		h *= 16777619u;
	}
	return h;
}

/* Whether [off, off + n * elem) lies inside the file, off aligned. */
static int
section(const struct gtab_hdr *h, uint64_t size, uint32_t off, uint32_t n,
    size_t elem, size_t align)
{
	uint64_t end = (uint64_t)off + (uint64_t)n * elem;

	if (n == 0)
		return 1;
	return off >= h->hdr_size && off % align == 0 && end <= size;
}

int
gtab_check(struct gtab *t, const void *base, size_t size)
{
	const struct gtab_hdr *h = base;
	const unsigned char *b = base;

	memset(t, 0, sizeof(*t));
	if (size < sizeof(*h) || (uintptr_t)base % 8 != 0 ||
	    memcmp(h->magic, GTAB_MAGIC, 8) != 0 ||
	    h->version != GTAB_VERSION || h->hdr_size != sizeof(*h) ||
	    h->size != size || size > GTAB_MAX_SIZE)
		return -1;
	/* bucket counts are powers of two, so a hash masks into them */
	if (h->npb == 0 || (h->npb & (h->npb - 1)) != 0 ||
	    h->ngb == 0 || (h->ngb & (h->ngb - 1)) != 0)
		return -1;
	if (!section(h, size, h->pb_off, h->npb, sizeof(uint32_t), 4) ||
	    !section(h, size, h->p_off, h->np, sizeof(struct gtab_person), 8) ||
	    !section(h, size, h->gb_off, h->ngb, sizeof(uint32_t), 4) ||
	    !section(h, size, h->g_off, h->ng, sizeof(struct gtab_grant), 8) ||
	    !section(h, size, h->w_off, h->nw, sizeof(struct kd_win), 2) ||
	    !section(h, size, h->u_off, h->nu, sizeof(uint32_t), 4) ||
	    !section(h, size, h->s_off, h->ns, 2 * sizeof(uint32_t), 4) ||
	    h->strsz == 0 || !section(h, size, h->str_off, h->strsz, 1, 1))
		return -1;
	if (h->np_used > h->np || h->ng_used > h->ng || h->nw_used > h->nw ||
	    h->str_used > h->strsz)
		return -1;
	/* "" at offset 0, and the last string ends inside the area */
	if (b[h->str_off] != '\0' || b[h->str_off + h->strsz - 1] != '\0' ||
	    h->hostname >= h->strsz)
		return -1;
	t->base = b;
	t->size = size;
	t->h = h;
	return 0;
}

int
gtab_live(const struct gtab *t, int64_t now, int32_t *utc_off)
{
	const struct gtab_hdr *h = t->h;
	uint32_t s1, s2, flags;
	int64_t until;
	int32_t off;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		s1 = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		flags = __atomic_load_n(&h->flags, __ATOMIC_RELAXED);
		until = __atomic_load_n(&h->live_until, __ATOMIC_RELAXED);
		off = __atomic_load_n(&h->utc_off, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&h->seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		if (!(flags & GTAB_F_ONLINE) || now >= until ||
		    now < until - 4 * GTAB_LIVE || off < -86400 || off > 86400)
			return 0;
		*utc_off = off;
		return 1;
	}
	return 0;
}

void
gtab_when(int64_t now, int32_t utc_off, struct kd_when *w)
{
	int64_t l = now + utc_off, days, sec;

	days = l / 86400;
	sec = l % 86400;
	if (sec < 0) {
		sec += 86400;
		days--;
	}
	w->now = now;
	w->wday = (int)(((days % 7) + 7 + 4) % 7);	/* 1970-01-01: Thu */
	w->minute = (int)(sec / 60);
}

/* A string of the table, or NULL if the offset is outside it. */
static const char *
str(const struct gtab *t, uint32_t off)
{
	if (off >= t->h->strsz)
		return NULL;
	return (const char *)t->base + t->h->str_off + off;
}

static const uint32_t *
u32s(const struct gtab *t, uint32_t off)
{
	return (const uint32_t *)(const void *)(t->base + off);
}

static int
tab_unmanaged(void *arg, const char *user)
{
	const struct gtab *t = arg;
	const uint32_t *u = u32s(t, t->h->u_off);
	const char *s;
	uint32_t i;

	for (i = 0; i < t->h->nu; i++)
		if ((s = str(t, u[i])) != NULL && strcmp(s, user) == 0)
			return 1;
	return 0;
}

static const char *
tab_service(void *arg, const char *service)
{
	const struct gtab *t = arg;
	const uint32_t *sv = u32s(t, t->h->s_off);
	const char *s;
	uint32_t i;

	for (i = 0; i < t->h->ns; i++)
		if ((s = str(t, sv[2 * i])) != NULL &&
		    strcmp(s, service) == 0)
			return str(t, sv[2 * i + 1]);
	return NULL;
}

static int
tab_has_person(void *arg, const char *uid)
{
	const struct gtab *t = arg;
	const struct gtab_person *p = (const void *)(t->base + t->h->p_off);
	uint32_t h = gtab_hash(uid, NULL), i, steps;
	const char *s;

	/* acquire: a person added in place is whole before it is linked */
	i = __atomic_load_n(&u32s(t, t->h->pb_off)[h & (t->h->npb - 1)],
	    __ATOMIC_ACQUIRE);
	for (steps = 0; i != 0; i = p[i - 1].next, steps++) {
		if (i > t->h->np || steps >= t->h->np)
			return -1;
		if (p[i - 1].hash != h)
			continue;
		if ((s = str(t, p[i - 1].uid)) == NULL)
			return -1;
		if (strcmp(s, uid) == 0)
			return 1;
	}
	return 0;
}

/*
 * The patchable fields of e, read consistently under its sequence
 * counter (the seqlock reader of gtab_patch_grant()).  0, or -1 when the
 * record stayed mid-patch for GTAB_SEQ_TRIES reads: the table is then
 * unusable for this decision, never read half done.
 */
static int
read_grant(const struct gtab_grant *e, struct kd_grant *k)
{
	uint32_t s1, s2;
	int64_t nb, na;
	uint8_t st;
	int tries;

	for (tries = 0; tries < GTAB_SEQ_TRIES; tries++) {
		if (tries >= 8)
			(void)sched_yield();	/* the writer may be off-CPU */
		s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
		nb = __atomic_load_n(&e->not_before, __ATOMIC_RELAXED);
		na = __atomic_load_n(&e->not_after, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		k->status = st;
		k->not_before = nb;
		k->not_after = na;
		return 0;
	}
	return -1;
}

static int
tab_grants(void *arg, const char *user, const char *res,
    int (*fn)(void *, const struct kd_grant *), void *fnarg)
{
	const struct gtab *t = arg;
	const struct gtab_grant *g = (const void *)(t->base + t->h->g_off), *e;
	const struct kd_win *w = (const void *)(t->base + t->h->w_off);
	uint32_t h = gtab_hash(user, res), i, steps;
	const char *sub, *r, *id;
	struct kd_grant k;

	/* acquire: a grant added in place (gtab_add_grant()) is written
	 * whole before the release store that links it here */
	i = __atomic_load_n(&u32s(t, t->h->gb_off)[h & (t->h->ngb - 1)],
	    __ATOMIC_ACQUIRE);
	for (steps = 0; i != 0; i = e->next, steps++) {
		if (i > t->h->ng || steps >= t->h->ng)
			return -1;
		e = &g[i - 1];
		if (e->hash != h)
			continue;
		if ((sub = str(t, e->subject)) == NULL ||
		    (r = str(t, e->resource)) == NULL ||
		    (id = str(t, e->id)) == NULL ||
		    (uint64_t)e->win + e->nwin > t->h->nw)
			return -1;
		if (strcmp(sub, user) != 0 || strcmp(r, res) != 0)
			continue;
		if (read_grant(e, &k) == -1)
			return -1;
		k.badwin = e->badwin;
		k.win = e->nwin > 0 ? &w[e->win] : NULL;
		k.nwin = e->nwin;
		k.id = id;
		k.ref = NULL;
		if (fn(fnarg, &k))
			break;
	}
	return 0;
}

void
gtab_source(const struct gtab *t, struct kd_source *src)
{
	memset(src, 0, sizeof(*src));
	src->arg = (void *)(uintptr_t)t;
	src->lang_en = t->h->lang_en != 0;
	src->hostname = str(t, t->h->hostname);
	src->unmanaged = tab_unmanaged;
	src->service = tab_service;
	src->has_person = tab_has_person;
	src->grants = tab_grants;
}
