/*
 * notify.c: the outbox; see notify.h.
 *
 * A message file is a short header ("kunci-outbox 1", then key value
 * lines), an empty line, and the message exactly as the delivery program
 * reads it on stdin.  One file per channel (".mail" for e-mail, by SMTP
 * or sendmail, ".cmd" for the command), so a retry of one never repeats
 * the other.  Retry bookkeeping (attempts, next, tried, error) rewrites
 * the header atomically (sign.h), so a restart finds every message that
 * was not delivered yet, and kuncictl status why it waits.
 *
 * Every delivery runs in a child: sendmail and the command are exec'd;
 * SMTP is spoken by the forked child itself (smtp.h), which touches only
 * what the parent prepared.  A child reports its reason on a pipe (the
 * programs' stderr, the SMTP child's one line) and its verdict in its exit
 * status, so the parent's loop only ever reads what is already there.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
#include "notify.h"
#include "sign.h"
#include "smtp.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define NOTIFY_CHILDREN	4
#define MSG_MAX		(16 * 1024)
#define TICK_BUDGET_MS	300	/* time a tick may wait for children */
#define WHY_MAX		200	/* a failure's reason, one line */
#define STATUS_READS	500	/* headers notify_outbox() reads at most */
#define EX_PERMANENT	EX_UNAVAILABLE	/* the SMTP child: 5xx */

struct child {
	pid_t	 pid;
	time_t	 started;
	int	 fd;		/* the child's reason, O_NONBLOCK */
	int	 smtp;		/* EX_PERMANENT means "failed for good" */
	char	 why[WHY_MAX];
	size_t	 whylen;
	int	 whydone;	/* a line break seen: the rest is dropped */
	char	 name[256];
};

enum outcome { SENT, RETRY, FAILED };

static struct child kids[NOTIFY_CHILDREN];

/* ------------------------------------------------------------ templates */

struct tmpl {
	const char	*event;
	const char	*subj_id, *subj_en;
	const char	*line_id, *line_en;
};

static const struct tmpl tmpls[] = {
	{ "submit", "Permohonan akses diterima",
	    "Access request received",
	    "Permohonan akses Anda telah diterima dan sedang diproses.",
	    "Your access request has been received and is being processed." },
	{ "removal-submit", "Permintaan penghapusan hak akses dicatat",
	    "Access removal request recorded",
	    "Permintaan penghapusan hak akses Anda telah dicatat dan "
	    "diteruskan untuk diproses.",
	    "Your request to remove the access below has been recorded and "
	    "passed on." },
	{ "review-verify", "Permintaan verifikasi hak akses (reviu)",
	    "Access review: please verify",
	    "Kepala Seksi telah mereviu daftar hak akses dan meminta Anda, "
	    "selaku penanggung jawab hak akses, memverifikasi validitas "
	    "setiap hak akses pada sumber daya berikut (kuncictl review "
	    "show dan review attest).",
	    "The Head of Section has reviewed the access list and asks you, "
	    "as the access owner, to verify each access right on the "
	    "resource below (kuncictl review show and review attest)." },
	{ "waiting", "Permohonan menunggu tindakan Anda",
	    "Request is waiting for you",
	    "Sebuah permohonan menunggu tindakan Anda pada langkah berikut.",
	    "A request is waiting for you at the step below." },
	{ "approved", "Permohonan akses disetujui",
	    "Access request approved",
	    "Permohonan akses Anda telah disetujui; hak akses sudah aktif.",
	    "Your access request has been approved; the access is active." },
	{ "rejected", "Permohonan akses ditolak",
	    "Access request rejected",
	    "Permohonan akses Anda ditolak.",
	    "Your access request has been rejected." },
	{ "inform", "Status permohonan",
	    "Status of request",
	    "Akses Anda telah dibuat (kartu akses / akun) dan dapat digunakan.",
	    "Your access has been provisioned (access card / account) and "
	    "may be used." },
	{ "removed", "Hak akses telah dicabut",
	    "Access has been removed",
	    "Hak akses berikut telah dinonaktifkan sesuai permintaan "
	    "penghapusan akses.",
	    "The access below has been deactivated as the removal request "
	    "asked." },
	{ "revoked", "Hak akses dicabut segera",
	    "Access revoked at once",
	    "Hak akses berikut dicabut segera oleh administrator karena "
	    "insiden.",
	    "The access below was revoked at once by an administrator because "
	    "of an incident." },
	{ "expiring", "Hak akses akan berakhir",
	    "Access expires soon",
	    "Hak akses Anda akan segera berakhir. Ajukan permohonan baru bila "
	    "masih diperlukan.",
	    "Your access expires soon. Submit a new request if you still need "
	    "it." },
	{ "expired", "Hak akses telah berakhir",
	    "Access has expired",
	    "Masa berlaku hak akses Anda telah berakhir.",
	    "Your access has expired." },
	{ "overdue", "Permohonan melewati batas waktu layanan",
	    "Request is overdue",
	    "Langkah berikut telah melewati standar waktu layanan (mutu baku "
	    "waktu).",
	    "The step below has missed its service standard." },
	{ "escalate", "Eskalasi: permohonan terlambat",
	    "Escalation: request is late",
	    "Langkah berikut terlambat dan dieskalasikan kepada Anda.",
	    "The step below is late and has been escalated to you." },
};

