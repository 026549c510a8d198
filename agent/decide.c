/*
 * decide.c: the login decision (see decide.h).  libc only.  Its reasons
 * are marked N_(): kuncictl check shows them in the caller's language.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decide.h"
#include "i18n.h"

const char *
kd_why_text(enum kd_why w)
{
	switch (w) {
	case KD_W_NONE:
		return N_("no grant");
	case KD_W_STATUS_OTHER:
		return N_("grant status unknown");
	case KD_W_REVOKED:
		return N_("grant revoked");
	case KD_W_EXPIRED_STATUS:
		return N_("grant expired");
	case KD_W_SUSPENDED:
		return N_("grant suspended");
	case KD_W_EXPIRED:
		return N_("grant expired (not-after passed)");
	case KD_W_NOT_YET:
		return N_("grant not yet valid");
	case KD_W_BAD_WINDOW:
		return N_("bad time window");
	case KD_W_WINDOW:
		return N_("outside the grant's time window");
	case KD_W_ALLOW:
		return N_("active grant");
	case KD_W_UNMAPPED:
		return N_("no resource configured for the service");
	}
	return "?";
}

int
kd_in_windows(const struct kd_win *win, size_t n, int wday, int minute)
{
	const struct kd_win *w;
	int yday = (wday + 6) % 7;
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++) {
		w = &win[i];
		if (w->start < w->end) {
			if ((w->days & (1u << wday)) && minute >= w->start &&
			    minute < w->end)
				return 1;
		} else {
			/* crosses midnight: today's evening part, or the
			 * morning part of a window that began yesterday */
			if ((w->days & (1u << wday)) && minute >= w->start)
				return 1;
			if ((w->days & (1u << yday)) && minute < w->end)
				return 1;
		}
	}
	return 0;
}

enum kd_why
kd_judge(const struct kd_grant *g, const struct kd_when *t)
{
	switch (g->status) {
	case KD_ACTIVE:
		break;
	case KD_REVOKED:
		return KD_W_REVOKED;
	case KD_EXPIRED:
		return KD_W_EXPIRED_STATUS;
	case KD_SUSPENDED:
		return KD_W_SUSPENDED;
	default:
		return KD_W_STATUS_OTHER;
	}
	if (t->now >= g->not_after)
		return KD_W_EXPIRED;
	if (t->now < g->not_before)
		return KD_W_NOT_YET;
	if (g->badwin)
		return KD_W_BAD_WINDOW;
	if (!kd_in_windows(g->win, g->nwin, t->wday, t->minute))
		return KD_W_WINDOW;
	return KD_W_ALLOW;
}

int
kd_valid_name(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= PROTO_NAME_MAX || (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] == 0x7f)
			return 0;
	return i > 0;
}

int
kd_expand(const char *tmpl, const char *host, char *dst, size_t dstsz)
{
	size_t n = 0, l;
	const char *s;

	for (s = tmpl; *s != '\0'; s++) {
		if (s[0] == '%' && s[1] == 'h') {
			l = strlen(host);
			if (n + l >= dstsz)
				return -1;
			memcpy(dst + n, host, l);
			n += l;
			s++;
			continue;
		}
		if (s[0] == '%' && s[1] == '%')
			s++;
		if (n + 1 >= dstsz)
			return -1;
		dst[n++] = *s;
	}
	dst[n] = '\0';
	return 0;
}

