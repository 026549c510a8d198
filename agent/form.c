/*
 * form.c: official forms laid out for A4; see form.h.
 *
 * The layout follows how Indonesian local government prints a formulir:
 * a centred kop in capitals over a double rule, the SOP's identity as a
 * small boxed table, the title centred in capitals, "label : value" rows
 * without borders, then "Tempat, tanggal" on the right above the
 * signature blocks, each centred in its column, the name bold and
 * underlined over "NIP. ...".  Widths are fixed in millimetres where a
 * value must never wrap (numbers, dates, NIP), so nothing breaks digit by
 * digit.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "util.h"

static const char *const months_id[] = { "Januari", "Februari", "Maret",
    "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
    "November", "Desember" };
static const char *const months_en[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };

/*
 * A month's name, i in 0..11.  Not (en ? a : b)[i]: gcc 12's
 * -fsanitize=object-size reports that form as a load out of bounds
 * (a false report, but make asan must stay clean).
 */
static const char *
month(int en, int i)
{
	if (i < 0 || i > 11)
		return "?";
	return en ? months_en[i] : months_id[i];
}

void
form_date(char *buf, size_t sz, time_t t, int en, int with_time)
{
	struct tm tm;

	if (sz == 0)
		return;
	buf[0] = '\0';
	if (t == 0 || localtime_r(&t, &tm) == NULL)
		return;
	if (with_time)
		snprintf(buf, sz, "%d %s %d %02d:%02d %s", tm.tm_mday,
		    month(en, tm.tm_mon),
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		    tm.tm_zone != NULL ? tm.tm_zone : "");
	else
		snprintf(buf, sz, "%d %s %d", tm.tm_mday,
		    month(en, tm.tm_mon),
		    tm.tm_year + 1900);
}

void
form_ymd(char *buf, size_t sz, const char *ymd, int en)
{
	int y, m, d;

	if (ymd == NULL || *ymd == '\0' ||
	    u_parse_date(ymd, &y, &m, &d) == -1) {
		snprintf(buf, sz, "%s", ymd != NULL && *ymd ? ymd : "-");
		return;
	}
	snprintf(buf, sz, "%d %s %d", d, month(en, m - 1),
	    y);
}

void
form_nip(char *buf, size_t sz, const char *raw)
{
	char d[19];
	size_t n = 0;
	const char *p;

	for (p = raw; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == 18) {
			n = 99;
			break;
		}
		d[n++] = *p;
	}
	if (n != 18) {
		snprintf(buf, sz, "%s", raw);
		return;
	}
	snprintf(buf, sz, "%.8s %.6s %.1s %.3s", d, d + 8, d + 14, d + 15);
}

static int
is_en(const struct form_doc *d)
{
	return d->lang != NULL && strncmp(d->lang, "en", 2) == 0;
}

static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* ------------------------------------------------------------- HTML */