static const struct tmpl *
tmpl(const char *event)
{
	size_t i;

	for (i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++)
		if (strcmp(tmpls[i].event, event) == 0)
			return &tmpls[i];
	return NULL;
}

/*
 * Append s as part of one line: CR, LF and tab become a space, other
 * control characters (C0, DEL, and C1 written as UTF-8) are dropped.  So
 * a name, a reason or an id can neither add a header line nor send a
 * terminal escape (ESC, BEL) to whoever reads the message.
 */
static void
put_clean(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t')
			sb_add(b, " ", 1);
		else if (*p < ' ' || *p == 0x7f)
			continue;
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p++;
		else
			sb_add(b, (const char *)p, 1);
	}
}

static void
kv(struct strbuf *b, const char *label, const char *v)
{
	if (v != NULL && *v != '\0') {
		sb_printf(b, "%-16s ", label);
		put_clean(b, v);
		sb_puts(b, "\n");
	}
}

static void
render(struct wf *w, struct strbuf *b, const struct tmpl *t, int en,
    const char *to_mail, const char *cn, const char *key,
    const struct notify_vars *v)
{
	char subj[256], date[64], na[32];
	const char *ref = v->request != NULL ? v->request :
	    v->grant != NULL ? v->grant : "";
	struct tm tm;
	time_t now = time(NULL);

	snprintf(subj, sizeof(subj), "%s: %s", en ? t->subj_en : t->subj_id,
	    ref);
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	sb_printf(b, "From: %s\n", w->cfg->notify.from);
	if (to_mail[0] != '\0')
		sb_printf(b, "To: %s\n", to_mail);
	sb_puts(b, "Subject: [kunci] ");
	put_clean(b, subj);
	sb_puts(b, "\n");
	sb_printf(b, "Date: %s\n", date);
	sb_printf(b, "Message-ID: <%s@kunci>\n", key);
	sb_puts(b, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n");
	sb_printf(b, "Content-Language: %s\n", en ? "en" : "id");
	sb_printf(b, "X-Kunci-Event: %s\n", t->event);
	if (v->request != NULL) {
		sb_puts(b, "X-Kunci-Request: ");
		put_clean(b, v->request);
		sb_puts(b, "\n");
	}
	sb_printf(b, "\n%s ", en ? "Dear" : "Yth.");
	put_clean(b, cn);
	sb_printf(b, ",\n\n%s\n\n", en ? t->line_en : t->line_id);
	kv(b, en ? "Request:" : "Permohonan:", v->request);
	kv(b, en ? "Grant:" : "Hak akses:", v->grant);
	kv(b, en ? "Resource:" : "Sumber daya:", v->resource);
	kv(b, en ? "Holder:" : "Pemegang:", v->subject);
	kv(b, en ? "Step:" : "Langkah:", en ? v->step_en : v->step_id);
	kv(b, en ? "State:" : "Status:", v->state != NULL ?
	    i18n_tr_lang(en, v->state) : NULL);
	kv(b, en ? "Credential:" : "Kredensial:", v->credential);
	if (v->not_after != 0) {
		localtime_r(&v->not_after, &tm);
		strftime(na, sizeof(na), "%Y-%m-%d %H:%M", &tm);
		kv(b, en ? "Valid until:" : "Berlaku sampai:", na);
	}
	kv(b, en ? "Reason:" : "Alasan:", v->reason);
	kv(b, en ? "By:" : "Oleh:", v->by);
	kv(b, en ? "Note:" : "Catatan:", v->note);
	if (v->deadline != 0) {
		localtime_r(&v->deadline, &tm);
		strftime(na, sizeof(na), "%Y-%m-%d %H:%M", &tm);
		kv(b, en ? "Deadline:" : "Batas waktu:", na);
	}
	if (v->request != NULL && w->cfg->notify.page_url[0] != '\0') {
		sb_printf(b, "\n%s\n  ", en ? "Act on it in the browser "
		    "(Cockpit):" : "Tindak lanjuti di peramban (Cockpit):");
		put_clean(b, w->cfg->notify.page_url);
		sb_puts(b, "#request/");
		put_clean(b, v->request);
		sb_puts(b, "\n");
	}
	if (v->command != NULL) {
		sb_printf(b, "\n%s\n  ", en ? "or on the server:" :
		    "atau di server:");
		put_clean(b, v->command);
		sb_puts(b, "\n");
	}
	if (v->confirm != NULL && *v->confirm != '\0') {
		sb_puts(b, en ? "\nOnce you have received it, confirm with: "
		    "kuncictl request confirm " : "\nSetelah Anda menerimanya, "
		    "konfirmasikan penerimaan dengan: kuncictl request confirm ");
		put_clean(b, v->confirm);
		sb_puts(b, "\n");
	}
	sb_printf(b, "\n-- \nkunci%s", w->cfg->office.name[0] ? ", " : "");
	put_clean(b, w->cfg->office.name);
	sb_puts(b, "\n");
}

/* ---------------------------------------------------------------- queue */

static int
outbox_dir(struct wf *w, const char *sub, char *buf, size_t sz)
{
	int n;

	n = snprintf(buf, sz, "%s/outbox%s%s", w->cfg->agent.state_dir,
	    sub != NULL ? "/" : "", sub != NULL ? sub : "");
	if (n < 0 || (size_t)n >= sz)
		return -1;
	if (mkdir(buf, 0700) == -1 && errno != EEXIST) {
		log_warn("notify: mkdir %s", buf);
		return -1;
	}
	return 0;
}

/*
 * Messages that could not be written to the outbox (a full state
 * directory) are kept here and written again by notify_tick(), so a
 * notice is delayed, not lost.  Bounded: beyond PENDING_MAX (a directory
 * full for long) the newest are dropped with an error.
 *
 * Messages are queued from more than one thread (the scheduler and the
 * admin workers).  queue_mtx makes "is this message queued already?" and
 * the write one step, against the kept list as well as the outbox, so
 * two threads queueing the same notice write it once: without it the
 * second write could land after a delivery had moved the first to sent/,
 * and the notice went out twice.
 */
#define PENDING_MAX	256

static struct pending {
	char	*path, *name, *uid, *event;
	char	*data;
	size_t	 len;
} pend[PENDING_MAX];
static size_t npend;
static pthread_mutex_t queue_mtx = PTHREAD_MUTEX_INITIALIZER;

static void
pending_free(struct pending *q)
{
	free(q->path);
	free(q->name);
	free(q->uid);
	free(q->event);
	free(q->data);
	memset(q, 0, sizeof(*q));
}

/* Is a message of this name kept?  The caller holds queue_mtx. */
static int
pending_has(const char *name)
{
	size_t i;

	for (i = 0; i < npend; i++)
		if (strcmp(pend[i].name, name) == 0)
			return 1;
	return 0;
}

/* Keep a message to write later.  The caller holds queue_mtx. */
static void
pending_add(const char *path, const char *name, const char *uid,
    const char *event, const struct strbuf *f)
{
	struct pending *q;

	if (pending_has(name))
		return;
	if (npend == PENDING_MAX) {
		log_warnx("notify: %s could not be queued and %d others wait; "
		    "dropped", name, PENDING_MAX);
		return;
	}
	q = &pend[npend];
	if ((q->path = strdup(path)) == NULL ||
	    (q->name = strdup(name)) == NULL ||
	    (q->uid = strdup(uid)) == NULL ||
	    (q->event = strdup(event)) == NULL ||
	    (q->data = malloc(f->len + 1)) == NULL) {
		log_warnx("notify: %s: out of memory; dropped", name);
		pending_free(q);
		return;
	}
	memcpy(q->data, sb_str(f), f->len);
	q->len = f->len;
	npend++;
}

/* Write the kept messages, oldest first, until one fails again. */
static void
pending_flush(void)
{
	char err[256];
	size_t done = 0, i;

	pthread_mutex_lock(&queue_mtx);
	while (done < npend) {
		if (sign_write_file_atomic(pend[done].path, pend[done].data,
		    pend[done].len, 0600, err, sizeof(err)) == -1)
			break;
		log_audit("notify.queue", "message", pend[done].name, "to",
		    pend[done].uid, "notice", pend[done].event, NULL);
		pending_free(&pend[done]);
		done++;
	}
	if (done > 0) {
		for (i = done; i < npend; i++)
			pend[i - done] = pend[i];
		for (i = npend - done; i < npend; i++)
			memset(&pend[i], 0, sizeof(pend[i]));
		npend -= done;
		log_info("notify: %zu delayed messages queued, %zu wait",
		    done, npend);
	}
	pthread_mutex_unlock(&queue_mtx);
}

static int
exists_in(struct wf *w, const char *sub, const char *name)
{
	char dir[2048], p[2400];
	struct stat st;

	if (outbox_dir(w, sub, dir, sizeof(dir)) == -1)
		return 0;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void
enqueue(struct wf *w, const char *name, const char *uid, const char *event,
    const char *mail, const struct strbuf *msg)
{
	char dir[2048], p[2400], err[256];
	struct strbuf f;
	time_t now = time(NULL);

	pthread_mutex_lock(&queue_mtx);
	if (pending_has(name) || exists_in(w, NULL, name) ||
	    exists_in(w, "sent", name) || exists_in(w, "failed", name)) {
		pthread_mutex_unlock(&queue_mtx);
		return;			/* queued once already */
	}
	if (outbox_dir(w, NULL, dir, sizeof(dir)) == -1) {
		pthread_mutex_unlock(&queue_mtx);
		return;
	}
	(void)outbox_dir(w, "sent", p, sizeof(p));
	(void)outbox_dir(w, "failed", p, sizeof(p));
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	sb_init(&f, MSG_MAX + 1024);
	sb_printf(&f, "kunci-outbox 1\nuid %s\nevent %s\nmail %s\n"
	    "created %lld\nattempts 0\nnext %lld\n\n", uid, event,
	    mail[0] ? mail : "-", (long long)now, (long long)now);
	sb_add(&f, sb_str(msg), msg->len);
	if (sb_err(&f))
		log_warnx("notify: message %s too large; dropped", name);
	else if (sign_write_file_atomic(p, sb_str(&f), f.len, 0600, err,
	    sizeof(err)) == -1) {
		log_warnx("notify: queueing %s: %s; kept to retry", name,
		    i18n_en(err));
		pending_add(p, name, uid, event, &f);
	} else
		log_audit("notify.queue", "message", name, "to", uid, "notice",
		    event, NULL);
	pthread_mutex_unlock(&queue_mtx);
	sb_free(&f);
}

struct person {
	char	uid[DIR_UID_MAX + 1];
	char	mail[256];
	char	cn[256];
	char	lang[16];
};

static int
person_get(struct wf *w, const char *base, int scope, const char *filter,
    struct person *p)
{
	char *attrs[] = { U("uid"), U("mail"), U("cn"),
	    U("preferredLanguage"), NULL };
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return -1;
	rc = ldap_search_ext_s(ld, base, scope, filter, attrs, 0, NULL, NULL,
	    NULL, 2, &res);
	if (rc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		ldap_msgfree(res);
		return -1;
	}
	dir_get(ld, e, "uid", p->uid, sizeof(p->uid));
	dir_get(ld, e, "mail", p->mail, sizeof(p->mail));
	dir_get(ld, e, "cn", p->cn, sizeof(p->cn));
	dir_get(ld, e, "preferredLanguage", p->lang, sizeof(p->lang));
	ldap_msgfree(res);
	return p->uid[0] != '\0' ? 0 : -1;
}

static void
send_to(struct wf *w, const struct person *p, const char *event,
    const char *key, const struct notify_vars *v)
{
	const struct tmpl *t = tmpl(event);
	char name[512], k2[200], addr[256];
	struct strbuf msg;
	size_t i;
	int en;

	if (t == NULL) {
		log_warnx("notify: no template for %s", event);
		return;
	}
	if (!dir_valid_uid(p->uid))
		return;			/* it names the outbox file */
	u_strlcpy(k2, key, sizeof(k2));
	for (i = 0; k2[i] != '\0'; i++)
		if (!((k2[i] >= 'a' && k2[i] <= 'z') ||
		    (k2[i] >= 'A' && k2[i] <= 'Z') ||
		    (k2[i] >= '0' && k2[i] <= '9') || k2[i] == '.' ||
		    k2[i] == '-' || k2[i] == '_'))
			k2[i] = '_';
	if (p->lang[0] != '\0')
		en = strncasecmp(p->lang, "en", 2) == 0;
	else
		en = w->cfg->agent.language == CFG_LANG_EN;
	/*
	 * The address goes into To:, the outbox header and RCPT TO: only a
	 * plain address will do (no line break can smuggle in a header).
	 */
	addr[0] = '\0';
	if (p->mail[0] != '\0' && (smtp_addr(p->mail, addr,
	    sizeof(addr)) == -1 || strcmp(addr, p->mail) != 0)) {
		log_warnx("notify: %s has an unusable mail address", p->uid);
		addr[0] = '\0';
	}
	sb_init(&msg, MSG_MAX);
	if (w->cfg->notify.mail != CFG_MAIL_NONE) {
		if (addr[0] == '\0')
			log_warnx("notify: %s has no usable mail address; %s "
			    "not e-mailed", p->uid, event);
		else {
			render(w, &msg, t, en, addr, p->cn[0] ? p->cn :
			    p->uid, k2, v);
			snprintf(name, sizeof(name), "%s-%s.mail", k2, p->uid);
			enqueue(w, name, p->uid, event, addr, &msg);
		}
	}
	if (w->cfg->notify.command[0] != '\0') {
		sb_reset(&msg);
		render(w, &msg, t, en, addr, p->cn[0] ? p->cn : p->uid, k2,
		    v);
		snprintf(name, sizeof(name), "%s-%s.cmd", k2, p->uid);
		enqueue(w, name, p->uid, event, addr, &msg);
	}
	sb_free(&msg);
}

void
notify_person(struct wf *w, const char *uid, const char *event,
    const char *key, const struct notify_vars *v)
{
	char esc[3 * DIR_UID_MAX + 1], filter[3 * DIR_UID_MAX + 64];
	const char *base;
	struct person p;

	if (uid == NULL || !dir_valid_uid(uid) ||
	    ldapc_escape_filter(esc, sizeof(esc), uid) == -1)
		return;
	base = w->cfg->directory.people_base;
	snprintf(filter, sizeof(filter), "(&(objectClass=inetOrgPerson)"
	    "(uid=%s))", esc);
	if (person_get(w, base, LDAP_SCOPE_SUBTREE, filter, &p) == -1) {
		log_warnx("notify: no person %s; %s not sent", uid, event);
		return;
	}
	send_to(w, &p, event, key, v);
}

void
notify_dn(struct wf *w, const char *dn, const char *event, const char *key,
    const struct notify_vars *v)
{
	char *attrs[] = { U("member"), NULL };
	LDAPMessage *res = NULL, *e;
	struct berval **vals;
	struct person p;
	LDAP *ld;
	int i, rc;

	if (dn == NULL || *dn == '\0')
		return;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=groupOfNames)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_SUCCESS && (e = ldap_first_entry(ld, res)) != NULL) {
		vals = ldap_get_values_len(ld, e, "member");
		for (i = 0; vals != NULL && vals[i] != NULL; i++) {
			char m[DIR_DN_MAX];

			if (vals[i]->bv_len >= sizeof(m))
				continue;
			memcpy(m, vals[i]->bv_val, vals[i]->bv_len);
			m[vals[i]->bv_len] = '\0';
			if (person_get(w, m, LDAP_SCOPE_BASE,
			    "(objectClass=inetOrgPerson)", &p) == 0)
				send_to(w, &p, event, key, v);
		}
		ldap_value_free_len(vals);
		ldap_msgfree(res);
		return;
	}
	ldap_msgfree(res);
	if (person_get(w, dn, LDAP_SCOPE_BASE, "(objectClass=inetOrgPerson)",
	    &p) == 0)
		send_to(w, &p, event, key, v);
}

