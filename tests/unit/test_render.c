/*
 * test_render.c: unit tests of agent/render.c.
 *
 * Each format is read back the way its consumer would: CSV by a small
 * strict RFC 4180 parser here, HTML by a strict well-formedness checker
 * here and, when installed, by xmllint (libxml2-utils), JSON by jansson.
 * Both HTML checkers are first shown a broken document, so a checker that
 * accepts anything cannot pass the test.
 * Ends with "N passed, N failed"; exits 1 on any failure.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "render.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FFFD		"\xef\xbf\xbd"

static const struct render_column cols[] = {
	{ "no", "No" },
	{ "nama", "Nama" },
	{ "unit_kerja", "Unit Kerja" },
	{ "status", "Status" },
};

static struct render_table *
table(const char *const rows[][4], size_t nrows)
{
	struct render_table *t;
	size_t i;

	assert_non_null(t = render_table_new(cols, NELEM(cols)));
	for (i = 0; i < nrows; i++)
		assert_int_equal(render_table_add_row(t, rows[i], 4), 0);
	return t;
}

/* Is s valid UTF-8 (no overlong forms, surrogates, or > U+10FFFF)? */
static int
valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	int n, i;

	while (*s != '\0') {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xC2 && *s <= 0xDF)
			n = 1, c = *s & 0x1F;
		else if ((*s & 0xF0) == 0xE0)
			n = 2, c = *s & 0x0F;
		else if (*s >= 0xF0 && *s <= 0xF4)
			n = 3, c = *s & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			c = c << 6 | (s[i] & 0x3F);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* Display column where byte offset off of line starts (code points). */
static size_t
column_of(const char *line, size_t off)
{
	size_t i, w = 0;

	for (i = 0; i < off; i++)
		if (((unsigned char)line[i] & 0xC0) != 0x80 &&
		    /* U+0301, the one combining mark used here */
		    !((unsigned char)line[i] == 0xCC &&
		    (unsigned char)line[i + 1] == 0x81))
			w++;
	return w;
}

static void
text_alignment(void **state)
{
	static const char *const rows[][4] = {
		{ "1", "Budi Santoso", "Bidang Aptika", "Disetujui" },
		{ "2", "Dédé Kurniawan", "Sekretariat", "Menunggu Kadis" },
		{ "3", "Rene\xcc\x81", "Bidang E-Government", "Ditolak" },
		{ "4", "", "Seksi Layanan Infrastruktur TIK", "" },
	};
	static const char want[] =
	    "No  Nama            Unit Kerja                       Status\n"
	    "--  --------------  -------------------------------  "
	    "--------------\n"
	    "1   Budi Santoso    Bidang Aptika                    Disetujui\n"
	    "2   Dédé Kurniawan  Sekretariat                      "
	    "Menunggu Kadis\n"
	    "3   Rene\xcc\x81            Bidang E-Government"
	    "              Ditolak\n"
	    "4                   Seksi Layanan Infrastruktur TIK\n";
	struct render_table *t = table(rows, NELEM(rows));
	struct strbuf b;
	const char *line, *status;

	(void)state;
	sb_init(&b, 1 << 16);
	assert_int_equal(render_text(t, &b), 0);
	print_message("%s", sb_str(&b));
	assert_string_equal(sb_str(&b), want);
	/* independently: "Status" and each status start in one column */
	line = sb_str(&b);
	status = strstr(line, "Status");
	assert_int_equal(column_of(line, (size_t)(status - line)), 53);
	line = strstr(line, "\n2 ") + 1;
	status = strstr(line, "Menunggu");
	assert_int_equal(column_of(line, (size_t)(status - line)), 53);
	line = strstr(line, "\n3 ") + 1;
	status = strstr(line, "Ditolak");
	assert_int_equal(column_of(line, (size_t)(status - line)), 53);
	sb_free(&b);
	render_table_free(t);
}

