/*
 * gindex.c: the grant index (see gindex.h).
 *
 * Chained hash tables with power-of-two bucket arrays that double when the
 * load passes 1.  A grant sits in two chains (by uuid, by subject and
 * resource), a person in two (by uuid, by uid).  A grant's DN (or its
 * shared parent) and id live in the same allocation as the struct, after
 * its windows; its subject and resource are interned (struct istr).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gindex.h"

struct gindex_person {
	struct gindex_person	*uuid_next;
	struct gindex_person	*key_next;
	uint32_t		 keyhash;
	unsigned char		 uuid[GINDEX_UUID_LEN];
	uint8_t			 round;		/* gindex_mark_begin() */
	char			 uid[];
};

struct table {
	void		**b;
	size_t		  nb;	/* power of two */
	size_t		  n;
};

#define GINDEX_PARENTS	8

/*
 * A subject or resource, kept once however many grants name it (a
 * million grants name 100,000 people and a few hundred resources):
 * gindex_grant.subject and .resource point at s.
 */
struct istr {
	struct istr	*next;
	uint32_t	 hash;
	uint32_t	 refs;
	char		 s[];
};

struct gindex {
	struct table	 g_uuid;	/* struct gindex_grant via uuid_next */
	struct table	 g_key;		/* via key_next */
	struct table	 p_uuid;	/* struct gindex_person via uuid_next */
	struct table	 p_key;		/* via key_next */
	struct table	 strs;		/* struct istr via next */
	/* the parents of grants' DNs (gindex_grant.dn_short), kept to the
	 * index's end: a directory has one or two */
	char		*parent[GINDEX_PARENTS];
	size_t		 nparent;
	uint8_t		 round;		/* what a put marks entries with */
};

/* FNV-1a, 32 bit. */
static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
hash_uuid(const unsigned char *u)
{
	return fnv(2166136261u, u, GINDEX_UUID_LEN);
}

static uint32_t
hash_key(const char *subject, const char *resource)
{
	uint32_t h;

	h = fnv(2166136261u, subject, strlen(subject) + 1);
	if (resource != NULL)
		h = fnv(h, resource, strlen(resource));
	return h;
}

static int
table_init(struct table *t)
{
	t->nb = 64;
	t->n = 0;
	t->b = calloc(t->nb, sizeof(*t->b));
	return t->b == NULL ? -1 : 0;
}

/*
 * Grow t when full.  next_off is the offset of the chain pointer in the
 * node, hash_of() the node's hash: the four tables share this code.
 */
static void
table_grow(struct table *t, size_t next_off, uint32_t (*hash_of)(void *))
{
	void **nb, *node, *next;
	size_t i, n = t->nb * 2, slot;

	if (t->n < t->nb || t->nb > ((size_t)1 << 28))
		return;
	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;		/* keep the old table: longer chains */
	for (i = 0; i < t->nb; i++) {
		for (node = t->b[i]; node != NULL; node = next) {
			memcpy(&next, (char *)node + next_off, sizeof(next));
			slot = hash_of(node) & (n - 1);
			memcpy((char *)node + next_off, &nb[slot],
			    sizeof(void *));
			nb[slot] = node;
		}
	}
	free(t->b);
	t->b = nb;
	t->nb = n;
}

static uint32_t
g_uuid_hash(void *p)
{
	return hash_uuid(((struct gindex_grant *)p)->uuid);
}

static uint32_t
g_key_hash(void *p)
{
	return ((struct gindex_grant *)p)->keyhash;
}

static uint32_t
istr_hash(void *p)
{
	return ((struct istr *)p)->hash;
}

/* The shared copy of str (a reference more), or NULL: out of memory. */
static const char *
intern(struct gindex *ix, const char *str)
{
	struct istr *is;
	uint32_t h = fnv(2166136261u, str, strlen(str));
	size_t n;

	for (is = ix->strs.b[h & (ix->strs.nb - 1)]; is != NULL; is = is->next)
		if (is->hash == h && strcmp(is->s, str) == 0) {
			is->refs++;
			return is->s;
		}
	n = strlen(str);
	if ((is = malloc(sizeof(*is) + n + 1)) == NULL)
		return NULL;
	is->hash = h;
	is->refs = 1;
	memcpy(is->s, str, n + 1);
	table_grow(&ix->strs, offsetof(struct istr, next), istr_hash);
	is->next = ix->strs.b[h & (ix->strs.nb - 1)];
	ix->strs.b[h & (ix->strs.nb - 1)] = is;
	ix->strs.n++;
	return is->s;
}

/* One reference less to an interned s; freed with the last. */
static void
unintern(struct gindex *ix, const char *s)
{
	struct istr *is, **pp;

	if (s == NULL)
		return;
	is = (struct istr *)(void *)(uintptr_t)(s - offsetof(struct istr, s));
	if (--is->refs > 0)
		return;
	for (pp = (struct istr **)&ix->strs.b[is->hash & (ix->strs.nb - 1)];
	    *pp != NULL; pp = &(*pp)->next)
		if (*pp == is) {
			*pp = is->next;
			ix->strs.n--;
			break;
		}
	free(is);
}