/* -------------------------------------------------------------- sending */

struct hdr {
	char		 uid[DIR_UID_MAX + 1];
	char		 event[32];
	char		 mail[256];
	long long	 created, attempts, next, tried;
	char		 error[WHY_MAX];	/* the last attempt's reason */
	size_t		 body;		/* offset of the message */
};

/* The header lines of d (NUL-terminated at the empty line) into h. */
static void
parse_hdr(char *d, struct hdr *h)
{
	char *p, *line;

	for (p = d; (line = strsep(&p, "\n")) != NULL;) {
		if (strncmp(line, "uid ", 4) == 0)
			u_strlcpy(h->uid, line + 4, sizeof(h->uid));
		else if (strncmp(line, "event ", 6) == 0)
			u_strlcpy(h->event, line + 6, sizeof(h->event));
		else if (strncmp(line, "mail ", 5) == 0)
			u_strlcpy(h->mail, line + 5, sizeof(h->mail));
		else if (strncmp(line, "created ", 8) == 0)
			h->created = strtoll(line + 8, NULL, 10);
		else if (strncmp(line, "attempts ", 9) == 0)
			h->attempts = strtoll(line + 9, NULL, 10);
		else if (strncmp(line, "next ", 5) == 0)
			h->next = strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "tried ", 6) == 0)
			h->tried = strtoll(line + 6, NULL, 10);
		else if (strncmp(line, "error ", 6) == 0)
			u_strlcpy(h->error, line + 6, sizeof(h->error));
	}
}