static const char css[] =
    "@page { size: A4; margin: 10mm 12mm 10mm 16mm }\n"
    "@page wide { size: A4 landscape; margin: 12mm 12mm 12mm 12mm }\n"
    "body { font: 9pt/1.2 Arial, \"Liberation Sans\", \"DejaVu Sans\", "
    "sans-serif; color: #000; margin: 0 }\n"
    "body.wide section { page: wide }\n"
    "section + section { break-before: page; page-break-before: always }\n"
    ".kop { text-align: center; border-bottom: 3pt double #000; "
    "padding-bottom: 1.5mm; margin-bottom: 3mm }\n"
    ".kop p { margin: 0 }\n"
    ".gov { font-size: 11pt; font-weight: bold; text-transform: uppercase }\n"
    ".dinas { font-size: 14pt; font-weight: bold; "
    "text-transform: uppercase }\n"
    ".contact { font-size: 8pt }\n"
    "table { border-collapse: collapse }\n"
    "table.sop { width: 100%; font-size: 7.5pt; table-layout: fixed; "
    "margin-bottom: 3mm }\n"
    "table.sop th, table.sop td { border: 0.5pt solid #000; "
    "padding: 0.6mm 1.2mm; text-align: left; vertical-align: top; "
    "font-weight: normal }\n"
    "table.sop th { width: 24mm; background: #eee }\n"
    "h1 { font-size: 11.5pt; text-align: center; text-transform: uppercase; "
    "text-decoration: underline; margin: 2mm 0 0 }\n"
    ".number { text-align: center; margin: 0.5mm 0 3mm }\n"
    ".procedure { text-align: center; margin: 0; font-size: 8.5pt }\n"
    "table.fields { width: 100%; margin-bottom: 2mm }\n"
    "table.fields td { padding: 0.2mm 1mm; vertical-align: top }\n"
    "table.fields td.l { width: 48mm }\n"
    "table.fields td.c { width: 3mm }\n"
    "h2 { font-size: 9.5pt; margin: 2mm 0 1mm }\n"
    "table.grid { width: 100%; font-size: 7.5pt; margin-bottom: 1mm }\n"
    "table.grid thead { display: table-header-group }\n"
    "table.grid tr { break-inside: avoid; page-break-inside: avoid }\n"
    "table.grid th, table.grid td { border: 0.5pt solid #000; "
    "padding: 0.6mm 1mm; text-align: left; vertical-align: top; "
    "white-space: pre-wrap; overflow-wrap: normal; word-break: normal; "
    "hyphens: none }\n"
    "table.grid th { background: #e6e6e6; text-align: center }\n"
    "col.c-no { width: 7mm }\n"
    "col.c-time, col.c-date, col.c-in, col.c-out { width: 26mm }\n"
    "col.c-standard { width: 17mm } col.c-nip { width: 33mm }\n"
    "col.c-validity { width: 34mm }\n"
    "col.c-sign { width: 22mm }\n"
    "table.grid td.sign { height: 9mm }\n"
    ".empty { font-style: italic }\n"
    ".place { text-align: right; margin: 1mm 6mm 0 0 }\n"
    "table.sig { width: 100%; table-layout: fixed; margin-top: 1mm; "
    "break-inside: avoid; page-break-inside: avoid }\n"
    "table.sig td { text-align: center; vertical-align: top; "
    "padding: 0 2mm 1mm }\n"
    ".sig p { margin: 0 }\n"
    ".decision { font-size: 7pt; font-style: italic; height: 6mm }\n"
    ".jabatan { height: 7mm; font-size: 8pt }\n"
    ".space { height: 9mm }\n"
    ".name { font-weight: bold; text-decoration: underline }\n"
    ".nip, .nowrap { white-space: nowrap }\n"
    ".notice { border: 1pt solid #000; padding: 1mm 2mm; font-size: 6.5pt; "
    "margin-top: 1mm; break-inside: avoid; page-break-inside: avoid }\n"
    ".notice p { margin: 0 }\n"
    ".notice .fp { font-family: \"DejaVu Sans Mono\", monospace; "
    "overflow-wrap: anywhere }\n"
    ".printed { font-size: 7pt; margin-top: 2mm }\n"
    "@media print { th { -webkit-print-color-adjust: exact; "
    "print-color-adjust: exact } }\n";

static void
tag(struct strbuf *b, const char *open, const char *s, const char *close)
{
	sb_puts(b, open);
	render_html_put(b, s);
	sb_puts(b, close);
}

static void
html_sop(struct strbuf *b, const struct form_part *p, int en)
{
	const char *const *a = p->sop_approver;

	if (!set(p->sop_name))
		return;
	sb_puts(b, "<table class=\"sop\">\n<tr>");
	tag(b, "<th>", en ? "SOP name" : "Nama SOP", "</th>");
	tag(b, "<td>", p->sop_name, "</td>");
	tag(b, "<th>", en ? "SOP number" : "Nomor SOP", "</th>");
	tag(b, "<td class=\"nowrap\">", set(p->sop_number) ? p->sop_number :
	    "-", "</td></tr>\n<tr>");
	tag(b, "<th>", en ? "Date made" : "Tanggal Pembuatan", "</th>");
	tag(b, "<td>", set(p->sop_made) ? p->sop_made : "-", "</td>");
	tag(b, "<th>", en ? "Date revised" : "Tanggal Revisi", "</th>");
	tag(b, "<td>", set(p->sop_revised) ? p->sop_revised : "-",
	    "</td></tr>\n<tr>");
	tag(b, "<th>", en ? "Effective" : "Tanggal Efektif", "</th>");
	tag(b, "<td>", set(p->sop_effective) ? p->sop_effective : "-",
	    "</td>");
	tag(b, "<th>", en ? "Approved by" : "Disahkan oleh", "</th><td>");
	if (set(a[0]) || set(a[1])) {
		if (set(a[0]))
			tag(b, "", a[0], "<br />");
		if (set(a[1]))
			tag(b, "<b>", a[1], "</b>");
		if (set(a[2]))
			tag(b, "<br />", a[2], "");
		if (set(a[3]))
			tag(b, "<br /><span class=\"nip\">NIP. ", a[3],
			    "</span>");
	} else
		sb_puts(b, "-");
	sb_puts(b, "</td></tr>\n</table>\n");
}

