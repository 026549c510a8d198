/*
 * notify.c: the outbox; see notify.h.
 *
 * A message file is a short header ("kunci-outbox 1", then key value
 * lines), an empty line, and the message exactly as the delivery program
 * reads it on stdin.  One file per delivery method (".mail" for sendmail,
 * ".cmd" for the command), so a retry of one never repeats the other.
 * Retry bookkeeping rewrites the header atomically (sign.h), so a restart
 * finds every message that was not delivered yet.
 */
#include <sys/types.h>
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
#include "ldapc.h"
#include "log.h"
#include "notify.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define NOTIFY_CHILDREN	4
#define MSG_MAX		(16 * 1024)
#define TICK_BUDGET_MS	300	/* time a tick may wait for children */

struct child {
	pid_t	 pid;
	time_t	 started;
	char	 name[256];
};

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

/* A header value: no line breaks, bounded. */
static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return 0;
	return 1;
}

static void
kv(struct strbuf *b, const char *label, const char *v)
{
	if (v != NULL && *v != '\0')
		sb_printf(b, "%-16s %s\n", label, v);
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
	sb_printf(b, "Subject: [kunci] %s\n", subj);
	sb_printf(b, "Date: %s\n", date);
	sb_printf(b, "Message-ID: <%s@kunci>\n", key);
	sb_puts(b, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n");
	sb_printf(b, "Content-Language: %s\n", en ? "en" : "id");
	sb_printf(b, "X-Kunci-Event: %s\n", t->event);
	if (v->request != NULL)
		sb_printf(b, "X-Kunci-Request: %s\n", v->request);
	sb_printf(b, "\n%s %s,\n\n%s\n\n", en ? "Dear" : "Yth.", cn,
	    en ? t->line_en : t->line_id);
	kv(b, en ? "Request:" : "Permohonan:", v->request);
	kv(b, en ? "Grant:" : "Hak akses:", v->grant);
	kv(b, en ? "Resource:" : "Sumber daya:", v->resource);
	kv(b, en ? "Holder:" : "Pemegang:", v->subject);
	kv(b, en ? "Step:" : "Langkah:", en ? v->step_en : v->step_id);
	kv(b, en ? "State:" : "Status:", v->state);
	kv(b, en ? "Credential:" : "Kredensial:", v->credential);
	if (v->not_after != 0) {
		localtime_r(&v->not_after, &tm);
		strftime(na, sizeof(na), "%Y-%m-%d %H:%M", &tm);
		kv(b, en ? "Valid until:" : "Berlaku sampai:", na);
	}
	kv(b, en ? "Reason:" : "Alasan:", v->reason);
	sb_printf(b, "\n-- \nkunci%s%s\n", w->cfg->office.name[0] ? ", " : "",
	    w->cfg->office.name);
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
 * full for long) the newest are dropped with an error.  A mutex, as
 * messages may be queued from more than one thread.
 */
#define PENDING_MAX	256

static struct pending {
	char	*path, *name, *uid, *event;
	char	*data;
	size_t	 len;
} pend[PENDING_MAX];
static size_t npend;
static pthread_mutex_t pend_mtx = PTHREAD_MUTEX_INITIALIZER;

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

static void
pending_add(const char *path, const char *name, const char *uid,
    const char *event, const struct strbuf *f)
{
	struct pending *q;
	size_t i;

	pthread_mutex_lock(&pend_mtx);
	for (i = 0; i < npend; i++)
		if (strcmp(pend[i].name, name) == 0)
			goto out;	/* kept already */
	if (npend == PENDING_MAX) {
		log_warnx("notify: %s could not be queued and %d others wait; "
		    "dropped", name, PENDING_MAX);
		goto out;
	}
	q = &pend[npend];
	if ((q->path = strdup(path)) == NULL ||
	    (q->name = strdup(name)) == NULL ||
	    (q->uid = strdup(uid)) == NULL ||
	    (q->event = strdup(event)) == NULL ||
	    (q->data = malloc(f->len + 1)) == NULL) {
		log_warnx("notify: %s: out of memory; dropped", name);
		pending_free(q);
		goto out;
	}
	memcpy(q->data, sb_str(f), f->len);
	q->len = f->len;
	npend++;
out:
	pthread_mutex_unlock(&pend_mtx);
}

/* Write the kept messages, oldest first, until one fails again. */
static void
pending_flush(void)
{
	char err[256];
	size_t done = 0, i;

	pthread_mutex_lock(&pend_mtx);
	while (done < npend) {
		if (sign_write_file_atomic(pend[done].path, pend[done].data,
		    pend[done].len, 0600, err, sizeof(err)) == -1)
			break;
		log_audit("notify.queue", "message", pend[done].name, "to",
		    pend[done].uid, "event", pend[done].event, NULL);
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
	pthread_mutex_unlock(&pend_mtx);
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

	if (exists_in(w, NULL, name) || exists_in(w, "sent", name) ||
	    exists_in(w, "failed", name))
		return;			/* queued once already */
	if (outbox_dir(w, NULL, dir, sizeof(dir)) == -1)
		return;
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
		log_warnx("notify: queueing %s: %s; kept to retry", name, err);
		pending_add(p, name, uid, event, &f);
	} else
		log_audit("notify.queue", "message", name, "to", uid, "event",
		    event, NULL);
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
	char name[512], k2[200];
	struct strbuf msg;
	size_t i;
	int en;

	if (t == NULL) {
		log_warnx("notify: no template for %s", event);
		return;
	}
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
	if (!header_safe(p->mail) || !header_safe(p->cn))
		return;
	sb_init(&msg, MSG_MAX);
	if (w->cfg->notify.sendmail[0] != '\0') {
		if (p->mail[0] == '\0')
			log_warnx("notify: %s has no mail address; %s not "
			    "e-mailed", p->uid, event);
		else {
			render(w, &msg, t, en, p->mail, p->cn[0] ? p->cn :
			    p->uid, k2, v);
			snprintf(name, sizeof(name), "%s-%s.mail", k2, p->uid);
			enqueue(w, name, p->uid, event, p->mail, &msg);
		}
	}
	if (w->cfg->notify.command[0] != '\0') {
		sb_reset(&msg);
		render(w, &msg, t, en, p->mail, p->cn[0] ? p->cn : p->uid, k2,
		    v);
		snprintf(name, sizeof(name), "%s-%s.cmd", k2, p->uid);
		enqueue(w, name, p->uid, event, p->mail, &msg);
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
	long long	 created, attempts, next;
	size_t		 body;		/* offset of the message */
};

static int
read_msg(const char *path, char **data, size_t *len, struct hdr *h)
{
	char *d = NULL, *p, *end, *line;
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
	for (p = d + 15; (line = strsep(&p, "\n")) != NULL;) {
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
	}
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

static int
running(const char *name)
{
	size_t i;

	for (i = 0; i < NOTIFY_CHILDREN; i++)
		if (kids[i].pid > 0 && strcmp(kids[i].name, name) == 0)
			return 1;
	return 0;
}

static void
start(struct wf *w, const char *name, const char *path)
{
	struct hdr h;
	char *data = NULL;
	const char *prog;
	size_t len, i;
	int pfd[2] = { -1, -1 }, dn;
	pid_t pid;

	for (i = 0; i < NOTIFY_CHILDREN && kids[i].pid > 0; i++)
		;
	if (i == NOTIFY_CHILDREN)
		return;
	if (read_msg(path, &data, &len, &h) == -1) {
		log_warnx("notify: %s unreadable; moved aside", name);
		return;
	}
	if (h.next > time(NULL))
		goto out;
	prog = strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".cmd") == 0 ?
	    w->cfg->notify.command : w->cfg->notify.sendmail;
	if (prog[0] == '\0')
		goto out;		/* method turned off: keep it */
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
	if ((pid = fork()) == -1) {
		log_warn("notify: fork");
		goto out;
	}
	if (pid == 0) {
		dn = open("/dev/null", O_RDWR);
		dup2(pfd[0], 0);
		if (dn != -1) {
			dup2(dn, 1);
			dup2(dn, 2);
		}
		if (prog == w->cfg->notify.command)
			execl(prog, prog, h.uid, h.mail, h.event, (char *)NULL);
		else
			execl(prog, prog, "-t", "-i", (char *)NULL);
		_exit(127);
	}
	kids[i].pid = pid;
	kids[i].started = time(NULL);
	u_strlcpy(kids[i].name, name, sizeof(kids[i].name));
out:
	if (pfd[0] != -1)
		close(pfd[0]);
	if (pfd[1] != -1)
		close(pfd[1]);
	free(data);
}

/* A delivery ended: move it on, or schedule the retry. */
static void
finished(struct wf *w, const char *name, int ok, const char *why)
{
	char dir[2048], p[2400], q[2400], err[256];
	struct hdr h;
	struct strbuf f;
	char *data = NULL;
	size_t len;
	long long delay;
	time_t now = time(NULL);
	int i;

	if (outbox_dir(w, NULL, dir, sizeof(dir)) == -1)
		return;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (ok) {
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
	for (i = 1; i < h.attempts && delay < w->cfg->notify.retry_max; i++)
		delay *= 2;
	if (delay > w->cfg->notify.retry_max)
		delay = w->cfg->notify.retry_max;
	if (now - h.created >= w->cfg->notify.give_up) {
		snprintf(q, sizeof(q), "%s/failed/%s", dir, name);
		if (rename(p, q) == -1)
			log_warn("notify: rename %s", name);
		log_warnx("notify: giving up on %s after %lld attempts: %s",
		    name, h.attempts, why);
		free(data);
		return;
	}
	log_warnx("notify: delivering %s failed (%s); attempt %lld, next in "
	    "%llds", name, why, h.attempts, delay);
	sb_init(&f, MSG_MAX + 1024);
	sb_printf(&f, "kunci-outbox 1\nuid %s\nevent %s\nmail %s\n"
	    "created %lld\nattempts %lld\nnext %lld\n\n", h.uid, h.event,
	    h.mail, h.created, h.attempts, (long long)now + delay);
	sb_add(&f, data + h.body, len - h.body);
	if (!sb_err(&f) && sign_write_file_atomic(p, sb_str(&f), f.len, 0600,
	    err, sizeof(err)) == -1)
		log_warnx("notify: %s", err);
	sb_free(&f);
	free(data);
}

static int
reap(struct wf *w)
{
	char why[64];
	size_t i;
	int status, n = 0;
	pid_t r;

	for (i = 0; i < NOTIFY_CHILDREN; i++) {
		if (kids[i].pid <= 0)
			continue;
		r = waitpid(kids[i].pid, &status, WNOHANG);
		if (r == 0) {
			if (time(NULL) - kids[i].started >=
			    w->cfg->notify.timeout) {
				kill(kids[i].pid, SIGKILL);
				waitpid(kids[i].pid, &status, 0);
				finished(w, kids[i].name, 0, "timed out");
				kids[i].pid = 0;
			} else
				n++;
			continue;
		}
		if (r == -1)
			finished(w, kids[i].name, 0, "lost the child");
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			finished(w, kids[i].name, 1, "");
		else {
			if (WIFEXITED(status))
				snprintf(why, sizeof(why), "exit %d",
				    WEXITSTATUS(status));
			else
				snprintf(why, sizeof(why), "signal %d",
				    WTERMSIG(status));
			finished(w, kids[i].name, 0, why);
		}
		kids[i].pid = 0;
	}
	return n;
}

void
notify_tick(struct wf *w, time_t now)
{
	char dir[2048], p[2400];
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct dirent *de;
	DIR *d;
	int waited;

	(void)now;
	pending_flush();
	reap(w);
	if (outbox_dir(w, NULL, dir, sizeof(dir)) == -1 ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		if (running(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		start(w, de->d_name, p);
	}
	closedir(d);
	/* Most deliveries take milliseconds: wait a little, bounded. */
	for (waited = 0; waited < TICK_BUDGET_MS && reap(w) > 0; waited += 20)
		nanosleep(&ts, NULL);
}