static int
read_msg(const char *path, char **data, size_t *len, struct hdr *h)
{
	char *d = NULL, *end;
	struct stat st;
	ssize_t n;
	int fd = -1;

	*data = NULL;
	memset(h, 0, sizeof(*h));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MSG_MAX + 2048 ||
	    (d = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	if ((n = read(fd, d, (size_t)st.st_size)) != st.st_size)
		goto fail;
	close(fd);
	fd = -1;
	d[n] = '\0';
	if (strncmp(d, "kunci-outbox 1\n", 15) != 0 ||
	    (end = strstr(d, "\n\n")) == NULL)
		goto fail;
	*end = '\0';
	parse_hdr(d + 15, h);
	h->body = (size_t)(end - d) + 2;
	*data = d;
	*len = (size_t)n;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	free(d);
	return -1;
}

/* Just the header (it is short), for notify_outbox(). */
static int
read_hdr(const char *path, struct hdr *h)
{
	char d[2048], *end;
	ssize_t n;
	int fd;

	memset(h, 0, sizeof(*h));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return -1;
	n = read(fd, d, sizeof(d) - 1);
	close(fd);
	if (n < 15)
		return -1;
	d[n] = '\0';
	if (strncmp(d, "kunci-outbox 1\n", 15) != 0 ||
	    (end = strstr(d, "\n\n")) == NULL)
		return -1;
	*end = '\0';
	parse_hdr(d + 15, h);
	return 0;
}

static int
running(const char *name)
{
	size_t i;

	for (i = 0; i < NOTIFY_CHILDREN; i++)
		if (kids[i].pid > 0 && strcmp(kids[i].name, name) == 0)
			return 1;
	return 0;
}

static int
free_slot(void)
{
	size_t i;

	for (i = 0; i < NOTIFY_CHILDREN; i++)
		if (kids[i].pid <= 0)
			return 1;
	return 0;
}

static void finished(struct wf *, const char *, enum outcome, const char *);

/*
 * The SMTP child: the parent prepared everything, so the child makes
 * system calls only (the daemon has threads), reports on fd and exits.
 */
static void __attribute__((__noreturn__))
smtp_child(const struct smtp_msg *m, int fd)
{
	struct sigaction sa;
	char why[WHY_MAX];
	enum smtp_result r;
	ssize_t wr;
	size_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	r = smtp_send(m, why, sizeof(why) - 1);
	n = strlen(why);
	why[n++] = '\n';
	wr = write(fd, why, n);	/* if lost, the exit status still tells */
	(void)wr;
	_exit(r == SMTP_SENT ? 0 : r == SMTP_FAILED ? EX_PERMANENT :
	    EX_TEMPFAIL);
}

static void
start(struct wf *w, const char *name, const char *path)
{
	const struct cfg_notify *nc = &w->cfg->notify;
	struct smtp_msg m;
	struct strbuf enc;
	struct hdr h;
	char *data = NULL, from[256], rcpt[256];
	const char *prog = NULL;
	size_t len, i;
	int pfd[2] = { -1, -1 }, rfd[2] = { -1, -1 }, dn, cmd;
	pid_t pid;

	sb_init(&enc, 2 * MSG_MAX + 64);
	for (i = 0; i < NOTIFY_CHILDREN && kids[i].pid > 0; i++)
		;
	if (i == NOTIFY_CHILDREN)
		goto out;
	if (read_msg(path, &data, &len, &h) == -1) {
		log_warnx("notify: %s unreadable; left alone", name);
		goto out;
	}
	if (h.next > time(NULL))
		goto out;
	cmd = strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".cmd") == 0;
	if (cmd)
		prog = nc->command;
	else if (nc->mail == CFG_MAIL_SENDMAIL)
		prog = nc->sendmail;
	else if (nc->mail == CFG_MAIL_NONE)
		goto out;		/* e-mail turned off: keep it */
	if (prog != NULL && prog[0] == '\0')
		goto out;		/* method turned off: keep it */
	if (prog == NULL) {
		/* SMTP: addresses and encoding checked here, not in the child. */
		if (smtp_addr(nc->from, from, sizeof(from)) == -1 ||
		    smtp_addr(h.mail, rcpt, sizeof(rcpt)) == -1) {
			finished(w, name, FAILED, "no usable address");
			goto out;
		}
		if (smtp_data(&enc, data + h.body, len - h.body) == -1) {
			finished(w, name, FAILED, "message too large");
			goto out;
		}
		m.host = nc->smtp_host;
		m.port = nc->smtp_port;
		m.from = from;
		m.rcpt = rcpt;
		m.data = sb_str(&enc);
		m.len = enc.len;
		/* Ends before the parent's kill at notify.timeout. */
		m.timeout_ms = nc->timeout > 2 ? (int)(nc->timeout * 1000 -
		    1000) : 900;
		if (nc->timeout > 3600)
			m.timeout_ms = 3600 * 1000;
	}
	if (pipe2(rfd, O_CLOEXEC) == -1) {
		log_warn("notify: pipe");
		goto out;
	}
	if (prog != NULL) {
		/* The message is small: it fits the pipe, so no write blocks. */
		if (pipe2(pfd, O_CLOEXEC) == -1) {
			log_warn("notify: pipe");
			goto out;
		}
		if (write(pfd[1], data + h.body, len - h.body) !=
		    (ssize_t)(len - h.body)) {
			log_warn("notify: pipe write");
			goto out;
		}
		close(pfd[1]);
		pfd[1] = -1;
	}
	if ((pid = fork()) == -1) {
		log_warn("notify: fork");
		goto out;
	}
	if (pid == 0) {
		if (prog == NULL)
			smtp_child(&m, rfd[1]);
		dn = open("/dev/null", O_RDWR);
		dup2(pfd[0], 0);
		if (dn != -1)
			dup2(dn, 1);
		dup2(rfd[1], 2);	/* what it says is the reason */
		if (cmd)
			execl(prog, prog, h.uid, h.mail, h.event, (char *)NULL);
		else
			execl(prog, prog, "-t", "-i", (char *)NULL);
		_exit(127);
	}
	memset(&kids[i], 0, sizeof(kids[i]));
	kids[i].pid = pid;
	kids[i].started = time(NULL);
	kids[i].smtp = prog == NULL;
	kids[i].fd = rfd[0];
	rfd[0] = -1;
	(void)fcntl(kids[i].fd, F_SETFL, O_NONBLOCK);
	u_strlcpy(kids[i].name, name, sizeof(kids[i].name));
out:
	if (pfd[0] != -1)
		close(pfd[0]);
	if (pfd[1] != -1)
		close(pfd[1]);
	if (rfd[0] != -1)
		close(rfd[0]);
	if (rfd[1] != -1)
		close(rfd[1]);
	sb_free(&enc);
	free(data);
}

