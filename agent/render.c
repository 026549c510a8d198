/*
 * render.c: tables as text, CSV, HTML and JSON; see render.h.
 *
 * Invariant: every string in a table is valid UTF-8 (utf8_clean() on the
 * way in), so the renderers only decide how each code point is shown.
 * The HTML header block comes from the caller unclean, and html_put()
 * decodes it the same way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render.h"

#define REPLACEMENT	0xFFFD
#define KEY_MAX		64

struct render_table {
	size_t	  ncols;
	char	**keys;
	char	**headers;
	char	**cells;	/* nrows * ncols, row-major */
	size_t	  nrows;
	size_t	  rowcap;
};

/*
 * Decode one code point from the n > 0 bytes at s.  Returns the bytes it
 * took; a byte that does not start a well-formed sequence takes 1 and
 * gives U+FFFD, and *bad is set (a real U+FFFD takes 3).
 */
static size_t
utf8_dec(const unsigned char *s, size_t n, uint32_t *cp, int *bad)
{
	uint32_t c = s[0], min;
	size_t len, i;

	*bad = 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*bad = 1;
	*cp = REPLACEMENT;
	return 1;
}

static size_t
utf8_enc(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* A malloc'd copy of s ("" for NULL) with invalid bytes as U+FFFD. */
static char *
utf8_clean(const char *s)
{
	const unsigned char *p;
	size_t n, len, used, out = 0;
	uint32_t cp;
	int bad;
	char *r;

	if (s == NULL)
		s = "";
	p = (const unsigned char *)s;
	n = len = strlen(s);
	while (n > 0) {
		used = utf8_dec(p, n, &cp, &bad);
		out += bad ? 3 : used;
		p += used;
		n -= used;
	}
	if ((r = malloc(out + 1)) == NULL)
		return NULL;
	if (out == len) {		/* nothing was replaced */
		memcpy(r, s, len + 1);
		return r;
	}
	p = (const unsigned char *)s;
	n = len;
	out = 0;
	while (n > 0) {
		used = utf8_dec(p, n, &cp, &bad);
		if (bad)
			out += utf8_enc(cp, r + out);
		else {
			memcpy(r + out, p, used);
			out += used;
		}
		p += used;
		n -= used;
	}
	r[out] = '\0';
	return r;
}

static int
valid_key(const char *k)
{
	size_t i;

	if (k == NULL || k[0] < 'a' || k[0] > 'z')
		return 0;
	for (i = 1; k[i] != '\0'; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return i <= KEY_MAX;
}

struct render_table *
render_table_new(const struct render_column *cols, size_t ncols)
{
	struct render_table *t = NULL;
	size_t i, j;

	if (ncols == 0 || ncols > RENDER_MAX_COLS) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < ncols; i++) {
		if (!valid_key(cols[i].key) || cols[i].header == NULL) {
			errno = EINVAL;
			return NULL;
		}
		for (j = 0; j < i; j++)
			if (strcmp(cols[i].key, cols[j].key) == 0) {
				errno = EINVAL;
				return NULL;
			}
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->keys = calloc(ncols, sizeof(*t->keys))) == NULL ||
	    (t->headers = calloc(ncols, sizeof(*t->headers))) == NULL)
		goto fail;
	t->ncols = ncols;
	for (i = 0; i < ncols; i++)
		if ((t->keys[i] = strdup(cols[i].key)) == NULL ||
		    (t->headers[i] = utf8_clean(cols[i].header)) == NULL)
			goto fail;
	return t;
fail:
	render_table_free(t);
	errno = ENOMEM;
	return NULL;
}

void
render_table_free(struct render_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; t->keys != NULL && i < t->ncols; i++)
		free(t->keys[i]);
	for (i = 0; t->headers != NULL && i < t->ncols; i++)
		free(t->headers[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->keys);
	free(t->headers);
	free(t->cells);
	free(t);
}

