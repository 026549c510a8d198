/*
 * auditsearch.c: "kuncictl audit search" and the CSV of "audit export".
 *
 * --request and --grant follow the links records carry: every record
 * naming the request is taken, and with it every request, grant and
 * removal those records name, until nothing new is named; so one request
 * brings its submission, each step, the grant made from it, the logins
 * on that grant, its revocation and the removal request (doc/audit.md).
 * The other filters narrow what that (or every record) gives.  Records
 * stream through and none is kept: the links are followed by reading
 * the input again (auditcli.c) with only the ids named so far in memory.
 */
#include <sys/types.h>

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "auditcli.h"

#define VAL_MAX	4096

/* Keys whose value names a person. */
static const char *const person_keys[] = {
	"actor", "as", "user", "subject", "requester", "holder", "escort",
	"owner", "by", NULL
};
/* Keys whose value names a request or a grant. */
static const char *const link_keys[] = { "request", "grant", "removal",
	NULL };

struct idset {
	char	**v;
	size_t	  n;
};

static int
ids_has(const struct idset *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], id) == 0)
			return 1;
	return 0;
}

static int
ids_add(struct idset *s, const char *id)
{
	char **v;

	if (id[0] == '\0' || ids_has(s, id))
		return 0;
	if ((v = reallocarray(s->v, s->n + 1, sizeof(*v))) == NULL ||
	    (v[s->n] = strdup(id)) == NULL) {
		if (v != NULL)
			s->v = v;
		return -1;
	}
	s->v = v;
	s->n++;
	return 1;
}

static int
in_list(const char *k, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(k, *list) == 0)
			return 1;
	return 0;
}

/* Whether a record names an id of s; with add, add the ids it names. */
static int
linked(const struct arec *r, struct idset *s, int add, int *grew)
{
	const char *p = r->msg;
	char k[64], *v;
	int hit = 0;

	if ((v = malloc(VAL_MAX)) == NULL)
		return 0;
	while (arec_kv_next(&p, k, sizeof(k), v, VAL_MAX) == 0)
		if (in_list(k, link_keys) && ids_has(s, v))
			hit = 1;
	if (hit && add) {
		p = r->msg;
		while (arec_kv_next(&p, k, sizeof(k), v, VAL_MAX) == 0)
			if (in_list(k, link_keys) && ids_add(s, v) == 1)
				*grew = 1;
	}
	free(v);
	return hit;
}

static int
names_person(const struct arec *r, const char *who)
{
	const char *p = r->msg;
	char k[64], v[256];

	while (arec_kv_next(&p, k, sizeof(k), v, sizeof(v)) == 0)
		if (in_list(k, person_keys) && strcmp(v, who) == 0)
			return 1;
	return 0;
}

struct asel {
	struct asearch	 q;
	enum asel_fmt	 fmt;
	FILE		*out;
	struct idset	 ids;
	int		 grew, oom;
	size_t		 n;		/* records printed */
	char		*v;		/* a value, VAL_MAX */
};

struct asel *
asel_new(const struct asearch *q, enum asel_fmt fmt, FILE *out)
{
	struct asel *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->v = malloc(VAL_MAX)) == NULL) {
		free(s);
		return NULL;
	}
	s->q = *q;
	s->fmt = fmt;
	s->out = out;
	if ((q->request != NULL && ids_add(&s->ids, q->request) == -1) ||
	    (q->grant != NULL && ids_add(&s->ids, q->grant) == -1))
		s->oom = 1;
	if (fmt == ASEL_JSON)
		fputs("[", out);
	else if (fmt == ASEL_CSV)
		fputs("time,host,seq,event,actor,user,subject,request,grant,"
		    "resource,decision,record\r\n", out);
	return s;
}

int
asel_linked(const struct asel *s)
{
	return s->q.request != NULL || s->q.grant != NULL;
}

int
asel_link(const struct arec *r, void *arg)
{
	struct asel *s = arg;

	(void)linked(r, &s->ids, 1, &s->grew);
	return s->oom ? -1 : 0;
}

int
asel_grew(struct asel *s)
{
	int g = s->grew;

	s->grew = 0;
	return g;
}