/*
 * Take what the child has written so far, without waiting: the first
 * line, printable ASCII only (it goes into the log and the status).
 */
static void
drain(struct child *k)
{
	char buf[512];
	ssize_t n, j;

	while (k->fd != -1 && (n = read(k->fd, buf, sizeof(buf))) > 0)
		for (j = 0; j < n && !k->whydone; j++) {
			if (buf[j] == '\n') {
				k->whydone = 1;
				break;
			}
			if (k->whylen < sizeof(k->why) - 1)
				k->why[k->whylen++] = buf[j] < ' ' ||
				    buf[j] >= 0x7f ? '?' : buf[j];
		}
	k->why[k->whylen] = '\0';
}

static void
forget(struct child *k)
{
	if (k->fd != -1)
		close(k->fd);
	k->fd = -1;
	k->pid = 0;
}

/* A delivery ended: move it on, or schedule the retry. */
static void
finished(struct wf *w, const char *name, enum outcome oc, const char *why)
{
	char dir[2048], p[2400], q[2400], err[256];
	struct hdr h;
	struct strbuf f;
	char *data = NULL;
	size_t len, i;
	long long delay;
	time_t now = time(NULL);
	int j;

	if (outbox_dir(w, NULL, dir, sizeof(dir)) == -1)
		return;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (oc == SENT) {
		snprintf(q, sizeof(q), "%s/sent/%s", dir, name);
		if (rename(p, q) == -1)
			log_warn("notify: rename %s", name);
		log_audit("notify.sent", "message", name, NULL);
		return;
	}
	if (read_msg(p, &data, &len, &h) == -1)
		return;
	h.attempts++;
	delay = w->cfg->notify.retry;
	for (j = 1; j < h.attempts && delay < w->cfg->notify.retry_max; j++)
		delay *= 2;
	if (delay > w->cfg->notify.retry_max)
		delay = w->cfg->notify.retry_max;
	/* The reason is kept in the header: kuncictl status shows it. */
	u_strlcpy(h.error, why, sizeof(h.error));
	for (i = 0; h.error[i] != '\0'; i++)
		if (h.error[i] < ' ' || h.error[i] == 0x7f)
			h.error[i] = '?';
	sb_init(&f, MSG_MAX + 1024);
	sb_printf(&f, "kunci-outbox 1\nuid %s\nevent %s\nmail %s\n"
	    "created %lld\nattempts %lld\nnext %lld\ntried %lld\nerror %s\n\n",
	    h.uid, h.event, h.mail, h.created, h.attempts,
	    (long long)now + delay, (long long)now, h.error);
	sb_add(&f, data + h.body, len - h.body);
	if (!sb_err(&f) && sign_write_file_atomic(p, sb_str(&f), f.len, 0600,
	    err, sizeof(err)) == -1)
		log_warnx("notify: %s", err);
	sb_free(&f);
	free(data);
	if (oc == FAILED || now - h.created >= w->cfg->notify.give_up) {
		snprintf(q, sizeof(q), "%s/failed/%s", dir, name);
		if (rename(p, q) == -1)
			log_warn("notify: rename %s", name);
		if (oc == FAILED)
			log_warnx("notify: %s failed for good: %s", name,
			    h.error);
		else
			log_warnx("notify: giving up on %s after %lld "
			    "attempts: %s", name, h.attempts, h.error);
		return;
	}
	log_warnx("notify: delivering %s failed (%s); attempt %lld, next in "
	    "%llds", name, h.error, h.attempts, delay);
}