static void
html_sigs(struct strbuf *b, const struct form_part *p, int en)
{
	size_t i, j;

	for (i = 0; i < p->nsigs; i = j) {
		for (j = i; j < p->nsigs && p->sigs[j].row == p->sigs[i].row;
		    j++)
			;
		sb_puts(b, "<table class=\"sig\"><tr>\n");
		for (; i < j; i++) {
			const struct form_sig *s = &p->sigs[i];

			sb_puts(b, "<td class=\"sig\">");
			tag(b, "<p>", set(s->caption) ? s->caption : "",
			    "</p>");
			tag(b, "<p class=\"jabatan\">", set(s->jabatan) ?
			    s->jabatan : "", "</p>");
			tag(b, "<p class=\"decision\">", set(s->decision) ?
			    s->decision : "", "</p>");
			sb_puts(b, "<div class=\"space\"></div>");
			tag(b, "<p class=\"name\">", set(s->name) ? s->name :
			    "(..............................)", "</p>");
			if (s->nip != NULL)
				tag(b, "<p class=\"nip\">NIP. ", set(s->nip) ?
				    s->nip : "..............................",
				    "</p>");
			sb_puts(b, "</td>\n");
		}
		sb_puts(b, "</tr></table>\n");
	}
	(void)en;
}

static void	html_tail(struct strbuf *, const struct form_doc *);

static void
html_part(struct strbuf *b, const struct form_doc *d,
    const struct form_part *p, int last)
{
	int en = is_en(d);
	size_t i;

	sb_puts(b, "<section>\n<header class=\"kop\">\n");
	if (set(d->government))
		tag(b, "<p class=\"gov\">", d->government, "</p>\n");
	if (set(d->office))
		tag(b, "<p class=\"dinas\">", d->office, "</p>\n");
	if (set(d->contact))
		tag(b, "<p class=\"contact\">", d->contact, "</p>\n");
	sb_puts(b, "</header>\n");
	html_sop(b, p, en);
	tag(b, "<h1>", p->title != NULL ? p->title : "", "</h1>\n");
	if (set(p->procedure))
		tag(b, "<p class=\"procedure\">", p->procedure, "</p>\n");
	if (set(p->number))
		tag(b, "<p class=\"number\">", p->number, "</p>\n");
	else
		sb_puts(b, "<p class=\"number\"></p>\n");
	if (p->nfields > 0) {
		sb_puts(b, "<table class=\"fields\">\n");
		for (i = 0; i < p->nfields; i++) {
			tag(b, "<tr><td class=\"l\">", p->fields[i].label,
			    "</td><td class=\"c\">:</td>");
			tag(b, "<td>", p->fields[i].value != NULL ?
			    p->fields[i].value : "", "</td></tr>\n");
		}
		sb_puts(b, "</table>\n");
	}
	if (p->table != NULL) {
		if (set(p->table_title))
			tag(b, "<h2>", p->table_title, "</h2>\n");
		render_html_table(p->table, "grid", b);
		if (render_table_nrows(p->table) == 0 && set(p->table_empty))
			tag(b, "<p class=\"empty\">", p->table_empty,
			    "</p>\n");
	}
	if (set(p->place_date))
		tag(b, "<p class=\"place\">", p->place_date, "</p>\n");
	html_sigs(b, p, en);
	if (last)
		html_tail(b, d);
	sb_puts(b, "</section>\n");
}