int
render_table_add_row(struct render_table *t, const char *const *values,
    size_t n)
{
	char **row, **p;
	size_t i, cap;

	if (n != t->ncols) {
		errno = EINVAL;
		return -1;
	}
	if (t->nrows == t->rowcap) {
		cap = t->rowcap ? t->rowcap * 2 : 16;
		if (cap > SIZE_MAX / t->ncols) {
			errno = ENOMEM;
			return -1;
		}
		if ((p = reallocarray(t->cells, cap * t->ncols,
		    sizeof(*p))) == NULL)
			return -1;
		t->cells = p;
		t->rowcap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < n; i++) {
		if ((row[i] = utf8_clean(values[i])) == NULL) {
			while (i-- > 0)
				free(row[i]);
			errno = ENOMEM;
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

size_t
render_table_nrows(const struct render_table *t)
{
	return t->nrows;
}

size_t
render_table_ncols(const struct render_table *t)
{
	return t->ncols;
}

static const char *
cell(const struct render_table *t, size_t r, size_t c)
{
	return t->cells[r * t->ncols + c];
}

/* ---- text ---- */

/* Shown as '?': would break the line or reorder what follows. */
static int
breaks_layout(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||
	    c == 0x2028 || c == 0x2029 ||		/* line, paragraph */
	    (c >= 0x202A && c <= 0x202E) ||		/* bidi overrides */
	    (c >= 0x2066 && c <= 0x2069) ||		/* bidi isolates */
	    c == 0x200E || c == 0x200F || c == 0x061C;	/* bidi marks */
}

/* Takes no column: combining marks and the zero-width characters. */
static int
zero_width(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	    (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	    (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x200B && c <= 0x200D) ||
	    c == 0x2060 || c == 0xFEFF;
}

/* Append s as text (when b is not NULL); return its width in columns. */
static size_t
text_put(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), used, w = 0;
	uint32_t cp;
	int bad;

	while (n > 0) {
		used = utf8_dec(p, n, &cp, &bad);
		if (breaks_layout(cp)) {
			if (b != NULL)
				sb_add(b, "?", 1);
			w++;
		} else {
			if (b != NULL)
				sb_add(b, (const char *)p, used);
			w += !zero_width(cp);
		}
		p += used;
		n -= used;
	}
	return w;
}

static void
pad(struct strbuf *b, size_t n, char ch)
{
	static const char spaces[] = "                                ";
	static const char dashes[] = "--------------------------------";
	const char *run = ch == '-' ? dashes : spaces;
	size_t k;

	while (n > 0) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		sb_add(b, run, k);
		n -= k;
	}
}

/* One line of vals; padding stops after the last non-empty value. */
static void
text_line(struct strbuf *b, char *const *vals, const size_t *widths,
    size_t ncols)
{
	size_t c, last = 0, w;

	for (c = 0; c < ncols; c++)
		if (vals[c][0] != '\0')
			last = c;
	for (c = 0; c <= last; c++) {
		w = text_put(b, vals[c]);
		if (c < last)
			pad(b, widths[c] - w + 2, ' ');
	}
	sb_add(b, "\n", 1);
}

int
render_text(const struct render_table *t, struct strbuf *b)
{
	size_t *widths, r, c, w, last = 0;

	if ((widths = calloc(t->ncols, sizeof(*widths))) == NULL) {
		b->err = 1;
		return -1;
	}
	for (c = 0; c < t->ncols; c++) {
		widths[c] = text_put(NULL, t->headers[c]);
		for (r = 0; r < t->nrows; r++)
			if ((w = text_put(NULL, cell(t, r, c))) > widths[c])
				widths[c] = w;
	}
	text_line(b, t->headers, widths, t->ncols);
	for (c = 0; c < t->ncols; c++)
		if (widths[c] > 0)
			last = c;
	for (c = 0; c <= last; c++) {
		pad(b, widths[c], '-');
		if (c < last)
			sb_add(b, "  ", 2);
	}
	sb_add(b, "\n", 1);
	for (r = 0; r < t->nrows; r++)
		text_line(b, t->cells + r * t->ncols, widths, t->ncols);
	free(widths);
	return sb_err(b) ? -1 : 0;
}

/* ---- CSV ---- */

static void
csv_field(struct strbuf *b, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	const char *q;

	if (quote)
		sb_add(b, "\"", 1);
	/* formula guard: see render.h */
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		sb_add(b, "'", 1);
	while ((q = strchr(s, '"')) != NULL) {
		sb_add(b, s, (size_t)(q - s) + 1);	/* through the quote */
		sb_add(b, "\"", 1);			/* and double it */
		s = q + 1;
	}
	sb_puts(b, s);
	if (quote)
		sb_add(b, "\"", 1);
}

static void
csv_record(struct strbuf *b, char *const *vals, size_t ncols)
{
	size_t c;

	for (c = 0; c < ncols; c++) {
		if (c > 0)
			sb_add(b, ",", 1);
		csv_field(b, vals[c]);
	}
	sb_add(b, "\r\n", 2);
}

int
render_csv(const struct render_table *t, struct strbuf *b)
{
	size_t r;

	csv_record(b, t->headers, t->ncols);
	for (r = 0; r < t->nrows; r++)
		csv_record(b, t->cells + r * t->ncols, t->ncols);
	return sb_err(b) ? -1 : 0;
}

/* ---- HTML ---- */

/* Append s HTML-escaped, as valid UTF-8 holding only XML characters. */
void
render_html_put(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), used;
	uint32_t cp;
	char enc[4];
	int bad;

	while (n > 0) {
		used = utf8_dec(p, n, &cp, &bad);
		switch (cp) {
		case '&':
			sb_add(b, "&amp;", 5);
			break;
		case '<':
			sb_add(b, "&lt;", 4);
			break;
		case '>':
			sb_add(b, "&gt;", 4);
			break;
		case '"':
			sb_add(b, "&quot;", 6);
			break;
		case '\'':
			sb_add(b, "&#39;", 5);	/* &apos; is not HTML 4 */
			break;
		default:
			if ((cp < 0x20 && cp != '\t' && cp != '\n' &&
			    cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
				bad = 1;
			if (bad)
				sb_add(b, enc, utf8_enc(REPLACEMENT, enc));
			else
				sb_add(b, (const char *)p, used);
			break;
		}
		p += used;
		n -= used;
	}
}

/* <tag class="cls">label: value</tag>, when value is given */
static void
html_para(struct strbuf *b, const char *tag, const char *cls,
    const char *label, const char *value)
{
	if (value == NULL)
		return;
	sb_printf(b, "<%s class=\"%s\">", tag, cls);
	if (label != NULL) {
		render_html_put(b, label);
		sb_puts(b, ": ");
	}
	render_html_put(b, value);
	sb_printf(b, "</%s>\n", tag);
}

static const char html_style[] =
    "@page { size: A4; margin: 20mm }\n"
    "body { font: 10pt/1.35 \"DejaVu Sans\", Arial, sans-serif; "
    "color: #000; margin: 0 }\n"
    "header { border-bottom: 1.5pt solid #000; padding-bottom: 3mm; "
    "margin-bottom: 6mm }\n"
    "header p { margin: 0 }\n"
    ".office { font-weight: bold; font-size: 12pt; "
    "text-transform: uppercase }\n"
    "h1 { font-size: 14pt; margin: 4mm 0 2mm }\n"
    ".printed { font-size: 9pt }\n"
    "table { width: 100%; border-collapse: collapse }\n"
    "thead { display: table-header-group }\n"
    "tr { break-inside: avoid; page-break-inside: avoid }\n"
    "th, td { border: 0.5pt solid #000; padding: 1mm 1.5mm; "
    "text-align: left; vertical-align: top; white-space: pre-wrap; "
    "overflow-wrap: anywhere }\n"
    "th { background: #e6e6e6 }\n"
    "@media print { th { -webkit-print-color-adjust: exact; "
    "print-color-adjust: exact } }\n";

int
render_html(const struct render_table *t, const struct render_header *h,
    struct strbuf *b)
{
	static const struct render_header none;
	const char *lang, *numlabel, *datelabel;

	if (h == NULL)
		h = &none;
	lang = h->lang != NULL ? h->lang : "id";
	if (strncmp(lang, "id", 2) == 0 && (lang[2] == '\0' ||
	    lang[2] == '-' || lang[2] == '_')) {
		numlabel = "Nomor SOP";
		datelabel = "Dicetak";
	} else {
		numlabel = "SOP number";
		datelabel = "Printed";
	}

	sb_puts(b, "<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"");
	render_html_put(b, lang);
	sb_puts(b, "\" xml:lang=\"");
	render_html_put(b, lang);
	sb_puts(b, "\">\n<head>\n<meta charset=\"utf-8\" />\n<title>");
	render_html_put(b, h->title != NULL ? h->title : "");
	sb_puts(b, "</title>\n<style>\n");
	sb_puts(b, html_style);
	sb_puts(b, "</style>\n</head>\n<body>\n<header>\n");
	html_para(b, "p", "office", NULL, h->office);
	html_para(b, "p", "sop", NULL, h->sop_name);
	html_para(b, "p", "sop-number", numlabel, h->sop_number);
	html_para(b, "h1", "title", NULL, h->title);
	html_para(b, "p", "printed", datelabel, h->printed);
	sb_puts(b, "</header>\n");
	render_html_table(t, NULL, b);
	sb_puts(b, "</body>\n</html>\n");
	return sb_err(b) ? -1 : 0;
}

void
render_html_table(const struct render_table *t, const char *cls,
    struct strbuf *b)
{
	size_t r, c;

	sb_puts(b, "<table");
	if (cls != NULL) {
		sb_puts(b, " class=\"");
		render_html_put(b, cls);
		sb_puts(b, "\"");
	}
	sb_puts(b, ">\n<colgroup>");
	for (c = 0; c < t->ncols; c++) {
		sb_puts(b, "<col class=\"c-");
		sb_puts(b, t->keys[c]);
		sb_puts(b, "\" />");
	}
	sb_puts(b, "</colgroup>\n<thead>\n<tr>");
	for (c = 0; c < t->ncols; c++) {
		sb_puts(b, "<th scope=\"col\">");
		render_html_put(b, t->headers[c]);
		sb_puts(b, "</th>");
	}
	sb_puts(b, "</tr>\n</thead>\n<tbody>\n");
	for (r = 0; r < t->nrows; r++) {
		sb_puts(b, "<tr>");
		for (c = 0; c < t->ncols; c++) {
			sb_puts(b, "<td>");
			render_html_put(b, cell(t, r, c));
			sb_puts(b, "</td>");
		}
		sb_puts(b, "</tr>\n");
	}
	sb_puts(b, "</tbody>\n</table>\n");
}

/* ---- JSON ---- */

int
render_json(const struct render_table *t, struct strbuf *b)
{
	json_t *arr, *obj;
	char *s = NULL;
	size_t r, c;
	int rc = -1;

	if ((arr = json_array()) == NULL)
		goto out;
	for (r = 0; r < t->nrows; r++) {
		if ((obj = json_object()) == NULL ||
		    json_array_append_new(arr, obj) == -1)
			goto out;
		/* the _new calls take the value's reference even on error */
		for (c = 0; c < t->ncols; c++)
			if (json_object_set_new(obj, t->keys[c],
			    json_string(cell(t, r, c))) == -1)
				goto out;
	}
	/* UTF-8, not JSON_ENSURE_ASCII: see render.h */
	if ((s = json_dumps(arr, JSON_INDENT(2))) == NULL)
		goto out;
	sb_puts(b, s);
	sb_add(b, "\n", 1);
	rc = 0;
out:
	if (rc == -1)
		b->err = 1;
	free(s);
	json_decref(arr);
	return sb_err(b) ? -1 : rc;
}