static int
reap(struct wf *w)
{
	char why[WHY_MAX + 32];
	struct child *k;
	size_t i;
	int status, n = 0;
	pid_t r;

	for (i = 0; i < NOTIFY_CHILDREN; i++) {
		k = &kids[i];
		if (k->pid <= 0)
			continue;
		drain(k);
		r = waitpid(k->pid, &status, WNOHANG);
		if (r == 0) {
			if (time(NULL) - k->started >=
			    w->cfg->notify.timeout) {
				kill(k->pid, SIGKILL);
				waitpid(k->pid, &status, 0);
				finished(w, k->name, RETRY, "timed out");
				forget(k);
			} else
				n++;
			continue;
		}
		drain(k);
		if (r == -1)
			finished(w, k->name, RETRY, "lost the child");
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			finished(w, k->name, SENT, "");
		else if (k->smtp && WIFEXITED(status) && k->why[0] != '\0')
			finished(w, k->name, WEXITSTATUS(status) ==
			    EX_PERMANENT ? FAILED : RETRY, k->why);
		else {
			if (WIFEXITED(status))
				snprintf(why, sizeof(why), "exit %d%s%s",
				    WEXITSTATUS(status), k->why[0] ? ": " : "",
				    k->why);
			else
				snprintf(why, sizeof(why), "signal %d",
				    WTERMSIG(status));
			finished(w, k->name, RETRY, why);
		}
		forget(k);
	}
	return n;
}