static void
text_controls_cannot_break_layout(void **state)
{
	static const char *const rows[][4] = {
		{ "1", "Eve\nevent=forged", "tab\there\r", "\x1b[31mred" },
		{ "2", "a\xe2\x80\xae" "cba", "x\xe2\x80\xa8y",
		    "\x7f\xc2\x85" },
	};
	struct render_table *t = table(rows, NELEM(rows));
	struct strbuf b;
	const char *s, *nl;
	int lines = 0;

	(void)state;
	sb_init(&b, 1 << 16);
	assert_int_equal(render_text(t, &b), 0);
	print_message("%s", sb_str(&b));
	for (s = sb_str(&b); (nl = strchr(s, '\n')) != NULL; s = nl + 1)
		lines++;
	assert_int_equal(lines, 4);	/* header, rule, two rows */
	assert_non_null(strstr(sb_str(&b), "Eve?event=forged  tab?here?"));
	assert_non_null(strstr(sb_str(&b), "?[31mred\n"));
	assert_non_null(strstr(sb_str(&b), "a?cba"));	/* no RLO */
	assert_non_null(strstr(sb_str(&b), "x?y"));
	assert_non_null(strstr(sb_str(&b), "??\n"));	/* DEL, NEL */
	assert_null(strchr(sb_str(&b), '\t'));
	assert_null(strchr(sb_str(&b), '\r'));
	sb_free(&b);
	render_table_free(t);
}

/*
 * A strict RFC 4180 reader: records end in CRLF, a quoted field is quoted
 * whole, "" is a quote inside one.  Returns the number of records, or -1
 * on any deviation.
 */
#define MAXREC	16
#define MAXFLD	4
#define FLDSZ	128
static int
csv_parse(const char *s, char out[MAXREC][MAXFLD][FLDSZ], int nf[MAXREC])
{
	int r = 0, f, quoted;
	size_t n;

	while (*s != '\0') {
		if (r == MAXREC)
			return -1;
		for (f = 0;; f++) {
			if (f == MAXFLD)
				return -1;
			n = 0;
			quoted = *s == '"';
			if (quoted)
				s++;
			for (;;) {
				if (*s == '\0')
					return -1;
				if (quoted && *s == '"' && s[1] == '"')
					s++;
				else if (quoted && *s == '"') {
					s++;
					break;
				} else if (!quoted && (*s == ',' ||
				    *s == '\r'))
					break;
				else if (!quoted && (*s == '"' || *s == '\n'))
					return -1;
				if (n + 1 == FLDSZ)
					return -1;
				out[r][f][n++] = *s++;
			}
			out[r][f][n] = '\0';
			if (*s == ',') {
				s++;
				continue;
			}
			if (s[0] == '\r' && s[1] == '\n') {
				s += 2;
				break;
			}
			return -1;	/* junk after a closing quote */
		}
		nf[r++] = f + 1;
	}
	return r;
}

static void
csv_round_trip(void **state)
{
	static const char *const rows[][4] = {
		{ "1", "Santoso, Budi", "say \"hi\"", "baris 1\r\nbaris 2" },
		{ "2", "=HYPERLINK(\"http://x\",\"klik\")", "+62 812 3456",
		    "-1" },
		{ "3", "@SUM(A1:A9)", "\tTAB", "lf\nonly" },
		{ "4", "Dédé", "", "a=b, c-d" },
	};
	static const char *const want[][4] = {
		{ "No", "Nama", "Unit Kerja", "Status" },
		{ "1", "Santoso, Budi", "say \"hi\"", "baris 1\r\nbaris 2" },
		{ "2", "'=HYPERLINK(\"http://x\",\"klik\")", "'+62 812 3456",
		    "'-1" },
		{ "3", "'@SUM(A1:A9)", "'\tTAB", "lf\nonly" },
		{ "4", "Dédé", "", "a=b, c-d" },
	};
	static char out[MAXREC][MAXFLD][FLDSZ];
	int nf[MAXREC], r, f;
	struct render_table *t = table(rows, NELEM(rows));
	struct strbuf b;

	(void)state;
	sb_init(&b, 1 << 16);
	assert_int_equal(render_csv(t, &b), 0);
	print_message("%s", sb_str(&b));
	assert_true(strncmp(sb_str(&b), "No,Nama,Unit Kerja,Status\r\n", 27) ==
	    0);
	assert_non_null(strstr(sb_str(&b), ",\"say \"\"hi\"\"\","));
	assert_int_equal(csv_parse(sb_str(&b), out, nf), (int)NELEM(want));
	for (r = 0; r < (int)NELEM(want); r++) {
		assert_int_equal(nf[r], 4);
		for (f = 0; f < 4; f++)
			assert_string_equal(out[r][f], want[r][f]);
	}
	/* the reader is strict: it refuses what it should */
	assert_int_equal(csv_parse("a,\"b\"x\r\n", out, nf), -1);
	assert_int_equal(csv_parse("a,b\n", out, nf), -1);
	assert_int_equal(csv_parse("a,\"b\r\n", out, nf), -1);
	sb_free(&b);
	render_table_free(t);
}

