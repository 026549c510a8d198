/*
 * auditrec.c: reading kunci's audit records from syslog files and from
 * the journal, and parsing their key=value pairs (log.h's escaping).
 *
 * A record is a line's text from "event=" on, where "event=" starts the
 * line or follows the "TAG[PID]: " of a syslog header; the tag is the
 * word before the colon.  Lines with no record are skipped.  A chained
 * record (chain.h) ends with " host=H seq=N time=T chain=HEX": those
 * fields are parsed from the end, where log.c always puts them.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "auditcli.h"
#include "chain.h"

#define LINE_MAX_BYTES	(64 * 1024)

int auditcli_en;

int
arec_kv_next(const char **pp, char *key, size_t keysz, char *val,
    size_t valsz)
{
	const char *p = *pp, *k;
	size_t o = 0, kl;
	int c;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return -1;
	k = p;
	while (*p != '\0' && *p != '=' && *p != ' ')
		p++;
	kl = (size_t)(p - k);
	if (kl >= keysz)
		kl = keysz - 1;
	memcpy(key, k, kl);
	key[kl] = '\0';
	if (*p != '=') {		/* a bare word: no value */
		val[0] = '\0';
		*pp = p;
		return 0;
	}
	p++;
#define PUT(ch) do { if (o + 1 < valsz) val[o++] = (char)(ch); } while (0)
	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p != '\\' || p[1] == '\0') {
				PUT(*p);
				continue;
			}
			p++;
			switch (*p) {
			case 'n': PUT('\n'); break;
			case 'r': PUT('\r'); break;
			case 't': PUT('\t'); break;
			case 'x':
				if (isxdigit((unsigned char)p[1]) &&
				    isxdigit((unsigned char)p[2])) {
					char h[3] = { p[1], p[2], '\0' };

					c = (int)strtol(h, NULL, 16);
					PUT(c);
					p += 2;
				}
				break;
			default: PUT(*p);
			}
		}
		if (*p == '"')
			p++;
	} else
		for (; *p != '\0' && *p != ' '; p++)
			PUT(*p);	/* PUT drops what does not fit */
#undef PUT
	val[o] = '\0';
	*pp = p;
	return 0;
}

int
arec_kv(const char *msg, const char *key, char *dst, size_t dstsz)
{
	char k[64];

	while (arec_kv_next(&msg, k, sizeof(k), dst, dstsz) == 0)
		if (strcmp(k, key) == 0)
			return 0;
	dst[0] = '\0';
	return -1;
}

/* Parse " host=H seq=N time=T chain=HEX" at the end of r->msg. */
static void
parse_chain(struct arec *r)
{
	const char *m = r->msg, *p;
	size_t len = strlen(m), i;
	char *end;
	unsigned long long q;
	struct tm tm;

	r->chained = 0;
	if (len < 7 + 64 || strncmp(m + len - 71, " chain=", 7) != 0 ||
	    chain_unhex(m + len - 64, r->val) == -1)
		return;
	r->bodylen = len - 71;
	/* " time=" + 20 */
	if (r->bodylen < 26 || strncmp(m + r->bodylen - 26, " time=", 6) != 0)
		return;
	p = m + r->bodylen - 20;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(p, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    end != m + r->bodylen)
		return;
	r->t = timegm(&tm);
	/* " seq=DIGITS" before it */
	p = m + r->bodylen - 26;
	for (i = 0; p - i > m && isdigit((unsigned char)p[-1 - (long)i]); i++)
		;
	if (i == 0 || i > 20 || p - i - 5 < m ||
	    strncmp(p - i - 5, " seq=", 5) != 0)
		return;
	errno = 0;
	q = strtoull(p - i, &end, 10);
	if (errno != 0 || end != p || q == 0)
		return;
	r->seq = q;
	p = p - i - 5;
	/* " host=NAME" before that */
	for (i = 0; p - i > m && (isalnum((unsigned char)p[-1 - (long)i]) ||
	    p[-1 - (long)i] == '.' || p[-1 - (long)i] == '-'); i++)
		;
	if (i == 0 || i > CHAIN_HOST_MAX || p - i - 6 < m ||
	    strncmp(p - i - 6, " host=", 6) != 0)
		return;
	memcpy(r->host, p - i, i);
	r->host[i] = '\0';
	r->chained = 1;
}