/* t as local "YYYY-MM-DD HH:MM", utc_off seconds east of UTC. */
static void
local_minute(int64_t t, int32_t utc_off, char *dst, size_t dstsz)
{
	time_t l = (time_t)(t + utc_off);
	struct tm tm;

	if (gmtime_r(&l, &tm) == NULL ||
	    strftime(dst, dstsz, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(dst, dstsz, "@%lld", (long long)t);
}

void
kd_message(const struct kd_result *r, int en, const char *type,
    int32_t utc_off, char *dst, size_t dstsz)
{
	const char *res = r->resource;
	char when[64];

	switch (r->decision) {
	case PROTO_DENY:
		/* No resource for the service: no request would help, the
		 * configuration lacks a mapping (login.services). */
		if (r->why == KD_W_UNMAPPED || res[0] == '\0') {
			snprintf(dst, dstsz, "%s", en ? "kunci: this service "
			    "is not mapped to a resource in kuncid's "
			    "configuration (login.services); access is "
			    "denied. Tell the administrator." : "kunci: "
			    "layanan ini belum dipetakan ke sumber daya di "
			    "konfigurasi kuncid (login.services); akses "
			    "ditolak. Beri tahu administrator.");
			break;
		}
		/* Not valid yet: the grant is there, a new request is not
		 * what the user needs but the date. */
		if (r->why == KD_W_NOT_YET && r->grant[0] != '\0') {
			local_minute(r->starts, utc_off, when, sizeof(when));
			if (en)
				snprintf(dst, dstsz, "kunci: your access grant "
				    "%s for %s is not valid yet: it starts at "
				    "%s.  No new request is needed.", r->grant,
				    res, when);
			else
				snprintf(dst, dstsz, "kunci: hak akses %s "
				    "Anda untuk %s belum berlaku: mulai berlaku "
				    "%s.  Tidak perlu mengajukan permohonan "
				    "baru.", r->grant, res, when);
			break;
		}
		/* type NULL (a login: the table holds no resources): no
		 * --type, which submit then takes from the workflow */
		if (en)
			snprintf(dst, dstsz, "kunci: you have no active access "
			    "grant for %s. Request one with: kuncictl request "
			    "submit --resource %s%s%s --reason TEXT",
			    res, res, type != NULL ? " --type " : "",
			    type != NULL ? type : "");
		else
			snprintf(dst, dstsz, "kunci: Anda tidak memiliki hak "
			    "akses aktif untuk %s. Ajukan permohonan dengan: "
			    "kuncictl request submit --resource %s%s%s "
			    "--reason TEKS", res, res, type != NULL ? " --type " :
			    "", type != NULL ? type : "");
		break;
	case PROTO_UNKNOWN:
		snprintf(dst, dstsz, "%s", en ? "kunci: this account is not "
		    "known to kunci; access is denied." : "kunci: akun ini "
		    "tidak dikenal kunci; akses ditolak.");
		break;
	case PROTO_UNAVAIL:
		snprintf(dst, dstsz, "%s", en ? "kunci: access cannot be "
		    "checked right now; try again later." : "kunci: akses "
		    "tidak dapat diperiksa saat ini; coba lagi nanti.");
		break;
	default:
		if (dstsz > 0)
			dst[0] = '\0';
		break;
	}
}

const char *
kd_decision_name(uint32_t d)
{
	switch (d) {
	case PROTO_ALLOW:
		return "allow";
	case PROTO_IGNORE:
		return "ignore";
	case PROTO_UNKNOWN:
		return "unknown";
	case PROTO_UNAVAIL:
		return "unavail";
	default:
		return "deny";
	}
}

void
kd_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
kd_begin(const struct kd_source *src, const struct proto_query *q,
    struct kd_result *r)
{
	const char *tmpl;

	memset(r, 0, sizeof(*r));
	r->decision = PROTO_DENY;
	r->known = 1;
	/* Checked before anything else, and never near LDAP. */
	if (!kd_valid_name(q->user)) {
		r->reason = N_("invalid user name");
		r->known = 0;
		return 1;
	}
	if (src->unmanaged(src->arg, q->user)) {
		r->decision = PROTO_IGNORE;
		r->reason = N_("unmanaged account");
		return 1;
	}
	if (q->resource[0] != '\0') {
		kd_copy(r->resource, sizeof(r->resource), q->resource);
		return 0;
	}
	if ((tmpl = src->service(src->arg, q->service)) == NULL) {
		r->reason = N_("no resource configured for the service");
		r->why = KD_W_UNMAPPED;
		return 1;
	}
	if (kd_expand(tmpl, q->host[0] != '\0' ? q->host : src->hostname,
	    r->resource, sizeof(r->resource)) == -1) {
		r->reason = N_("resource name too long");
		r->resource[0] = '\0';
		return 1;
	}
	return 0;
}

struct best {
	const struct kd_when	*t;
	struct kd_result	*r;
	enum kd_why		 w;
};

static int
consider(void *arg, const struct kd_grant *g)
{
	struct best *b = arg;
	enum kd_why w = kd_judge(g, b->t);

	if (w > b->w) {
		b->w = w;
		b->r->starts = g->not_before;
		kd_copy(b->r->grant, sizeof(b->r->grant), g->id);
	}
	if (w == KD_W_ALLOW) {
		b->r->allow_ref = g->ref;
		return 1;
	}
	return 0;
}

int
kd_finish(const struct kd_source *src, const char *user,
    const struct kd_when *t, struct kd_result *r)
{
	struct best b = { t, r, KD_W_NONE };

	int p;

	if ((p = src->has_person(src->arg, user)) == -1)
		return -1;
	if (p == 0) {
		r->decision = PROTO_UNKNOWN;
		r->reason = N_("unknown user");
		r->known = 0;
		return 0;
	}
	if (src->grants(src->arg, user, r->resource, consider, &b) == -1)
		return -1;
	r->decision = b.w == KD_W_ALLOW ? PROTO_ALLOW : PROTO_DENY;
	r->why = b.w;
	r->reason = kd_why_text(b.w);
	return 0;
}