/*
 * Strict XML well-formedness for what render_html() may produce: one
 * <!DOCTYPE ...> first, elements properly nested with one root, attribute
 * values quoted, '&' only in the five entities or a character reference,
 * no '<' in text or values, no characters XML forbids.  0 or -1.
 */
static int
xml_check(const char *s, char *why, size_t whysz)
{
	char stack[32][16];
	int depth = 0, roots = 0;
	size_t n;
	const char *e;

	while (*s == ' ' || *s == '\n')
		s++;
	if (strncmp(s, "<!DOCTYPE html>", 15) != 0) {
		snprintf(why, whysz, "no doctype");
		return -1;
	}
	for (s += 15; *s != '\0'; s++) {
		if (*s == '&') {
			if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) &&
			    strncmp(s, "&gt;", 4) && strncmp(s, "&quot;", 6) &&
			    strncmp(s, "&#39;", 5)) {
				snprintf(why, whysz, "bad entity at %.20s", s);
				return -1;
			}
			continue;
		}
		if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
		    *s != '\r') {
			snprintf(why, whysz, "control character");
			return -1;
		}
		if (*s != '<')
			continue;
		if (s[1] == '/') {	/* end tag */
			s += 2;
			n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789");
			if (depth == 0 || n != strlen(stack[depth - 1]) ||
			    strncmp(s, stack[depth - 1], n) != 0 ||
			    s[n] != '>') {
				snprintf(why, whysz, "bad end tag %.20s", s);
				return -1;
			}
			depth--;
			s += n;
			continue;
		}
		s++;
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (n == 0 || n >= sizeof(stack[0])) {
			snprintf(why, whysz, "bad tag %.20s", s - 1);
			return -1;
		}
		if (depth == 0 && roots++ > 0) {
			snprintf(why, whysz, "second root element");
			return -1;
		}
		if (depth == (int)NELEM(stack)) {
			snprintf(why, whysz, "too deep");
			return -1;
		}
		memcpy(stack[depth], s, n);
		stack[depth][n] = '\0';
		s += n;
		for (;;) {	/* attributes */
			if (*s == '>') {
				depth++;
				break;
			}
			if (s[0] == ' ' && s[1] == '/' && s[2] == '>') {
				s += 2;
				break;
			}
			if (*s != ' ') {
				snprintf(why, whysz, "bad attribute %.20s", s);
				return -1;
			}
			s++;
			n = strspn(s, "abcdefghijklmnopqrstuvwxyz:-");
			if (n == 0 || s[n] != '=' || s[n + 1] != '"' ||
			    (e = strchr(s + n + 2, '"')) == NULL ||
			    memchr(s + n + 2, '<', (size_t)(e - s - n - 2))) {
				snprintf(why, whysz, "bad attribute %.20s", s);
				return -1;
			}
			s = e + 1;
		}
	}
	if (depth != 0 || roots != 1) {
		snprintf(why, whysz, "unclosed elements (%d)", depth);
		return -1;
	}
	return 0;
}

static int
have_xmllint(void)
{
	return system("command -v xmllint >/dev/null 2>&1") == 0;
}