/* The time in a syslog header: "Mmm dd hh:mm:ss" (this year) or
 * RFC 3339; 0 when there is none. */
static time_t
header_time(const char *line, size_t n)
{
	struct tm tm, now_tm;
	time_t now = time(NULL), t;
	char buf[64], *e;

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	if (buf[0] == '<' && (e = strchr(buf, '>')) != NULL)
		memmove(buf, e + 1, strlen(e + 1) + 1);
	memset(&tm, 0, sizeof(tm));
	if (strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm) != NULL) {
		tm.tm_isdst = -1;
		return mktime(&tm);
	}
	memset(&tm, 0, sizeof(tm));
	if (strptime(buf, "%b %e %H:%M:%S", &tm) == NULL)
		return 0;
	localtime_r(&now, &now_tm);
	tm.tm_year = now_tm.tm_year;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) > now + 86400) {	/* last year's December */
		tm.tm_year--;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	return t;
}

/* The scanner's callback and its argument, for push(). */
struct scan {
	arec_fn		 fn;
	void		*arg;
};

/* Parse one record and hand it to the callback (msg is borrowed). */
static int
push(struct scan *a, const char *src, unsigned long line, const char *tag,
    const char *msg, size_t len, time_t t)
{
	struct arec r;
	char ev[64];

	(void)len;		/* msg is NUL-terminated at len */
	memset(&r, 0, sizeof(r));
	r.msg = (char *)(uintptr_t)msg;
	r.src = src;
	r.line = line;
	snprintf(r.tag, sizeof(r.tag), "%s", tag);
	r.t = t;
	if (arec_kv(r.msg, "event", ev, sizeof(ev)) == 0)
		snprintf(r.event, sizeof(r.event), "%s", ev);
	parse_chain(&r);
	return a->fn(&r, a->arg);
}

/* A syslog line: the record and its tag, if it has one. */
static int
syslog_line(struct scan *a, const char *src, unsigned long ln,
    const char *line, size_t n)
{
	const char *p = line, *ts, *te;
	char tag[32];
	size_t k;

	for (;;) {
		p = memmem(p, n - (size_t)(p - line), "event=", 6);
		if (p == NULL)
			return 0;
		if (p == line || (p - line >= 2 && p[-1] == ' ' &&
		    p[-2] == ':'))
			break;
		p++;
	}
	tag[0] = '\0';
	if (p > line) {
		te = p - 2;		/* the colon */
		ts = te;
		while (ts > line && ts[-1] != ' ' && ts[-1] != '>')
			ts--;
		k = (size_t)(te - ts);
		if (memchr(ts, '[', k) != NULL)
			k = (size_t)((const char *)memchr(ts, '[', k) - ts);
		if (k >= sizeof(tag))
			k = sizeof(tag) - 1;
		memcpy(tag, ts, k);
		tag[k] = '\0';
	}
	return push(a, src, ln, tag, p, n - (size_t)(p - line),
	    header_time(line, (size_t)(p - line)));
}

/* One journal entry as JSON. */
static int
json_entry(struct scan *a, const char *src, unsigned long ln, json_t *o)
{
	const char *msg, *tag, *rt;
	json_t *m;
	time_t t = 0;

	m = json_object_get(o, "MESSAGE");
	if ((msg = json_string_value(m)) == NULL ||
	    strncmp(msg, "event=", 6) != 0)
		return 0;
	tag = json_string_value(json_object_get(o, "SYSLOG_IDENTIFIER"));
	rt = json_string_value(json_object_get(o, "__REALTIME_TIMESTAMP"));
	if (rt != NULL)
		t = (time_t)(strtoull(rt, NULL, 10) / 1000000);
	return push(a, src, ln, tag != NULL ? tag : "", msg, strlen(msg), t);
}

/*
 * journalctl -o export: KEY=VALUE lines, entries ended by an empty line;
 * a binary field is "KEY\n" then a little-endian 64-bit length, the bytes
 * and "\n".
 */
