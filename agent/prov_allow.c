/*
 * prov_allow.c: the doors' signed card allow lists (prov.h): each door's
 * list read from the directory (its active card grants, then their
 * cards), written and signed when it changed, by the scheduler's pass and
 * after each change that touches a door; a review's run holds the
 * rewrites back (prov_allow_defer()).  doc/provisioning.md.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "prov.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))	/* libldap wants char * */
#define LIST_MAX	100000	/* card grants a door's search returns */

/*
 * A door's list is read from LDAP then written: two threads (an admin
 * worker revoking, the scheduler's pass) must not interleave, or the
 * older read could be renamed over the newer list.
 */
static pthread_mutex_t allow_mtx = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------ allow lists */

static void
door_file(const char *door, char *buf, size_t sz)
{
	size_t i;

	u_strlcpy(buf, door, sz);
	for (i = 0; buf[i] != '\0'; i++)
		if (!((buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= 'A' && buf[i] <= 'Z') ||
		    (buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.' ||
		    buf[i] == '-' || buf[i] == '_') || (i == 0 && buf[i] == '.'))
			buf[i] = '_';
}

int
prov_allow_path(struct wf *w, const char *door, char *buf, size_t sz)
{
	char f[DIR_NAME_MAX + 1];
	int n;

	door_file(door, f, sizeof(f));
	n = snprintf(buf, sz, "%s/allowlists/%s.list",
	    w->cfg->agent.state_dir, f);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

struct line {
	char	 serial[WF_CRED_MAX + 1];
	char	 holder[DIR_UID_MAX + 1];
	char	 grant[WF_ID_MAX + 1];
	time_t	 not_after;
};

struct collect {
	struct line	*v;
	size_t		 n, cap;
	size_t		 seen;	/* grants the search returned */
	time_t		 now;
};

static int
collect_grant(struct wf_grant *g, void *arg)
{
	struct collect *c = arg;
	struct line *nv;

	c->seen++;
	/* in force now: the times are tested here, not in the filter (a
	 * start time that does not parse never lets the card in) */
	if (g->cred[0] == '\0' || g->not_before == 0 ||
	    g->not_before > c->now || g->not_after <= c->now)
		return EX_OK;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		if ((nv = reallocarray(c->v, c->cap, sizeof(*nv))) == NULL)
			return EX_OSERR;
		c->v = nv;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	u_strlcpy(c->v[c->n].serial, g->cred, sizeof(c->v[0].serial));
	u_strlcpy(c->v[c->n].holder, g->subject, sizeof(c->v[0].holder));
	u_strlcpy(c->v[c->n].grant, g->id, sizeof(c->v[0].grant));
	c->v[c->n].not_after = g->not_after;
	c->n++;
	return EX_OK;
}

/*
 * The door's cards (a base read per card cost 50,000 round trips for a
 * door of 50,000 cards: bench/cards.sh).  One search of every active
 * card when the directory holds no more than CARDS_SHARE times as many
 * as the door names (0.1 s of slapd CPU for 50,000); else the door's
 * serials, CARDS_BATCH to a search, equality on the indexed
 * kunciCardSerial (about six times that CPU, but bounded by the door,
 * not by the province).  Either way the work is bounded by the door's
 * size.  Sorted by serial for bsearch; serials compare without case, as
 * LDAP matches them.
 */
struct cardrow {
	char	serial[WF_CRED_MAX + 1];
	char	holder[DIR_UID_MAX + 1];
	int	ok;		/* status exactly "active", not lost */
};

struct cards {
	struct cardrow	*v;
	size_t		 n, cap;
};

#define CARDS_BATCH	128	/* serials a search names */
#define CARDS_SHARE	4	/* active cards per line read in one search */

static int
cards_each(struct cards *c, LDAP *ld, LDAPMessage *e)
{
	struct cardrow *r, *nv;
	struct berval **v;
	char st[16];
	int i;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		if ((nv = reallocarray(c->v, c->cap, sizeof(*nv))) == NULL)
			return EX_OSERR;
		c->v = nv;
	}
	r = &c->v[c->n];
	memset(r, 0, sizeof(*r));
	dir_get(ld, e, "kunciCardSerial", r->serial, sizeof(r->serial));
	dir_get(ld, e, "kunciHolder", r->holder, sizeof(r->holder));
	dir_get(ld, e, "kunciStatus", st, sizeof(st));
	r->ok = strcmp(st, "active") == 0;
	/* as card_get(): a note starting "lost" marks the card lost */
	v = ldap_get_values_len(ld, e, "kunciNote");
	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (v[i]->bv_len >= 5 && strncasecmp(v[i]->bv_val, "lost",
		    4) == 0)
			r->ok = 0;
	ldap_value_free_len(v);
	if (r->serial[0] != '\0')
		c->n++;
	return EX_OK;
}

static int
cmp_cardrow(const void *a, const void *b)
{
	return strcasecmp(((const struct cardrow *)a)->serial,
	    ((const struct cardrow *)b)->serial);
}

/*
 * One search under ou=cards, at most limit entries, into c; *cut when
 * the limit was reached (c then incomplete).  A referral there (a card
 * kuncid cannot read: returned as a reference, not an entry) fails it.
 */
static int
cards_search(struct wf *w, const char *filter, int limit, struct cards *c,
    int *cut)
{
	char *attrs[] = { U("kunciCardSerial"), U("kunciHolder"),
	    U("kunciStatus"), U("kunciNote"), NULL };
	char base[DIR_DN_MAX];
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, st = EX_OK;

	*cut = 0;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), "ou=cards,%s",
	    w->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
	    0, NULL, NULL, NULL, limit, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {	/* no ou=cards: no card */
		ldap_msgfree(res);
		return EX_OK;
	}
	if (rc == LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		*cut = 1;
		return EX_OK;
	}
	if (rc == LDAP_SUCCESS && ldap_count_references(ld, res) > 0)
		rc = LDAP_REFERRAL;
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading the card"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL && st == EX_OK;
	    e = ldap_next_entry(ld, e))
		st = cards_each(c, ld, e);
	ldap_msgfree(res);
	return st;
}