static uint32_t
p_uuid_hash(void *p)
{
	return hash_uuid(((struct gindex_person *)p)->uuid);
}

static uint32_t
p_key_hash(void *p)
{
	return ((struct gindex_person *)p)->keyhash;
}

struct gindex *
gindex_new(void)
{
	struct gindex *ix;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return NULL;
	if (table_init(&ix->g_uuid) == -1 || table_init(&ix->g_key) == -1 ||
	    table_init(&ix->p_uuid) == -1 || table_init(&ix->p_key) == -1 ||
	    table_init(&ix->strs) == -1) {
		gindex_free(ix);
		return NULL;
	}
	return ix;
}

void
gindex_free(struct gindex *ix)
{
	struct gindex_grant *g, *gn;
	struct gindex_person *p, *pn;
	struct istr *is, *isn;
	size_t i;

	if (ix == NULL)
		return;
	for (i = 0; ix->g_uuid.b != NULL && i < ix->g_uuid.nb; i++)
		for (g = ix->g_uuid.b[i]; g != NULL; g = gn) {
			gn = g->uuid_next;
			free(g);
		}
	for (i = 0; ix->p_uuid.b != NULL && i < ix->p_uuid.nb; i++)
		for (p = ix->p_uuid.b[i]; p != NULL; p = pn) {
			pn = p->uuid_next;
			free(p);
		}
	for (i = 0; ix->strs.b != NULL && i < ix->strs.nb; i++)
		for (is = ix->strs.b[i]; is != NULL; is = isn) {
			isn = is->next;
			free(is);
		}
	for (i = 0; i < ix->nparent; i++)
		free(ix->parent[i]);
	free(ix->strs.b);
	free(ix->g_uuid.b);
	free(ix->g_key.b);
	free(ix->p_uuid.b);
	free(ix->p_key.b);
	free(ix);
}

/* Unlink and free the grant with this uuid; 0 if found. */
static int
del_grant(struct gindex *ix, const unsigned char *uuid)
{
	struct gindex_grant **pp, *g;
	size_t slot = hash_uuid(uuid) & (ix->g_uuid.nb - 1);

	for (pp = (struct gindex_grant **)&ix->g_uuid.b[slot]; *pp != NULL;
	    pp = &(*pp)->uuid_next)
		if (memcmp((*pp)->uuid, uuid, GINDEX_UUID_LEN) == 0)
			break;
	if ((g = *pp) == NULL)
		return -1;
	*pp = g->uuid_next;
	ix->g_uuid.n--;
	slot = g->keyhash & (ix->g_key.nb - 1);
	for (pp = (struct gindex_grant **)&ix->g_key.b[slot]; *pp != NULL;
	    pp = &(*pp)->key_next)
		if (*pp == g) {
			*pp = g->key_next;
			ix->g_key.n--;
			break;
		}
	unintern(ix, g->subject);
	unintern(ix, g->resource);
	free(g);
	return 0;
}

static int
del_person(struct gindex *ix, const unsigned char *uuid)
{
	struct gindex_person **pp, *p;
	size_t slot = hash_uuid(uuid) & (ix->p_uuid.nb - 1);

	for (pp = (struct gindex_person **)&ix->p_uuid.b[slot]; *pp != NULL;
	    pp = &(*pp)->uuid_next)
		if (memcmp((*pp)->uuid, uuid, GINDEX_UUID_LEN) == 0)
			break;
	if ((p = *pp) == NULL)
		return -1;
	*pp = p->uuid_next;
	ix->p_uuid.n--;
	slot = p->keyhash & (ix->p_key.nb - 1);
	for (pp = (struct gindex_person **)&ix->p_key.b[slot]; *pp != NULL;
	    pp = &(*pp)->key_next)
		if (*pp == p) {
			*pp = p->key_next;
			ix->p_key.n--;
			break;
		}
	free(p);
	return 0;
}

int
gindex_del(struct gindex *ix, const unsigned char *uuid)
{
	int a, b;

	a = del_grant(ix, uuid);
	b = del_person(ix, uuid);
	return (a == 0 || b == 0) ? 0 : -1;
}

static enum gindex_status
parse_status(const char *s)
{
	if (strcasecmp(s, "active") == 0)
		return GINDEX_ACTIVE;
	if (strcasecmp(s, "suspended") == 0)
		return GINDEX_SUSPENDED;
	if (strcasecmp(s, "revoked") == 0)
		return GINDEX_REVOKED;
	if (strcasecmp(s, "expired") == 0)
		return GINDEX_EXPIRED;
	return GINDEX_OTHER;
}

const char *
gindex_status_name(int s)
{
	switch (s) {
	case GINDEX_ACTIVE:
		return "active";
	case GINDEX_SUSPENDED:
		return "suspended";
	case GINDEX_REVOKED:
		return "revoked";
	case GINDEX_EXPIRED:
		return "expired";
	}
	return "unknown";
}