int
form_html(const struct form_doc *d, struct strbuf *b)
{
	const char *lang = d->lang != NULL ? d->lang : "id";
	size_t i;

	sb_puts(b, "<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"");
	render_html_put(b, lang);
	sb_puts(b, "\" xml:lang=\"");
	render_html_put(b, lang);
	sb_puts(b, "\">\n<head>\n<meta charset=\"utf-8\" />\n");
	tag(b, "<title>", d->title != NULL ? d->title : "", "</title>\n");
	sb_puts(b, "<style>\n");
	sb_puts(b, css);
	sb_puts(b, "</style>\n</head>\n");
	sb_puts(b, d->landscape ? "<body class=\"wide\">\n" : "<body>\n");
	for (i = 0; i < d->nparts; i++)
		html_part(b, d, &d->parts[i], i + 1 == d->nparts);
	sb_puts(b, "</body>\n</html>\n");
	return sb_err(b) ? -1 : 0;
}

/* Inside the last section: a line outside would start a page of its own
 * (another named page than the landscape sections'). */
static void
html_tail(struct strbuf *b, const struct form_doc *d)
{
	size_t i;

	if (d->nnotice > 0) {
		sb_puts(b, "<div class=\"notice\">\n");
		for (i = 0; i < d->nnotice; i++)
			tag(b, i == 0 ? "<p><b>" : strncmp(d->notice[i],
			    "SHA-256", 7) == 0 ? "<p class=\"fp\">" : "<p>",
			    d->notice[i], i == 0 ? "</b></p>\n" : "</p>\n");
		sb_puts(b, "</div>\n");
	}
	if (set(d->printed))
		tag(b, "<p class=\"printed\">", d->printed, "</p>\n");
}

/* ------------------------------------------------------------- text */

static void
line(struct strbuf *b, const char *label, const char *value)
{
	if (!set(value))
		return;
	if (label != NULL)
		sb_printf(b, "%-22s: %s\n", label, value);
	else
		sb_printf(b, "%s\n", value);
}

int
form_text(const struct form_doc *d, struct strbuf *b)
{
	int en = is_en(d);
	size_t i, k;

	for (k = 0; k < d->nparts; k++) {
		const struct form_part *p = &d->parts[k];
		const char *const *a = p->sop_approver;

		if (k > 0)
			sb_puts(b, "\f\n");
		line(b, NULL, d->government);
		line(b, NULL, d->office);
		line(b, NULL, d->contact);
		sb_puts(b, "\n");
		line(b, en ? "SOP name" : "Nama SOP", p->sop_name);
		if (set(p->sop_name)) {
			line(b, en ? "SOP number" : "Nomor SOP",
			    set(p->sop_number) ? p->sop_number : "-");
			line(b, en ? "Date made" : "Tanggal Pembuatan",
			    p->sop_made);
			line(b, en ? "Date revised" : "Tanggal Revisi",
			    p->sop_revised);
			line(b, en ? "Effective" : "Tanggal Efektif",
			    p->sop_effective);
			if (set(a[1]))
				sb_printf(b, "%-22s: %s, %s%s%s%s%s\n",
				    en ? "Approved by" : "Disahkan oleh",
				    set(a[0]) ? a[0] : "", a[1],
				    set(a[2]) ? ", " : "", set(a[2]) ? a[2] :
				    "", set(a[3]) ? ", NIP. " : "",
				    set(a[3]) ? a[3] : "");
		}
		sb_puts(b, "\n");
		line(b, NULL, p->title);
		line(b, NULL, p->procedure);
		line(b, NULL, p->number);
		sb_puts(b, "\n");
		for (i = 0; i < p->nfields; i++)
			sb_printf(b, "%-30s: %s\n", p->fields[i].label,
			    p->fields[i].value != NULL ? p->fields[i].value :
			    "");
		if (p->table != NULL) {
			sb_puts(b, "\n");
			line(b, NULL, p->table_title);
			render_text(p->table, b);
			if (render_table_nrows(p->table) == 0)
				line(b, NULL, p->table_empty);
		}
		sb_puts(b, "\n");
		line(b, NULL, p->place_date);
		for (i = 0; i < p->nsigs; i++) {
			const struct form_sig *s = &p->sigs[i];

			sb_printf(b, "\n%s %s\n", set(s->caption) ?
			    s->caption : "", set(s->jabatan) ? s->jabatan : "");
			if (set(s->decision))
				sb_printf(b, "  %s\n", s->decision);
			sb_printf(b, "  %s\n", set(s->name) ? s->name :
			    "(..............................)");
			if (s->nip != NULL)
				sb_printf(b, "  NIP. %s\n", set(s->nip) ?
				    s->nip : "..............................");
		}
	}
	if (d->nnotice > 0) {
		sb_puts(b, "\n");
		for (i = 0; i < d->nnotice; i++)
			sb_printf(b, "%s\n", d->notice[i]);
	}
	if (set(d->printed))
		sb_printf(b, "\n%s\n", d->printed);
	return sb_err(b) ? -1 : 0;
}