/* The cards of lines [*i, ...), CARDS_BATCH serials; *i moves past them. */
static int
cards_batch(struct wf *w, const struct line *l, size_t nl, size_t *i,
    struct cards *c)
{
	char esc[3 * WF_CRED_MAX + 1];
	struct strbuf f;
	size_t k;
	int st, cut;

	sb_init(&f, (3 * WF_CRED_MAX + 20) * CARDS_BATCH + 64);
	sb_printf(&f, "(&(objectClass=kunciCard)(|");
	for (k = 0; k < CARDS_BATCH && *i < nl; (*i)++) {
		if (*i > 0 && strcmp(l[*i].serial, l[*i - 1].serial) == 0)
			continue;
		if (ldapc_escape_filter(esc, sizeof(esc), l[*i].serial) == -1)
			continue;	/* cannot be a card's serial */
		sb_printf(&f, "(kunciCardSerial=%s)", esc);
		k++;
	}
	sb_printf(&f, "))");
	if (k == 0 || sb_err(&f)) {
		sb_free(&f);
		return k == 0 ? EX_OK : wf_fail(w, EX_SOFTWARE,
		    _("out of memory"));
	}
	st = cards_search(w, sb_str(&f), (int)(CARDS_SHARE * CARDS_BATCH),
	    c, &cut);
	sb_free(&f);
	if (st == EX_OK && cut)	/* more cards than serials can match */
		st = wf_fail(w, EX_UNAVAILABLE, _("reading the card"));
	return st;
}

/* The cards of the lines (sorted by serial), into c. */
static int
cards_load(struct wf *w, const struct line *l, size_t nl, struct cards *c)
{
	size_t i = 0;
	int st, cut;

	if (nl == 0)
		return EX_OK;
	/* nl <= LIST_MAX: the limit fits an int */
	if ((st = cards_search(w, "(&(objectClass=kunciCard)"
	    "(kunciStatus=active))", (int)(CARDS_SHARE * nl + CARDS_BATCH),
	    c, &cut)) != EX_OK)
		return st;
	if (cut) {
		c->n = 0;	/* many more cards than the door's: by serial */
		while (i < nl)
			if ((st = cards_batch(w, l, nl, &i, c)) != EX_OK)
				return st;
	}
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cmp_cardrow);
	return EX_OK;
}

/* Whether serial is an active card, not lost, held by holder. */
static int
card_fits(const struct cards *c, const char *serial, const char *holder)
{
	struct cardrow key, *r;

	u_strlcpy(key.serial, serial, sizeof(key.serial));
	r = c->n > 0 ? bsearch(&key, c->v, c->n, sizeof(*c->v),
	    cmp_cardrow) : NULL;
	return r != NULL && r->ok && strcmp(r->holder, holder) == 0;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->serial,
	    ((const struct line *)b)->serial);
}