static const char *const daynames[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

static int
parse_day(const char *s, size_t n)
{
	int i;

	if (n != 3)
		return -1;
	for (i = 0; i < 7; i++)
		if (strncasecmp(s, daynames[i], 3) == 0)
			return i;
	return -1;
}

/* "HH:MM" exactly, 00:00..24:00; minutes into *m. */
static int
parse_hhmm(const char *s, int *m)
{
	int h, mi;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	mi = (s[3] - '0') * 10 + (s[4] - '0');
	if (mi > 59 || h > 24 || (h == 24 && mi != 0))
		return -1;
	*m = h * 60 + mi;
	return 0;
}

int
gindex_parse_window(const char *s, struct kd_win *w)
{
	const char *p, *sp, *comma, *dash;
	int d1, d2, a, b;
	unsigned int days = 0;

	memset(w, 0, sizeof(*w));
	while (*s == ' ')
		s++;
	if ((sp = strchr(s, ' ')) == NULL)
		return -1;
	if ((sp - s == 5 && strncasecmp(s, "daily", 5) == 0) ||
	    (sp - s == 1 && *s == '*'))
		days = 0x7f;
	else {
		for (p = s; p < sp; p = comma + 1) {
			comma = memchr(p, ',', (size_t)(sp - p));
			if (comma == NULL)
				comma = sp;
			dash = memchr(p, '-', (size_t)(comma - p));
			if (dash == NULL) {
				if ((d1 = parse_day(p, (size_t)(comma - p)))
				    == -1)
					return -1;
				days |= 1u << d1;
			} else {
				if ((d1 = parse_day(p, (size_t)(dash - p))) ==
				    -1 || (d2 = parse_day(dash + 1,
				    (size_t)(comma - dash - 1))) == -1)
					return -1;
				for (;;) {
					days |= 1u << d1;
					if (d1 == d2)
						break;
					d1 = (d1 + 1) % 7;
				}
			}
			if (comma == sp)
				break;
		}
	}
	while (*sp == ' ')
		sp++;
	if (strlen(sp) != 11 || sp[5] != '-' || parse_hhmm(sp, &a) == -1 ||
	    parse_hhmm(sp + 6, &b) == -1 || a == 1440 || b == 0 || a == b)
		return -1;
	w->days = (uint8_t)days;
	w->start = (uint16_t)a;
	w->end = (uint16_t)b;
	return 0;
}

int
gindex_in_window(const struct gindex_grant *g, const struct tm *tm)
{
	if (g->badwin)
		return 0;
	return kd_in_windows(g->win, g->nwin, tm->tm_wday,
	    tm->tm_hour * 60 + tm->tm_min);
}

/*
 * The shared copy of the parent of dn if dn is "kunciId=<id>,<parent>"
 * (as kuncid's own grants are named), or NULL: then the grant keeps its
 * whole DN.
 */
static const char *
dn_parent(struct gindex *ix, const char *dn, const char *id)
{
	size_t l = strlen(id), i;
	const char *par;

	if (strncmp(dn, "kunciId=", 8) != 0 || strncmp(dn + 8, id, l) != 0 ||
	    dn[8 + l] != ',' || dn[9 + l] == '\0')
		return NULL;
	par = dn + 9 + l;
	for (i = 0; i < ix->nparent; i++)
		if (strcmp(ix->parent[i], par) == 0)
			return ix->parent[i];
	if (ix->nparent == GINDEX_PARENTS ||
	    (ix->parent[ix->nparent] = strdup(par)) == NULL)
		return NULL;
	return ix->parent[ix->nparent++];
}

int
gindex_grant_dn(const struct gindex_grant *g, char *buf, size_t sz)
{
	int n;

	if (g->dn_short)
		n = snprintf(buf, sz, "kunciId=%s,%s", g->id, g->dn);
	else
		n = snprintf(buf, sz, "%s", g->dn);
	return n < 0 || (size_t)n >= sz ? -1 : n;
}

char *
gindex_grant_dup_dn(const struct gindex_grant *g)
{
	size_t sz = strlen(g->dn) + (g->dn_short ? strlen(g->id) + 10 : 1);
	char *s = malloc(sz);

	if (s != NULL && gindex_grant_dn(g, s, sz) == -1) {
		free(s);
		s = NULL;
	}
	return s;
}

/* 1 if g's DN is dn. */
static int
dn_is(const struct gindex_grant *g, const char *dn)
{
	size_t l = strlen(g->id);

	if (!g->dn_short)
		return strcmp(g->dn, dn) == 0;
	return strncmp(dn, "kunciId=", 8) == 0 &&
	    strncmp(dn + 8, g->id, l) == 0 && dn[8 + l] == ',' &&
	    strcmp(dn + 9 + l, g->dn) == 0;
}

static struct gindex_grant *
grant_of(const struct gindex *ix, const unsigned char *uuid)
{
	struct gindex_grant *g;

	for (g = ix->g_uuid.b[hash_uuid(uuid) & (ix->g_uuid.nb - 1)];
	    g != NULL; g = g->uuid_next)
		if (memcmp(g->uuid, uuid, GINDEX_UUID_LEN) == 0)
			return g;
	return NULL;
}

static struct gindex_person *
person_of(const struct gindex *ix, const unsigned char *uuid)
{
	struct gindex_person *p;

	for (p = ix->p_uuid.b[hash_uuid(uuid) & (ix->p_uuid.nb - 1)];
	    p != NULL; p = p->uuid_next)
		if (memcmp(p->uuid, uuid, GINDEX_UUID_LEN) == 0)
			return p;
	return NULL;
}

/*
 * 1 if g (the grant a uuid names, or NULL) holds exactly this already: a
 * full refresh of the live index (gate_consumer.c) then replaces nothing,
 * which spares a million allocations, and the holes they leave, after a
 * restart.
 */
static int
same_grant(const struct gindex_grant *g, const struct gindex_grant_in *in,
    const struct kd_win *win, size_t nwin, int bad)
{
	return g != NULL && g->status == parse_status(in->status) &&
	    g->nwin == nwin && g->badwin == bad &&
	    g->not_before == in->not_before &&
	    g->not_after == in->not_after &&
	    g->last_used == in->last_used &&
	    (nwin == 0 || memcmp(g->win, win, nwin * sizeof(*win)) == 0) &&
	    strcmp(g->id, in->id) == 0 && strcmp(g->subject, in->subject) == 0 &&
	    strcmp(g->resource, in->resource) == 0 && dn_is(g, in->dn);
}

static int
put_grant(struct gindex *ix, const unsigned char *uuid,
    const struct gindex_grant_in *in, const struct kd_win *win,
    size_t nwin, int bad)
{
	struct gindex_grant *g;
	size_t ls[2], sz, i;
	const char *src[2], *par;
	char *p;

	if (in->dn == NULL || in->id == NULL || in->subject == NULL ||
	    in->resource == NULL || in->status == NULL ||
	    strlen(in->subject) > 4096 || strlen(in->resource) > 4096)
		return -1;
	if (same_grant(g = grant_of(ix, uuid), in, win, nwin, bad)) {
		g->round = ix->round;
		return 0;
	}
	par = strlen(in->id) <= 4096 ? dn_parent(ix, in->dn, in->id) : NULL;
	src[0] = par != NULL ? "" : in->dn;
	src[1] = in->id;
	sz = sizeof(*g) + nwin * sizeof(struct kd_win);
	for (i = 0; i < 2; i++) {
		ls[i] = strlen(src[i]);
		if (ls[i] > 4096)
			return -1;
		sz += ls[i] + 1;
	}
	if ((g = calloc(1, sz)) == NULL)
		return -1;
	if ((g->subject = intern(ix, in->subject)) == NULL ||
	    (g->resource = intern(ix, in->resource)) == NULL) {
		unintern(ix, g->subject);
		free(g);
		return -1;
	}
	memcpy(g->uuid, uuid, GINDEX_UUID_LEN);
	g->status = (uint8_t)parse_status(in->status);
	g->nwin = (uint8_t)nwin;
	g->badwin = bad != 0;
	g->round = ix->round;
	g->not_before = in->not_before;
	g->not_after = in->not_after;
	g->last_used = in->last_used;
	if (nwin > 0)
		memcpy(g->win, win, nwin * sizeof(struct kd_win));
	p = (char *)(g->win + nwin);
	memcpy(p, src[0], ls[0] + 1);
	g->dn = par != NULL ? par : p;
	g->dn_short = par != NULL;
	p += ls[0] + 1;
	memcpy(p, src[1], ls[1] + 1);
	g->id = p;
	g->keyhash = hash_key(g->subject, g->resource);

	gindex_del(ix, uuid);
	table_grow(&ix->g_uuid, offsetof(struct gindex_grant, uuid_next),
	    g_uuid_hash);
	table_grow(&ix->g_key, offsetof(struct gindex_grant, key_next),
	    g_key_hash);
	i = hash_uuid(uuid) & (ix->g_uuid.nb - 1);
	g->uuid_next = ix->g_uuid.b[i];
	ix->g_uuid.b[i] = g;
	ix->g_uuid.n++;
	i = g->keyhash & (ix->g_key.nb - 1);
	g->key_next = ix->g_key.b[i];
	ix->g_key.b[i] = g;
	ix->g_key.n++;
	return 0;
}

int
gindex_put_grant(struct gindex *ix, const unsigned char *uuid,
    const struct gindex_grant_in *in)
{
	struct kd_win win[GINDEX_MAX_WIN];
	size_t i, nwin = 0;
	int bad = 0;

	for (i = 0; i < in->nwindows; i++) {
		if (nwin == GINDEX_MAX_WIN ||
		    gindex_parse_window(in->windows[i], &win[nwin]) == -1) {
			bad = 1;
			break;
		}
		nwin++;
	}
	return put_grant(ix, uuid, in, win, nwin, bad);
}

int
gindex_put_person(struct gindex *ix, const unsigned char *uuid,
    const char *uid)
{
	struct gindex_person *p;
	size_t n, i;

	if (uid == NULL || (n = strlen(uid)) > 4096)
		return -1;
	if ((p = calloc(1, sizeof(*p) + n + 1)) == NULL)
		return -1;
	memcpy(p->uuid, uuid, GINDEX_UUID_LEN);
	memcpy(p->uid, uid, n + 1);
	p->keyhash = hash_key(uid, NULL);
	p->round = ix->round;

	gindex_del(ix, uuid);
	table_grow(&ix->p_uuid, offsetof(struct gindex_person, uuid_next),
	    p_uuid_hash);
	table_grow(&ix->p_key, offsetof(struct gindex_person, key_next),
	    p_key_hash);
	i = hash_uuid(uuid) & (ix->p_uuid.nb - 1);
	p->uuid_next = ix->p_uuid.b[i];
	ix->p_uuid.b[i] = p;
	ix->p_uuid.n++;
	i = p->keyhash & (ix->p_key.nb - 1);
	p->key_next = ix->p_key.b[i];
	ix->p_key.b[i] = p;
	ix->p_key.n++;
	return 0;
}

int
gindex_has_person(const struct gindex *ix, const char *uid)
{
	const struct gindex_person *p;
	uint32_t h = hash_key(uid, NULL);

	for (p = ix->p_key.b[h & (ix->p_key.nb - 1)]; p != NULL;
	    p = p->key_next)
		if (p->keyhash == h && strcmp(p->uid, uid) == 0)
			return 1;
	return 0;
}

int
gindex_grant_is(const struct gindex_grant *g, const char *subject,
    const char *resource)
{
	return strcmp(g->subject, subject) == 0 &&
	    strcmp(g->resource, resource) == 0;
}

struct gindex_grant *
gindex_lookup(const struct gindex *ix, const char *subject,
    const char *resource)
{
	return ix->g_key.b[hash_key(subject, resource) & (ix->g_key.nb - 1)];
}

size_t
gindex_ngrants(const struct gindex *ix)
{
	return ix->g_uuid.n;
}

size_t
gindex_npeople(const struct gindex *ix)
{
	return ix->p_uuid.n;
}

/*
 * Serialised form: "KGIX" u32 version(1) u32 ngrants u32 npeople, then per
 * grant: uuid[16] u8 status u8 nwin u8 badwin, i64 nb, na, lu, nwin *
 * (u8 days, u16 start, u16 end), 4 strings (u32 len + bytes: dn, id,
 * subject, resource); per person: uuid[16], string uid.  Big-endian.
 */
struct wbuf {
	unsigned char	*p;
	size_t		 len, cap;
	int		 err;
	/* streaming (gindex_encode_to()): a fixed buffer handed to sink
	 * whenever it fills; counting: only total grows */
	gindex_sink_fn	 sink;
	void		*arg;
	int		 count;
	uint64_t	 total;
};

#define WBUF_PIECE	(64u * 1024)

static void
wflush(struct wbuf *w)
{
	if (!w->err && w->sink != NULL && w->len > 0 &&
	    w->sink(w->arg, w->p, w->len) == -1)
		w->err = 1;
	w->len = 0;
}

static void
wput(struct wbuf *w, const void *src, size_t n)
{
	unsigned char *np;
	size_t nc;

	if (w->err)
		return;
	w->total += n;
	if (w->count)
		return;
	if (w->sink != NULL) {
		if (w->cap - w->len < n)
			wflush(w);
		if (n > w->cap) {	/* a string longer than the piece */
			if (!w->err && w->sink(w->arg, src, n) == -1)
				w->err = 1;
			return;
		}
	} else if (w->cap - w->len < n) {
		nc = w->cap ? w->cap : 4096;
		while (nc - w->len < n) {
			if (nc > SIZE_MAX / 2) {
				w->err = 1;
				return;
			}
			nc *= 2;
		}
		if ((np = realloc(w->p, nc)) == NULL) {
			w->err = 1;
			return;
		}
		w->p = np;
		w->cap = nc;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
wput_u(struct wbuf *w, uint64_t v, int bytes)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	wput(w, b, (size_t)bytes);
}

static void
wput_s(struct wbuf *w, const char *s)
{
	size_t n = strlen(s);

	wput_u(w, n, 4);
	wput(w, s, n);
}

static void
encode_grant(struct wbuf *w, const struct gindex_grant *g)
{
	int k;

	wput(w, g->uuid, GINDEX_UUID_LEN);
	wput_u(w, g->status, 1);
	wput_u(w, g->nwin, 1);
	wput_u(w, g->badwin, 1);
	wput_u(w, (uint64_t)g->not_before, 8);
	wput_u(w, (uint64_t)g->not_after, 8);
	wput_u(w, (uint64_t)g->last_used, 8);
	for (k = 0; k < g->nwin; k++) {
		wput_u(w, g->win[k].days, 1);
		wput_u(w, g->win[k].start, 2);
		wput_u(w, g->win[k].end, 2);
	}
	if (g->dn_short) {	/* the whole DN, as put */
		wput_u(w, 9 + strlen(g->id) + strlen(g->dn), 4);
		wput(w, "kunciId=", 8);
		wput(w, g->id, strlen(g->id));
		wput(w, ",", 1);
		wput(w, g->dn, strlen(g->dn));
	} else
		wput_s(w, g->dn);
	wput_s(w, g->id);
	wput_s(w, g->subject);
	wput_s(w, g->resource);
}

/*
 * Where an encoding in steps stands: its stage (0 the header, 1 the
 * grants, 2 the people, 3 done) and the next hash bucket of that stage
 * out of nb (a table resized between two steps ends the encoding).
 */
struct gindex_enc {
	int		 stage;
	size_t		 i, nb;
	struct wbuf	 w;		/* the last step's bytes */
};

/* Header, then whole buckets into w until it holds `want' bytes or all. */
static int
encode_part(const struct gindex *ix, struct gindex_enc *e, struct wbuf *w,
    size_t want)
{
	const struct gindex_grant *g;
	const struct gindex_person *p;
	uint64_t start = w->total;

	if (e->stage == 0) {
		wput(w, "KGIX", 4);
		wput_u(w, 1, 4);
		wput_u(w, ix->g_uuid.n, 4);
		wput_u(w, ix->p_uuid.n, 4);
		e->stage = 1;
		e->i = 0;
		e->nb = ix->g_uuid.nb;
	}
	if (e->stage == 1) {
		if (ix->g_uuid.nb != e->nb)
			return -1;
		for (; e->i < e->nb && w->total - start < want && !w->err;
		    e->i++)
			for (g = ix->g_uuid.b[e->i]; g != NULL;
			    g = g->uuid_next)
				encode_grant(w, g);
		if (e->i == e->nb) {
			e->stage = 2;
			e->i = 0;
			e->nb = ix->p_uuid.nb;
		}
	}
	if (e->stage == 2) {
		if (ix->p_uuid.nb != e->nb)
			return -1;
		for (; e->i < e->nb && w->total - start < want && !w->err;
		    e->i++)
			for (p = ix->p_uuid.b[e->i]; p != NULL;
			    p = p->uuid_next) {
				wput(w, p->uuid, GINDEX_UUID_LEN);
				wput_s(w, p->uid);
			}
		if (e->i == e->nb)
			e->stage = 3;
	}
	return w->err ? -1 : 0;
}

/* The whole encoding into w, in order. */
static void
encode(const struct gindex *ix, struct wbuf *w)
{
	struct gindex_enc e;

	memset(&e, 0, sizeof(e));
	if (encode_part(ix, &e, w, SIZE_MAX) == -1)
		w->err = 1;
}

struct gindex_enc *
gindex_enc_new(int count)
{
	struct gindex_enc *e = calloc(1, sizeof(struct gindex_enc));

	if (e != NULL)
		e->w.count = count;
	return e;
}

void
gindex_enc_free(struct gindex_enc *e)
{
	if (e != NULL)
		free(e->w.p);
	free(e);
}

int
gindex_enc_step(const struct gindex *ix, struct gindex_enc *e, size_t want,
    const unsigned char **p, size_t *len)
{
	*p = NULL;
	*len = 0;
	if (e->stage == 3)
		return 0;
	e->w.len = 0;
	e->w.total = 0;
	if (encode_part(ix, e, &e->w, want) == -1)
		return -1;
	*p = e->w.p;
	*len = (size_t)e->w.total;
	return 1;
}

int
gindex_encode(const struct gindex *ix, unsigned char **buf, size_t *len)
{
	struct wbuf w;

	*buf = NULL;
	*len = 0;
	memset(&w, 0, sizeof(w));
	encode(ix, &w);
	if (w.err) {
		free(w.p);
		return -1;
	}
	*buf = w.p;
	*len = w.len;
	return 0;
}

uint64_t
gindex_encoded_len(const struct gindex *ix)
{
	struct wbuf w;

	memset(&w, 0, sizeof(w));
	w.count = 1;
	encode(ix, &w);
	return w.total;
}

int
gindex_encode_to(const struct gindex *ix, gindex_sink_fn sink, void *arg,
    uint64_t *len)
{
	struct wbuf w;

	memset(&w, 0, sizeof(w));
	w.sink = sink;
	w.arg = arg;
	w.cap = WBUF_PIECE;
	if ((w.p = malloc(w.cap)) == NULL)
		return -1;
	encode(ix, &w);
	wflush(&w);
	free(w.p);
	if (len != NULL)
		*len = w.total;
	return w.err ? -1 : 0;
}

struct rbuf {
	const unsigned char	*p;
	size_t			 len, off;
	int			 err;
	/* streaming (gindex_decode_from()): p is buf, refilled from src */
	gindex_source_fn	 src;
	void			*arg;
	unsigned char		*buf;
	size_t			 cap;
	int			 eof;
};

#define RBUF_PIECE	(256u * 1024)	/* > the longest field, 4 + 4096 */

/* 1 if n bytes are there to read at r->off (refilling from src), else 0. */
static int
rneed(struct rbuf *r, size_t n)
{
	ssize_t k;

	if (r->err)
		return 0;
	if (r->len - r->off >= n)
		return 1;
	if (r->src == NULL || n > r->cap)
		return 0;
	memmove(r->buf, r->buf + r->off, r->len - r->off);
	r->len -= r->off;
	r->off = 0;
	while (r->len < n && !r->eof) {
		if ((k = r->src(r->arg, r->buf + r->len, r->cap - r->len)) < 0) {
			r->err = 1;
			return 0;
		}
		if (k == 0)
			r->eof = 1;
		r->len += (size_t)k;
	}
	return r->len - r->off >= n;
}

static uint64_t
rget_u(struct rbuf *r, int bytes)
{
	uint64_t v = 0;
	int i;

	if (!rneed(r, (size_t)bytes)) {
		r->err = 1;
		return 0;
	}
	for (i = 0; i < bytes; i++)
		v = v << 8 | r->p[r->off++];
	return v;
}

/* A string copied into dst (NUL-terminated); no NUL allowed inside. */
static void
rget_s(struct rbuf *r, char *dst, size_t dstsz)
{
	uint64_t n = rget_u(r, 4);

	dst[0] = '\0';
	if (r->err || n >= dstsz || !rneed(r, (size_t)n) ||
	    (n > 0 && memchr(r->p + r->off, '\0', n) != NULL)) {
		r->err = 1;
		return;
	}
	memcpy(dst, r->p + r->off, n);
	dst[n] = '\0';
	r->off += n;
}

static void
rget_uuid(struct rbuf *r, unsigned char *uuid)
{
	if (!rneed(r, GINDEX_UUID_LEN)) {
		r->err = 1;
		return;
	}
	memcpy(uuid, r->p + r->off, GINDEX_UUID_LEN);
	r->off += GINDEX_UUID_LEN;
}

/* One grant record into ix; r->err on anything malformed. */
static void
decode_grant(struct rbuf *r, struct gindex *ix)
{
	unsigned char uuid[GINDEX_UUID_LEN];
	char dn[4097], id[4097], sub[4097], res[4097];
	struct gindex_grant_in in;
	struct kd_win win[GINDEX_MAX_WIN];
	unsigned int k, nwin, status, badwin;

	rget_uuid(r, uuid);
	memset(&in, 0, sizeof(in));
	status = (unsigned int)rget_u(r, 1);
	nwin = (unsigned int)rget_u(r, 1);
	badwin = (unsigned int)rget_u(r, 1);
	in.not_before = (int64_t)rget_u(r, 8);
	in.not_after = (int64_t)rget_u(r, 8);
	in.last_used = (int64_t)rget_u(r, 8);
	if (r->err || nwin > GINDEX_MAX_WIN || status < GINDEX_ACTIVE ||
	    status > GINDEX_OTHER || badwin > 1) {
		r->err = 1;
		return;
	}
	for (k = 0; k < nwin; k++) {
		win[k].days = (uint8_t)rget_u(r, 1);
		win[k].start = (uint16_t)rget_u(r, 2);
		win[k].end = (uint16_t)rget_u(r, 2);
		if (win[k].start > 1439 || win[k].end > 1440 ||
		    win[k].end == 0)
			r->err = 1;
	}
	rget_s(r, dn, sizeof(dn));
	rget_s(r, id, sizeof(id));
	rget_s(r, sub, sizeof(sub));
	rget_s(r, res, sizeof(res));
	if (r->err)
		return;
	in.dn = dn;
	in.id = id;
	in.subject = sub;
	in.resource = res;
	/* the status text round-trips through its name */
	in.status = status == GINDEX_OTHER ? "?" :
	    gindex_status_name((int)status);
	if (put_grant(ix, uuid, &in, win, nwin, (int)badwin) == -1)
		r->err = 1;
}

static struct gindex *
decode(struct rbuf *r)
{
	struct gindex *ix = NULL;
	unsigned char uuid[GINDEX_UUID_LEN];
	char uid[4097];
	uint64_t ng, np, i;

	if (!rneed(r, 16) || memcmp(r->p + r->off, "KGIX", 4) != 0)
		return NULL;
	r->off += 4;
	if (rget_u(r, 4) != 1)
		return NULL;
	ng = rget_u(r, 4);
	np = rget_u(r, 4);
	if (r->err || (ix = gindex_new()) == NULL)
		return NULL;
	for (i = 0; i < ng && !r->err; i++)
		decode_grant(r, ix);
	for (i = 0; i < np && !r->err; i++) {
		rget_uuid(r, uuid);
		rget_s(r, uid, sizeof(uid));
		if (r->err || gindex_put_person(ix, uuid, uid) == -1)
			r->err = 1;
	}
	/* nothing may follow (src failing there is an error too) */
	if (!r->err && rneed(r, 1))
		r->err = 1;
	if (r->err) {
		gindex_free(ix);
		return NULL;
	}
	return ix;
}

struct gindex *
gindex_decode(const unsigned char *buf, size_t len)
{
	struct rbuf r;

	memset(&r, 0, sizeof(r));
	r.p = buf;
	r.len = len;
	return decode(&r);
}

struct gindex *
gindex_decode_from(gindex_source_fn src, void *arg)
{
	struct gindex *ix;
	struct rbuf r;

	memset(&r, 0, sizeof(r));
	r.src = src;
	r.arg = arg;
	r.cap = RBUF_PIECE;
	if ((r.buf = malloc(r.cap)) == NULL)
		return NULL;
	r.p = r.buf;
	ix = decode(&r);
	free(r.buf);
	return ix;
}

void
gindex_foreach(const struct gindex *ix,
    void (*grant)(void *, const struct gindex_grant *),
    void (*person)(void *, const char *), void *arg)
{
	const struct gindex_grant *g;
	const struct gindex_person *p;
	size_t i;

	for (i = 0; grant != NULL && i < ix->g_uuid.nb; i++)
		for (g = ix->g_uuid.b[i]; g != NULL; g = g->uuid_next)
			grant(arg, g);
	for (i = 0; person != NULL && i < ix->p_uuid.nb; i++)
		for (p = ix->p_uuid.b[i]; p != NULL; p = p->uuid_next)
			person(arg, p->uid);
}

void
gindex_mark_begin(struct gindex *ix)
{
	struct gindex_grant *g;
	struct gindex_person *p;
	size_t i;

	/*
	 * Every entry's mark is at most ix->round, so the next value marks
	 * none of them; before it wraps, all go back to 0 (once in 255
	 * refreshes: the ones that completed marked or removed every entry).
	 */
	if (ix->round == UINT8_MAX) {
		for (i = 0; i < ix->g_uuid.nb; i++)
			for (g = ix->g_uuid.b[i]; g != NULL; g = g->uuid_next)
				g->round = 0;
		for (i = 0; i < ix->p_uuid.nb; i++)
			for (p = ix->p_uuid.b[i]; p != NULL; p = p->uuid_next)
				p->round = 0;
		ix->round = 0;
	}
	ix->round++;
}

int
gindex_mark(struct gindex *ix, const unsigned char *uuid)
{
	struct gindex_grant *g;
	struct gindex_person *p;

	if ((g = grant_of(ix, uuid)) != NULL)
		g->round = ix->round;
	else if ((p = person_of(ix, uuid)) != NULL)
		p->round = ix->round;
	else
		return -1;
	return 0;
}

void
gindex_foreach_unmarked(const struct gindex *ix,
    void (*fn)(void *, const unsigned char *), void *arg)
{
	const struct gindex_grant *g;
	const struct gindex_person *p;
	size_t i;

	for (i = 0; i < ix->g_uuid.nb; i++)
		for (g = ix->g_uuid.b[i]; g != NULL; g = g->uuid_next)
			if (g->round != ix->round)
				fn(arg, g->uuid);
	for (i = 0; i < ix->p_uuid.nb; i++)
		for (p = ix->p_uuid.b[i]; p != NULL; p = p->uuid_next)
			if (p->round != ix->round)
				fn(arg, p->uuid);
}

struct gindex_grant *
gindex_find_id(const struct gindex *ix, const char *subject,
    const char *resource, const char *id)
{
	struct gindex_grant *g;

	for (g = gindex_lookup(ix, subject, resource); g != NULL;
	    g = g->key_next)
		if (gindex_grant_is(g, subject, resource) &&
		    strcmp(g->id, id) == 0)
			return g;
	return NULL;
}

void
gindex_set_status(struct gindex_grant *g, int status)
{
	g->status = (uint8_t)status;
}

int
gindex_kd_grants(struct gindex *ix, const char *user, const char *res,
    int (*fn)(void *, const struct kd_grant *), void *fnarg)
{
	struct gindex_grant *g;
	struct kd_grant k;

	for (g = gindex_lookup(ix, user, res); g != NULL; g = g->key_next) {
		if (!gindex_grant_is(g, user, res))
			continue;
		k.status = g->status;
		k.badwin = g->badwin;
		k.not_before = g->not_before;
		k.not_after = g->not_after;
		k.win = g->win;
		k.nwin = g->nwin;
		k.id = g->id;
		k.ref = g;
		if (fn(fnarg, &k))
			break;
	}
	return 0;
}

const struct gindex_grant *
gindex_grant_by_uuid(const struct gindex *ix, const unsigned char *uuid)
{
	return grant_of(ix, uuid);
}

const char *
gindex_person_by_uuid(const struct gindex *ix, const unsigned char *uuid)
{
	const struct gindex_person *p = person_of(ix, uuid);

	return p != NULL ? p->uid : NULL;
}