/* xmllint's XML parser on doc: 0 well-formed, else not. */
static int
xmllint(const char *doc, int quiet)
{
	char path[] = "/tmp/kunci-test-render.XXXXXX", cmd[128];
	FILE *f;
	int fd, st;

	assert_int_not_equal(fd = mkstemp(path), -1);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(fputs(doc, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet %s%s", path,
	    quiet ? " 2>/dev/null" : "");
	st = system(cmd);
	unlink(path);
	return st;
}

static void
html_well_formed_and_escaped(void **state)
{
	static const char *const rows[][4] = {
		{ "1", "<script>alert('x')</script>", "a & b", "\"q\"" },
		{ "2", "Dédé\nbaris 2", "ctl\x01" "x",
		    "non\xef\xbf\xbe" "char" },
		{ "3", "&amp; stays text", "<b>bold</b>", "]]>" },
	};
	const struct render_header h = {
		.office = "Dinas Komunikasi & Informatika <Kabupaten> Contoh",
		.sop_name = "SOP Permintaan Akses \"Ruang Server\"",
		.sop_number = "800/012/'2024'",
		.title = "Formulir Daftar Akses",
		.printed = "12 Maret 2024",
		.lang = NULL,
	};
	static const char broken[] = "<!DOCTYPE html>\n<html><body><p><b>"
	    "x</p></b></body></html>\n";
	struct render_table *t = table(rows, NELEM(rows));
	struct strbuf b;
	const char *s;
	char why[128];

	(void)state;
	sb_init(&b, 1 << 20);
	assert_int_equal(render_html(t, &h, &b), 0);
	s = sb_str(&b);
	assert_true(strncmp(s, "<!DOCTYPE html>\n", 16) == 0);
	assert_non_null(strstr(s, "<meta charset=\"utf-8\" />"));
	assert_non_null(strstr(s, "@page { size: A4; margin: 20mm }"));
	assert_non_null(strstr(s, "<title>Formulir Daftar Akses</title>"));
	assert_non_null(strstr(s, "Dinas Komunikasi &amp; Informatika "
	    "&lt;Kabupaten&gt; Contoh"));
	assert_non_null(strstr(s, "SOP Permintaan Akses &quot;Ruang "
	    "Server&quot;"));
	assert_non_null(strstr(s, "Nomor SOP: 800/012/&#39;2024&#39;"));
	assert_non_null(strstr(s, "Dicetak: 12 Maret 2024"));
	assert_non_null(strstr(s, "<td>&lt;script&gt;alert(&#39;x&#39;)"
	    "&lt;/script&gt;</td>"));
	assert_non_null(strstr(s, "<td>&amp;amp; stays text</td>"));
	assert_non_null(strstr(s, "<td>Dédé\nbaris 2</td>"));
	assert_non_null(strstr(s, "<td>ctl" FFFD "x</td>"));
	assert_non_null(strstr(s, "<td>non" FFFD "char</td>"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<b>"));
	assert_true(valid_utf8(s));

	/* the checkers catch a broken document, then pass ours */
	assert_int_equal(xml_check(broken, why, sizeof(why)), -1);
	if (xml_check(s, why, sizeof(why)) != 0)
		fail_msg("not well-formed: %s", why);
	if (have_xmllint()) {
		assert_int_not_equal(xmllint(broken, 1), 0);
		assert_int_equal(xmllint(s, 0), 0);
	} else
		print_message("xmllint not installed (libxml2-utils): "
		    "checked by the built-in checker only\n");

	/* English labels; an empty table is still a whole document */
	render_table_free(t);
	t = table(rows, 0);
	sb_reset(&b);
	assert_int_equal(render_html(t, &(const struct render_header){
	    .title = "Access list", .sop_number = "7", .printed = "today",
	    .lang = "en" }, &b), 0);
	assert_non_null(strstr(sb_str(&b), "SOP number: 7"));
	assert_non_null(strstr(sb_str(&b), "Printed: today"));
	assert_non_null(strstr(sb_str(&b), "lang=\"en\""));
	assert_null(strstr(sb_str(&b), "class=\"office\""));
	if (xml_check(sb_str(&b), why, sizeof(why)) != 0)
		fail_msg("not well-formed: %s", why);
	if (have_xmllint())
		assert_int_equal(xmllint(sb_str(&b), 0), 0);
	sb_free(&b);
	render_table_free(t);
}

static void
json_round_trip(void **state)
{
	static const char *const rows[][4] = {
		{ "1", "Dédé \"Kurniawan\"", "Bidang\nAptika", "\x01tab\t" },
		{ "2", "", "Sekretariat", "Disetujui" },
	};
	struct render_table *t = table(rows, NELEM(rows));
	struct strbuf b;
	json_error_t jerr;
	json_t *root, *obj;
	const char *key;
	json_t *v;
	size_t r, c;

	(void)state;
	sb_init(&b, 1 << 16);
	assert_int_equal(render_json(t, &b), 0);
	print_message("%s", sb_str(&b));
	/* UTF-8 as is, two-space indent, one newline at the end */
	assert_non_null(strstr(sb_str(&b), "Dédé"));
	assert_true(strncmp(sb_str(&b), "[\n  {\n    \"no\": \"1\",\n", 21) ==
	    0);
	assert_int_equal(sb_str(&b)[b.len - 1], '\n');
	assert_int_not_equal(sb_str(&b)[b.len - 2], '\n');

	root = json_loads(sb_str(&b), 0, &jerr);
	if (root == NULL)
		fail_msg("json: %s at line %d", jerr.text, jerr.line);
	assert_true(json_is_array(root));
	assert_int_equal(json_array_size(root), NELEM(rows));
	for (r = 0; r < NELEM(rows); r++) {
		obj = json_array_get(root, r);
		assert_true(json_is_object(obj));
		assert_int_equal(json_object_size(obj), NELEM(cols));
		c = 0;
		json_object_foreach(obj, key, v) {	/* in column order */
			assert_string_equal(key, cols[c].key);
			assert_true(json_is_string(v));
			assert_string_equal(json_string_value(v), rows[r][c]);
			c++;
		}
	}
	json_decref(root);

	/* no rows: an empty array */
	render_table_free(t);
	t = table(rows, 0);
	sb_reset(&b);
	assert_int_equal(render_json(t, &b), 0);
	assert_string_equal(sb_str(&b), "[]\n");
	sb_free(&b);
	render_table_free(t);
}

static void
invalid_utf8_replaced(void **state)
{
	static const char *const rows[][4] = {
		{ "ab\xff" "cd", "\xc0\xaf", "\xed\xa0\x80", "x\xe2\x82" },
		{ "\xf4\x90\x80\x80", "\xe2\x82\xac ok", FFFD, "\x80" },
	};
	static const char *const clean[][4] = {
		{ "ab" FFFD "cd", FFFD FFFD, FFFD FFFD FFFD, "x" FFFD FFFD },
		{ FFFD FFFD FFFD FFFD, "\xe2\x82\xac ok", FFFD, FFFD },
	};
	static const struct render_column bad[] = {
		{ "a", "H\xff" }, { "b", "B" }, { "c", "C" }, { "d", "D" },
	};
	static char out[MAXREC][MAXFLD][FLDSZ];
	int nf[MAXREC];
	struct render_table *t;
	struct strbuf b;
	json_error_t jerr;
	json_t *root;
	size_t r, c;

	(void)state;
	assert_non_null(t = render_table_new(bad, NELEM(bad)));
	for (r = 0; r < NELEM(rows); r++)
		assert_int_equal(render_table_add_row(t, rows[r], 4), 0);
	sb_init(&b, 1 << 16);

	assert_int_equal(render_text(t, &b), 0);
	assert_true(valid_utf8(sb_str(&b)));
	assert_non_null(strstr(sb_str(&b), "H" FFFD));
	for (r = 0; r < NELEM(clean); r++)
		for (c = 0; c < 4; c++)
			assert_non_null(strstr(sb_str(&b), clean[r][c]));

	sb_reset(&b);
	assert_int_equal(render_csv(t, &b), 0);
	assert_true(valid_utf8(sb_str(&b)));
	assert_int_equal(csv_parse(sb_str(&b), out, nf), 3);
	assert_string_equal(out[0][0], "H" FFFD);
	for (r = 0; r < NELEM(clean); r++)
		for (c = 0; c < 4; c++)
			assert_string_equal(out[r + 1][c], clean[r][c]);

	sb_reset(&b);
	assert_int_equal(render_html(t, &(const struct render_header){
	    .office = "Kantor \xfe", .title = "T\xc3" }, &b), 0);
	assert_true(valid_utf8(sb_str(&b)));
	assert_non_null(strstr(sb_str(&b), "Kantor " FFFD));
	assert_non_null(strstr(sb_str(&b), "<title>T" FFFD "</title>"));
	for (r = 0; r < NELEM(clean); r++)
		for (c = 0; c < 4; c++)
			assert_non_null(strstr(sb_str(&b), clean[r][c]));

	sb_reset(&b);
	assert_int_equal(render_json(t, &b), 0);
	assert_non_null(root = json_loads(sb_str(&b), 0, &jerr));
	for (r = 0; r < NELEM(clean); r++)
		for (c = 0; c < 4; c++)
			assert_string_equal(json_string_value(json_object_get(
			    json_array_get(root, r), bad[c].key)),
			    clean[r][c]);
	json_decref(root);
	sb_free(&b);
	render_table_free(t);
}

static void
errors_and_limits(void **state)
{
	static const struct render_column badkey[] = { { "Nama", "Nama" } };
	static const struct render_column empty[] = { { "", "x" } };
	static const struct render_column digit[] = { { "1a", "x" } };
	static const struct render_column dup[] = {
		{ "a", "A" }, { "a", "B" },
	};
	static const struct render_column nohdr[] = { { "a", NULL } };
	static const char *const one[] = { "x" };
	static const char *const rows[][4] = {
		{ "1", NULL, "Sekretariat", "Disetujui" },
	};
	struct render_table *t;
	struct strbuf b;
	char v[8];
	const char *row[4] = { v, v, v, v };
	size_t i;

	(void)state;
	errno = 0;
	assert_null(render_table_new(badkey, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(render_table_new(empty, 1));
	assert_null(render_table_new(digit, 1));
	assert_null(render_table_new(dup, 2));
	assert_null(render_table_new(nohdr, 1));
	assert_null(render_table_new(cols, 0));
	render_table_free(NULL);

	t = table(rows, NELEM(rows));	/* NULL is an empty cell */
	errno = 0;
	assert_int_equal(render_table_add_row(t, one, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(render_table_nrows(t), 1);
	assert_int_equal(render_table_ncols(t), 4);

	/* growth: the copies, not the caller's buffer, are kept */
	for (i = 0; i < 200; i++) {
		snprintf(v, sizeof(v), "%zu", i);
		assert_int_equal(render_table_add_row(t, row, 4), 0);
	}
	assert_int_equal(render_table_nrows(t), 201);

	/* every renderer stops at the buffer's limit and says so */
	sb_init(&b, 256);
	assert_int_equal(render_text(t, &b), -1);
	assert_true(sb_err(&b));
	sb_reset(&b);
	assert_int_equal(render_csv(t, &b), -1);
	sb_reset(&b);
	assert_int_equal(render_html(t, NULL, &b), -1);
	sb_reset(&b);
	assert_int_equal(render_json(t, &b), -1);
	sb_free(&b);

	sb_init(&b, 1 << 20);
	assert_int_equal(render_csv(t, &b), 0);
	assert_non_null(strstr(sb_str(&b), "1,,Sekretariat,Disetujui\r\n"));
	assert_non_null(strstr(sb_str(&b), "\r\n0,0,0,0\r\n"));
	assert_non_null(strstr(sb_str(&b), "\r\n199,199,199,199\r\n"));
	sb_free(&b);
	render_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_alignment),
		cmocka_unit_test(text_controls_cannot_break_layout),
		cmocka_unit_test(csv_round_trip),
		cmocka_unit_test(html_well_formed_and_escaped),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(invalid_utf8_replaced),
		cmocka_unit_test(errors_and_limits),
	};
	int n = (int)NELEM(tests);
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%d passed, %d failed\n", n - failed, failed);
	return failed != 0;
}