/*
 * Start due messages in free slots, in directory order.  Returns 1 when a
 * due message was left for want of a slot, so the caller knows a freed
 * slot has work; 0 when every due message is running or done.
 */
static int
pump(struct wf *w)
{
	static int told;
	char dir[2048], p[2400];
	struct dirent *de;
	DIR *d;
	int left = 0;

	/* The mistake kuncid.service makes easy: say it once, plainly. */
	if (!told && w->cfg->notify.mail == CFG_MAIL_SENDMAIL &&
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		log_warnx("notify: running with no-new-privs, where the "
		    "setuid/setgid sendmail of exim4 or postfix cannot queue "
		    "mail; notify.mail = \"smtp\" can");
	told = 1;
	if (outbox_dir(w, NULL, dir, sizeof(dir)) == -1 ||
	    (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		if (running(de->d_name))
			continue;
		if (!free_slot()) {
			left = 1;
			break;
		}
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		start(w, de->d_name, p);
	}
	closedir(d);
	return left;
}

/*
 * One pass of the outbox: start what is due and, while the tick's budget
 * lasts, reap finished deliveries and refill their slots.  A burst of
 * notices (a removal tells two people, a review campaign hundreds) drains
 * at the speed of the mailer, not at NOTIFY_CHILDREN per tick.
 */
void
notify_tick(struct wf *w, time_t now)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int waited, left, busy;

	(void)now;
	pending_flush();	/* messages a full state directory held back */
	reap(w);
	left = pump(w);
	for (waited = 0; waited < TICK_BUDGET_MS; waited += 10) {
		busy = reap(w);
		if (left && free_slot())
			left = pump(w);
		else if (busy == 0)
			break;
		nanosleep(&ts, NULL);
	}
}

void
notify_outbox(struct wf *w, struct notify_outbox *o)
{
	char dir[2048], p[2400];
	struct dirent *de;
	struct hdr h;
	long long last = -1;
	int reads = 0;
	DIR *d;

	memset(o, 0, sizeof(*o));
	snprintf(dir, sizeof(dir), "%s/outbox", w->cfg->agent.state_dir);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || de->d_type == DT_DIR)
				continue;
			o->waiting++;
			/* Why: the reason of the latest failed attempt. */
			if (reads++ >= STATUS_READS)
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			if (read_hdr(p, &h) == 0 && h.error[0] != '\0' &&
			    h.tried > last) {
				last = h.tried;
				u_strlcpy(o->why, h.error, sizeof(o->why));
				o->tried = (time_t)h.tried;
			}
		}
		closedir(d);
	}
	snprintf(p, sizeof(p), "%s/failed", dir);
	if ((d = opendir(p)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && de->d_type != DT_DIR)
				o->failed++;
		closedir(d);
	}
}