static int
read_export(struct scan *a, const char *src, FILE *fp, char *err,
    size_t errsz)
{
	char *line = NULL, *msg = NULL, tag[32] = "";
	size_t cap = 0;
	ssize_t n;
	unsigned long entry = 1;
	time_t t = 0;
	int r = 0;

	while ((n = getline(&line, &cap, fp)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0) {
			if (msg != NULL && strncmp(msg, "event=", 6) == 0 &&
			    (r = push(a, src, entry, tag, msg, strlen(msg),
			    t)) != 0) {
				if (r == -1)
					goto oom;
				r = 0;		/* the callback is done */
				goto out;
			}
			free(msg);
			msg = NULL;
			tag[0] = '\0';
			t = 0;
			entry++;
			continue;
		}
		if (strchr(line, '=') == NULL) {	/* binary field */
			unsigned char lb[8];
			uint64_t len = 0;
			int i;

			if (fread(lb, 1, 8, fp) != 8)
				break;
			for (i = 7; i >= 0; i--)
				len = len << 8 | lb[i];
			if (len > LINE_MAX_BYTES) {
				snprintf(err, errsz, "%s: %s %s", src, AT(
				    "field too long in entry",
				    "medan terlalu panjang pada entri"),
				    line);
				r = -1;
				goto out;
			}
			if (strcmp(line, "MESSAGE") == 0) {
				free(msg);
				if ((msg = calloc(1, (size_t)len + 1)) == NULL)
					goto oom;
				if (fread(msg, 1, (size_t)len, fp) != len)
					break;
			} else if (fseek(fp, (long)len, SEEK_CUR) == -1)
				break;
			(void)fgetc(fp);
			continue;
		}
		if (strncmp(line, "MESSAGE=", 8) == 0) {
			free(msg);
			if ((msg = strdup(line + 8)) == NULL)
				goto oom;
		} else if (strncmp(line, "SYSLOG_IDENTIFIER=", 18) == 0)
			snprintf(tag, sizeof(tag), "%s", line + 18);
		else if (strncmp(line, "__REALTIME_TIMESTAMP=", 21) == 0)
			t = (time_t)(strtoull(line + 21, NULL, 10) / 1000000);
	}
	if (msg != NULL && strncmp(msg, "event=", 6) == 0 &&
	    push(a, src, entry, tag, msg, strlen(msg), t) == -1)
		goto oom;
	r = 0;
	goto out;
oom:
	snprintf(err, errsz, "%s: %s", src, AT("out of memory",
	    "memori habis"));
	r = -1;
out:
	free(msg);
	free(line);
	return r;
}

int
arec_scan_stream(const char *src, FILE *fp, arec_fn fn, void *arg,
    char *err, size_t errsz)
{
	struct scan a = { fn, arg };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long ln = 0;
	int c, r = 0, json;
	json_t *o;
	json_error_t je;

	c = fgetc(fp);
	if (c == EOF)
		return 0;
	ungetc(c, fp);
	if (c == '_') {		/* __CURSOR=: the export form */
		return read_export(&a, src, fp, err, errsz);
	}
	json = c == '{';
	while ((n = getline(&line, &cap, fp)) != -1) {
		ln++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > LINE_MAX_BYTES)
			continue;
		if (json) {
			if ((o = json_loads(line, 0, &je)) == NULL) {
				snprintf(err, errsz, "%s:%lu: %s: %s", src, ln,
				    AT("not JSON", "bukan JSON"), je.text);
				r = -1;
				break;
			}
			r = json_entry(&a, src, ln, o);
			json_decref(o);
		} else
			r = syslog_line(&a, src, ln, line, (size_t)n);
		if (r == -1) {
			snprintf(err, errsz, "%s: %s", src, AT("out of memory",
			    "memori habis"));
			break;
		}
		if (r == 1) {		/* the callback is done */
			r = 0;
			break;
		}
	}
	if (r == 0 && ferror(fp)) {
		snprintf(err, errsz, "%s: %s", src, strerror(errno));
		r = -1;
	}
	free(line);
	return r;
}

int
arec_scan_file(const char *path, arec_fn fn, void *arg, char *err,
    size_t errsz)
{
	FILE *fp;
	int r;

	if (strcmp(path, "-") == 0)
		return arec_scan_stream("-", stdin, fn, arg, err, errsz);
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = arec_scan_stream(path, fp, fn, arg, err, errsz);
	fclose(fp);
	return r;
}

