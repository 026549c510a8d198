/*
 * auditsearch.c: "kuncictl audit search" and the CSV of "audit export".
 *
 * --request and --grant follow the links records carry: every record
 * naming the request is taken, and with it every request, grant and
 * removal those records name, until nothing new is named; so one request
 * brings its submission, each step, the grant made from it, the logins
 * on that grant, its revocation and the removal request (doc/audit.md).
 * The other filters narrow what that (or every record) gives.
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

void
audit_select(const struct arecs *R, const struct asearch *q,
    unsigned char *sel)
{
	struct idset ids = { NULL, 0 };
	char v[256];
	size_t i;
	int grew;

	for (i = 0; i < R->n; i++)
		sel[i] = 1;
	if (q->request != NULL || q->grant != NULL) {
		if (q->request != NULL)
			(void)ids_add(&ids, q->request);
		if (q->grant != NULL)
			(void)ids_add(&ids, q->grant);
		do {
			grew = 0;
			for (i = 0; i < R->n; i++)
				(void)linked(&R->v[i], &ids, 1, &grew);
		} while (grew);
		for (i = 0; i < R->n; i++)
			sel[i] = (unsigned char)linked(&R->v[i], &ids, 0,
			    &grew);
	}
	for (i = 0; i < R->n; i++) {
		const struct arec *r = &R->v[i];

		if (!sel[i])
			continue;
		if (q->person != NULL && !names_person(r, q->person))
			sel[i] = 0;
		else if (q->resource != NULL && (arec_kv(r->msg, "resource", v,
		    sizeof(v)) == -1 || strcmp(v, q->resource) != 0))
			sel[i] = 0;
		else if (q->event != NULL && strcmp(r->event, q->event) != 0 &&
		    fnmatch(q->event, r->event, 0) != 0)
			sel[i] = 0;
		else if (q->host != NULL && (!r->chained ||
		    strcmp(r->host, q->host) != 0))
			sel[i] = 0;
		else if ((q->since != 0 && (r->t == 0 || r->t < q->since)) ||
		    (q->until != 0 && (r->t == 0 || r->t > q->until)))
			sel[i] = 0;
	}
	for (i = 0; i < ids.n; i++)
		free(ids.v[i]);
	free(ids.v);
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

int
audit_print(const struct arecs *R, const unsigned char *sel, int json,
    FILE *out)
{
	char ts[40], k[64], *v;
	size_t i, n = 0;
	json_t *ja = json_array();

	if ((v = malloc(VAL_MAX)) == NULL)
		return -1;
	for (i = 0; i < R->n; i++) {
		const struct arec *r = &R->v[i];

		if (!sel[i])
			continue;
		n++;
		fmt_time(r->t, ts, sizeof(ts));
		if (json) {
			json_t *o = json_object(), *f = json_object();
			const char *p = r->msg;
			size_t end = r->chained ? r->bodylen : strlen(r->msg);

			json_object_set_new(o, "source", json_string(r->src));
			json_object_set_new(o, "line",
			    json_integer((json_int_t)r->line));
			json_object_set_new(o, "program", json_string(r->tag));
			json_object_set_new(o, "time", json_string(ts));
			json_object_set_new(o, "event", json_string(r->event));
			if (r->chained) {
				json_object_set_new(o, "host",
				    json_string(r->host));
				json_object_set_new(o, "seq",
				    json_integer((json_int_t)r->seq));
			}
			while ((size_t)(p - r->msg) < end &&
			    arec_kv_next(&p, k, sizeof(k), v, VAL_MAX) == 0)
				if (strcmp(k, "event") != 0 &&
				    json_object_get(f, k) == NULL)
					json_object_set_new(f, k,
					    json_string(v));
			json_object_set_new(o, "fields", f);
			json_object_set_new(o, "record", json_string(r->msg));
			json_array_append_new(ja, o);
		} else
			fprintf(out, "%s %s\n", ts, r->msg);
	}
	if (json) {
		json_dumpf(ja, out, JSON_INDENT(2));
		fputc('\n', out);
	}
	json_decref(ja);
	free(v);
	return (int)(n > 0 ? 0 : 1);
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

int
audit_csv(const struct arecs *R, const unsigned char *sel, FILE *out)
{
	static const char *const cols[] = { "actor", "user", "subject",
	    "request", "grant", "resource", "decision", NULL };
	char ts[40], v[512], num[24];
	size_t i, c;

	fputs("time,host,seq,event,actor,user,subject,request,grant,"
	    "resource,decision,record\r\n", out);
	for (i = 0; i < R->n; i++) {
		const struct arec *r = &R->v[i];

		if (!sel[i])
			continue;
		fmt_time(r->t, ts, sizeof(ts));
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
	return ferror(out) ? -1 : 0;
}