/* Whether a record matches the query. */
static int
matches(struct asel *s, const struct arec *r)
{
	const struct asearch *q = &s->q;
	char v[256];
	int grew;

	if (asel_linked(s) && !linked(r, &s->ids, 0, &grew))
		return 0;
	if (q->person != NULL && !names_person(r, q->person))
		return 0;
	if (q->resource != NULL && (arec_kv(r->msg, "resource", v,
	    sizeof(v)) == -1 || strcmp(v, q->resource) != 0))
		return 0;
	if (q->event != NULL && strcmp(r->event, q->event) != 0 &&
	    fnmatch(q->event, r->event, 0) != 0)
		return 0;
	if (q->host != NULL && (!r->chained || strcmp(r->host, q->host) != 0))
		return 0;
	if ((q->since != 0 && (r->t == 0 || r->t < q->since)) ||
	    (q->until != 0 && (r->t == 0 || r->t > q->until)))
		return 0;
	return 1;
}

static void
fmt_time(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	if (t == 0) {
		snprintf(buf, sz, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static void
print_json(struct asel *s, const struct arec *r, const char *ts)
{
	json_t *o = json_object(), *f = json_object();
	const char *p = r->msg;
	size_t end = r->chained ? r->bodylen : strlen(r->msg);
	char k[64], *txt;

	json_object_set_new(o, "source", json_string(r->src));
	json_object_set_new(o, "line", json_integer((json_int_t)r->line));
	json_object_set_new(o, "program", json_string(r->tag));
	json_object_set_new(o, "time", json_string(ts));
	json_object_set_new(o, "event", json_string(r->event));
	if (r->chained) {
		json_object_set_new(o, "host", json_string(r->host));
		json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
	}
	while ((size_t)(p - r->msg) < end &&
	    arec_kv_next(&p, k, sizeof(k), s->v, VAL_MAX) == 0)
		if (strcmp(k, "event") != 0 && json_object_get(f, k) == NULL)
			json_object_set_new(f, k, json_string(s->v));
	json_object_set_new(o, "fields", f);
	json_object_set_new(o, "record", json_string(r->msg));
	if ((txt = json_dumps(o, JSON_INDENT(2))) == NULL)
		s->oom = 1;
	else
		fprintf(s->out, "%s\n%s", s->n > 1 ? "," : "", txt);
	free(txt);
	json_decref(o);
}

/* One CSV cell (RFC 4180); a leading = + - @ is quoted with ' so a
 * spreadsheet shows it rather than running it. */
static void
cell(FILE *out, const char *s, int last)
{
	const char *p;

	fputc('"', out);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		fputc('\'', out);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
	fputs(last ? "\r\n" : ",", out);
}

static void
print_csv(const struct arec *r, const char *ts, FILE *out)
{
	static const char *const cols[] = { "actor", "user", "subject",
	    "request", "grant", "resource", "decision", NULL };
	char v[512], num[24];
	size_t c;

	cell(out, ts, 0);
	cell(out, r->chained ? r->host : "", 0);
	snprintf(num, sizeof(num), "%" PRIu64, r->chained ? r->seq : 0);
	cell(out, r->chained ? num : "", 0);
	cell(out, r->event, 0);
	for (c = 0; cols[c] != NULL; c++) {
		(void)arec_kv(r->msg, cols[c], v, sizeof(v));
		cell(out, v, 0);
	}
	cell(out, r->msg, 1);
}

int
asel_out(const struct arec *r, void *arg)
{
	struct asel *s = arg;
	char ts[40];

	if (!matches(s, r))
		return 0;
	s->n++;
	fmt_time(r->t, ts, sizeof(ts));
	if (s->fmt == ASEL_JSON)
		print_json(s, r, ts);
	else if (s->fmt == ASEL_CSV)
		print_csv(r, ts, s->out);
	else
		fprintf(s->out, "%s %s\n", ts, r->msg);
	return s->oom || ferror(s->out) ? -1 : 0;
}

int
asel_end(struct asel *s)
{
	size_t i;
	int r;

	if (s->fmt == ASEL_JSON)
		fputs(s->n > 0 ? "\n]\n" : "]\n", s->out);
	r = ferror(s->out) || s->oom ? -1 : s->n > 0 ? 0 : 1;
	for (i = 0; i < s->ids.n; i++)
		free(s->ids.v[i]);
	free(s->ids.v);
	free(s->v);
	free(s);
	return r;
}