int
arec_journal_open(pid_t *pid, char *err, size_t errsz, FILE **fpp)
{
	int pfd[2];
	FILE *fp;

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((*pid = fork()) == -1) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (*pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execlp("journalctl", "journalctl", "-q", "--no-pager", "-o",
		    "json", "SYSLOG_IDENTIFIER=kuncid", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	if ((fp = fdopen(pfd[0], "r")) == NULL) {
		close(pfd[0]);
		snprintf(err, errsz, "fdopen: %s", strerror(errno));
		waitpid(*pid, NULL, 0);
		return -1;
	}
	*fpp = fp;
	return 0;
}

int
arec_journal_close(FILE *fp, pid_t pid, int r, char *err, size_t errsz)
{
	int st;

	fclose(fp);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1)) {
		if (r == 0)
			snprintf(err, errsz, "journalctl %s", AT("failed "
			    "(is it installed, and may you read the journal?)",
			    "gagal (terpasangkah, dan bolehkah Anda membaca "
			    "jurnal?)"));
		r = -1;
	}
	return r;
}

int
arec_scan_journal(arec_fn fn, void *arg, char *err, size_t errsz)
{
	pid_t pid;
	FILE *fp;
	int r;

	if (arec_journal_open(&pid, err, errsz, &fp) == -1)
		return -1;
	r = arec_scan_stream("journal", fp, fn, arg, err, errsz);
	return arec_journal_close(fp, pid, r, err, errsz);
}

int
arec_parse_time(const char *s, int end_of_day, time_t *t)
{
	struct tm tm;
	const char *e;
	int utc;

	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*e == '\0') {
		if (end_of_day) {
			tm.tm_hour = 23;
			tm.tm_min = 59;
			tm.tm_sec = 59;
		}
	} else {
		if (*e != 'T' && *e != ' ')
			return -1;
		if ((e = strptime(e + 1, "%H:%M", &tm)) == NULL)
			return -1;
		if (*e == ':' && (e = strptime(e + 1, "%S", &tm)) == NULL)
			return -1;
	}
	utc = *e == 'Z';
	if (utc)
		e++;
	if (*e != '\0')
		return -1;
	tm.tm_isdst = -1;
	*t = utc ? timegm(&tm) : mktime(&tm);
	return 0;
}

void
acheck_free(struct achecks *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].stmt);
		free(c->v[i].sig);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int
acheck_parse(struct achecks *c, const char *text, char *err, size_t errsz)
{
	const char *p = text, *e, *b, *end;
	struct acheck *k, *v;
	char hx[65];
	unsigned long long q;
	unsigned long ln = 0;

	memset(c, 0, sizeof(*c));
	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		ln++;
		if (strncmp(p, "kunci-audit-checkpoint 1 ", 25) != 0) {
			p = *e == '\n' ? e + 1 : e;
			continue;
		}
		if ((v = reallocarray(c->v, c->n + 1, sizeof(*v))) == NULL)
			goto oom;
		c->v = v;
		k = &c->v[c->n];
		memset(k, 0, sizeof(*k));
		if ((k->stmt = strndup(p, (size_t)(e - p))) == NULL)
			goto oom;
		c->n++;
		if (sscanf(k->stmt, "kunci-audit-checkpoint 1 host=%64[A-Za-z0-9"
		    ".-] seq=%llu chain=%64[0-9a-f] time=%31s", k->host, &q,
		    hx, k->time) != 4 || strlen(hx) != 64 ||
		    chain_unhex(hx, k->val) == -1) {
			snprintf(err, errsz, "%s %lu: %s", AT("checkpoint line",
			    "baris titik periksa"), ln, AT("malformed",
			    "rusak"));
			return -1;
		}
		k->seq = q;
		/* the signature: the PEM block that follows */
		b = *e == '\n' ? e + 1 : e;
		if (strncmp(b, "-----BEGIN CMS-----", 19) != 0 ||
		    (end = strstr(b, "-----END CMS-----")) == NULL) {
			snprintf(err, errsz, "%s %lu: %s", AT("checkpoint line",
			    "baris titik periksa"), ln, AT("no signature "
			    "follows it", "tidak diikuti tanda tangan"));
			return -1;
		}
		end += 17;
		k->siglen = (size_t)(end - b);
		if ((k->sig = malloc(k->siglen + 2)) == NULL)
			goto oom;
		memcpy(k->sig, b, k->siglen);
		k->sig[k->siglen++] = '\n';
		k->sig[k->siglen] = '\0';
		for (; b < end; b++)
			if (*b == '\n')
				ln++;
		p = *end == '\n' ? end + 1 : end;
	}
	return 0;
oom:
	snprintf(err, errsz, "%s", AT("out of memory", "memori habis"));
	return -1;
}