/* The body without the "generated" line, for change detection. */
static int
same_body(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ga = memmem(a, alen, "\ngenerated ", 11);
	const char *gb = memmem(b, blen, "\ngenerated ", 11);
	const char *ea, *eb;

	if (ga == NULL || gb == NULL)
		return 0;
	ea = memchr(ga + 1, '\n', alen - (size_t)(ga + 1 - a));
	eb = memchr(gb + 1, '\n', blen - (size_t)(gb + 1 - b));
	if (ea == NULL || eb == NULL)
		return 0;
	return ga - a == gb - b && memcmp(a, b, (size_t)(ga - a)) == 0 &&
	    alen - (size_t)(ea - a) == blen - (size_t)(eb - b) &&
	    memcmp(ea, eb, alen - (size_t)(ea - a)) == 0;
}

static int
refresh_door_locked(struct wf *w, const char *door, int force)
{
	char esc[3 * DIR_NAME_MAX + 1], filter[3 * DIR_NAME_MAX + 200];
	char now_s[32], na[32], path[4096], sigp[4200], dir[4096], err[256];
	char old[1 << 16];
	struct collect col;
	struct cards cards;
	struct strbuf b;
	unsigned char *sig = NULL;
	size_t i, n = 0, siglen = 0;
	ssize_t olen = -1;
	time_t now = time(NULL);
	int st = EX_OK, fd;

	memset(&col, 0, sizeof(col));
	memset(&cards, 0, sizeof(cards));
	if (ldapc_escape_filter(esc, sizeof(esc), door) == -1)
		return wf_fail(w, EX_DATAERR, _("bad door name"));
	dir_gentime(now_s, sizeof(now_s), now);
	/*
	 * Equality terms only: slapd answers an inequality on a time by
	 * walking one index entry per distinct value, a million of them in
	 * a province (bench/cards.sh); collect_grant() tests the times.
	 */
	col.now = now;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciResource=%s)(kunciStatus=active)(kunciCredential=*))",
	    esc);
	if ((st = wf_grants(w, filter, LIST_MAX, collect_grant, &col)) !=
	    EX_OK)
		goto out;
	if (col.seen >= LIST_MAX || w->truncated) {
		/* the search stopped at a size limit, kuncid's or the
		 * directory's own: a list without the rest would lock their
		 * holders out */
		st = col.seen >= LIST_MAX ? wf_fail(w, EX_SOFTWARE,
		    _("door %s has more than %d card grants; the list in "
		    "place is kept"), door, LIST_MAX) : wf_fail(w,
		    EX_UNAVAILABLE, _("the directory gave only %zu of door "
		    "%s's card grants (a size limit on kuncid's bind DN?); the "
		    "list in place is kept"), col.seen, door);
		log_warnx("allow list %s: %s", door, i18n_en(w->err));
		goto out;
	}
	if (col.n > 1)
		qsort(col.v, col.n, sizeof(*col.v), cmp_line);
	/* a card the directory cannot give fails the refresh: the list in
	 * place stays (a card left off for a timeout would lock its holder
	 * out of the room) */
	if ((st = cards_load(w, col.v, col.n, &cards)) != EX_OK) {
		log_warnx("allow list %s: a card could not be read (%s); "
		    "the list in place is kept", door, i18n_en(w->err));
		st = EX_UNAVAILABLE;
		goto out;
	}
	sb_init(&b, 64u * 1024 * 1024);
	sb_printf(&b, "kunci-allowlist 1\ndoor %s\ngenerated %s\n", door,
	    now_s);
	for (i = 0; i < col.n; i++) {
		/* The card must exist, be active and be the holder's. */
		if (i > 0 && strcmp(col.v[i].serial, col.v[i - 1].serial) == 0)
			continue;
		if (!card_fits(&cards, col.v[i].serial, col.v[i].holder))
			continue;
		dir_gentime(na, sizeof(na), col.v[i].not_after);
		sb_printf(&b, "card %s holder %s grant %s not-after %s\n",
		    col.v[i].serial, col.v[i].holder, col.v[i].grant, na);
		n++;
	}
	sb_printf(&b, "end %zu\n", n);
	if (sb_err(&b)) {
		sb_free(&b);
		st = wf_fail(w, EX_SOFTWARE, _("allow list too large"));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/allowlists", w->cfg->agent.state_dir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		sb_free(&b);
		st = wf_fail(w, EX_CANTCREAT, _("mkdir %s: %s"), dir,
		    strerror(errno));
		goto out;
	}
	if (prov_allow_path(w, door, path, sizeof(path)) == -1) {
		sb_free(&b);
		st = wf_fail(w, EX_SOFTWARE, _("path too long"));
		goto out;
	}
	snprintf(sigp, sizeof(sigp), "%s.p7s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		olen = read(fd, old, sizeof(old));
		close(fd);
	}
	if (!force && olen > 0 && access(sigp, F_OK) == 0 &&
	    same_body(old, (size_t)olen, sb_str(&b), b.len)) {
		sb_free(&b);
		goto out;		/* nothing changed */
	}
	if (w->cfg->signing.certificate[0] != '\0' &&
	    sign_detached(w->cfg->signing.certificate, w->cfg->signing.key,
	    sb_str(&b), b.len, &sig, &siglen, 0, err, sizeof(err)) == -1) {
		log_warnx("allow list %s: signing failed: %s", door,
		    i18n_en(err));
		sb_free(&b);
		st = wf_fail(w, EX_SOFTWARE,
		    _("signing the allow list: %s"), err);
		goto out;
	}
	if (sign_write_file_atomic(path, sb_str(&b), b.len, 0644, err,
	    sizeof(err)) == -1 || (sig != NULL &&
	    sign_write_file_atomic(sigp, sig, siglen, 0644, err,
	    sizeof(err)) == -1)) {
		log_warnx("allow list %s: %s", door, i18n_en(err));
		st = wf_fail(w, EX_CANTCREAT,
		    _("writing the allow list: %s"), err);
	} else {
		char cnt[32];

		snprintf(cnt, sizeof(cnt), "%zu", n);
		log_audit("card.allowlist", "door", door, "cards", cnt,
		    "signed", sig != NULL ? "yes" : "no", "file", path, NULL);
	}
	sb_free(&b);
