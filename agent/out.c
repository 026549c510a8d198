/*
 * out.c: tables and JSON; see out.h.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "out.h"
#include "strbuf.h"

char *
out_clean(const char *s)
{
	char *c;
	size_t i;

	if ((c = strdup(s != NULL ? s : "")) == NULL)
		return NULL;
	for (i = 0; c[i] != '\0'; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = ' ';
	return c;
}

size_t
out_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void
out_table_init(struct out_table *t, size_t ncols, const char *const *hdr)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	if (ncols > OUT_MAX_COLS) {
		t->err = 1;
		return;
	}
	t->ncols = ncols;
	for (i = 0; i < ncols; i++)
		if ((t->hdr[i] = out_clean(hdr[i])) == NULL)
			t->err = 1;
}

void
out_table_row(struct out_table *t, const char *const *cells)
{
	char **nc;
	size_t i, base;

	if (t->err)
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap == 0 ? 16 : t->cap * 2;

		nc = reallocarray(t->cells, cap * t->ncols, sizeof(*nc));
		if (nc == NULL) {
			t->err = 1;
			return;
		}
		t->cells = nc;
		t->cap = cap;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++)
		if ((t->cells[base + i] = out_clean(cells[i])) == NULL)
			t->err = 1;
	t->nrows++;
}

static _Thread_local size_t sort_col;	/* for cmp_rows: qsort has no argument */

static int
cmp_row(const void *a, const void *b)
{
	char *const *x = a, *const *y = b;

	return strcmp(x[sort_col], y[sort_col]);
}

/* Rows are contiguous blocks of ncols pointers: sort the blocks.  Not
 * reentrant (sort_col); kuncid's admin thread is the only caller. */
void
out_table_sort(struct out_table *t, size_t col)
{
	if (t->err || t->nrows < 2 || col >= t->ncols)
		return;
	sort_col = col;
	qsort(t->cells, t->nrows, t->ncols * sizeof(*t->cells), cmp_row);
}

int
out_table_render(const struct out_table *t, struct strbuf *sb)
{
	size_t w[OUT_MAX_COLS], i, r, n, pad;
	const char *c;

	if (t->err)
		return -1;
	for (i = 0; i < t->ncols; i++)
		w[i] = out_width(t->hdr[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			n = out_width(t->cells[r * t->ncols + i]);
			if (n > w[i])
				w[i] = n;
		}
	for (r = 0; r <= t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			c = r == 0 ? t->hdr[i] : t->cells[(r - 1) * t->ncols + i];
			sb_puts(sb, c);
			if (i + 1 < t->ncols) {
				pad = w[i] - out_width(c) + 2;
				while (pad-- > 0)
					sb_add(sb, " ", 1);
			}
		}
		/* No trailing blanks. */
		while (sb->len > 0 && sb->s[sb->len - 1] == ' ') {
			sb->s[--sb->len] = '\0';
		}
		sb_add(sb, "\n", 1);
	}
	return sb_err(sb) ? -1 : 0;
}

void
out_table_free(struct out_table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->hdr[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

void
out_kv(struct strbuf *sb, size_t keywidth, const char *key,
    const char *value)
{
	char *v = out_clean(value);
	size_t n = out_width(key) + 1;

	sb_puts(sb, key);
	sb_add(sb, ":", 1);
	if (v != NULL && *v != '\0') {
		do
			sb_add(sb, " ", 1);
		while (++n < keywidth + 2);
		sb_puts(sb, v);
	}
	sb_add(sb, "\n", 1);
	free(v);
}

json_t *
out_jstr(const char *s)
{
	json_t *j;
	char *c;
	size_t i;

	if (s == NULL)
		s = "";
	if ((j = json_string(s)) != NULL)
		return j;
	/* Invalid UTF-8: replace every byte >= 0x80 by '?'. */
	if ((c = strdup(s)) == NULL)
		return json_null();
	for (i = 0; c[i] != '\0'; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	j = json_string(c);
	free(c);
	return j != NULL ? j : json_null();
}

int
out_json(struct strbuf *sb, json_t *j)
{
	char *s;
	int ret = -1;

	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		return -1;
	sb_puts(sb, s);
	sb_add(sb, "\n", 1);
	free(s);
	if (!sb_err(sb))
		ret = 0;
	return ret;
}

json_t *
out_jcounts(const char *s)
{
	json_t *o = json_object();
	char key[64], *end;
	const char *p, *eq, *sp;
	long long v;

	for (p = s != NULL ? s : ""; *p != '\0'; p = sp) {
		while (*p == ' ')
			p++;
		if ((sp = strchr(p, ' ')) == NULL)
			sp = p + strlen(p);
		if ((eq = memchr(p, '=', (size_t)(sp - p))) == NULL ||
		    eq == p || (size_t)(eq - p) >= sizeof(key))
			continue;
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		v = strtoll(eq + 1, &end, 10);
		if (end != sp || end == eq + 1)
			continue;
		json_object_set_new(o, key, json_integer(v));
	}
	return o;
}