out:
	free(sig);
	free(col.v);
	free(cards.v);
	return st;
}

static int
refresh_door(struct wf *w, const char *door, int force)
{
	int st;

	pthread_mutex_lock(&allow_mtx);
	st = refresh_door_locked(w, door, force);
	pthread_mutex_unlock(&allow_mtx);
	return st;
}

/* The doors whose refresh this thread holds back (prov_allow_defer()). */
#define DEFER_MAX	64
static _Thread_local struct {
	int	on;
	size_t	n;
	char	door[DEFER_MAX][DIR_NAME_MAX + 1];
} defer;

void
prov_allow_defer(void)
{
	defer.on = 1;
	defer.n = 0;
}

int
prov_allow_flush(struct wf *w)
{
	size_t i, n = defer.n;
	int st = EX_OK, s;

	defer.on = 0;
	defer.n = 0;
	for (i = 0; i < n; i++)
		if ((s = refresh_door(w, defer.door[i], 0)) != EX_OK)
			st = s;
	return st;
}

/* Held back: EX_OK; or 0 when the refresh is to be done now. */
static int
deferred(const char *door)
{
	size_t i;

	if (!defer.on)
		return 0;
	for (i = 0; i < defer.n; i++)
		if (strcmp(defer.door[i], door) == 0)
			return 1;
	if (defer.n == DEFER_MAX || strlen(door) > DIR_NAME_MAX)
		return 0;	/* too many: refreshed now */
	u_strlcpy(defer.door[defer.n++], door, sizeof(defer.door[0]));
	return 1;
}

int
prov_allow_refresh(struct wf *w, const char *door, int force)
{
	char *attrs[] = { U("kunciName"), NULL };
	char base[DIR_DN_MAX], name[DIR_NAME_MAX + 1], **doors = NULL;
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	size_t i, n = 0;
	int rc, st = EX_OK, s;

	if (door != NULL && !force && deferred(door))
		return EX_OK;
	if (door != NULL)
		return refresh_door(w, door, force);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), "ou=resources,%s",
	    w->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=kunciManagedResource)(kunciType=server-room))",
	    attrs, 0, NULL, NULL, NULL, LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("listing doors"));
	}
	/* The names first: a door's refresh that fails can drop the
	 * connection (ldapc_fail), and res and ld with it. */
	if ((doors = calloc((size_t)ldap_count_entries(ld, res) + 1,
	    sizeof(*doors))) == NULL) {
		ldap_msgfree(res);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e))
		if (dir_get(ld, e, "kunciName", name, sizeof(name)) == 0 &&
		    (doors[n] = strdup(name)) != NULL)
			n++;
	ldap_msgfree(res);
	for (i = 0; i < n; i++) {
		if ((s = refresh_door(w, doors[i], force)) != EX_OK)
			st = s;
		free(doors[i]);
	}
	free(doors);
	return st;
}

