/*
 * doc.c: kuncictl's commands for the SOP forms as documents, and their CMS
 * signatures (doc/forms.md has the user's view).
 *
 *	doc request ID | access-list RESOURCE | review CAMPAIGN |
 *	    removal ID | guest-book MONTH|VISIT | visit VISIT
 *	    [--format text|csv|html|json] [--sign]
 *	    (txt: an alias of text, as everywhere in kuncictl)
 *	doc ca		the trust anchor (signing.ca), PEM, for verifiers
 *
 * docform.c decides what each form says; form.c lays it out (the
 * office's letterhead from the config's office section, the SOP identity
 * from the workflow, fields, a table, the signature blocks), in the
 * caller's language (--lang; Indonesian by default).  CSV and JSON carry
 * the form's table (a form without one: its fields as item/value rows).
 *
 * Signing: kuncid holds the key, kuncictl runs as an ordinary user, so with
 * --sign kuncid renders the document with a visible notice (who asked for
 * the signature, the certificate's subject, issuer, serial and SHA-256
 * fingerprint, how to verify), signs its exact bytes (sign.h: detached
 * CMS, DER) and answers with an envelope on stdout:
 *
 *	kunci-signed-document 1 <document length>\n
 *	<the document, that many bytes>
 *	<the signature, base64 of the DER, one line>\n
 *
 * kuncictl (doccli.c) only expects the envelope when it sent --sign, and
 * writes the document to --out FILE and the signature to FILE.p7s.  The
 * signature covers exactly the bytes written, notice included.  Verifying
 * needs no secret, so kuncictl does it itself against the anchor "doc ca"
 * returns (or --ca).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <openssl/evp.h>

#include "admin.h"
#include "cmdtab.h"
#include "cfg.h"
#include "docform.h"
#include "form.h"
#include "i18n.h"
#include "kuncid.h"
#include "log.h"
#include "render.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

#define DOC_MAX		(2u * 1024 * 1024)	/* one rendered form */
#define NOTICE_LINES	6

enum fmt { F_TXT, F_CSV, F_HTML, F_JSON };

/* The fields of the first part as a table, for CSV and JSON. */
static struct render_table *
fields_table(const struct doc *d)
{
	static const struct render_column cols[] = {
		{ "item", "item" }, { "value", "value" } };
	const struct form_part *p = &d->parts[0].p;
	struct render_table *t;
	const char *cells[2];
	size_t i;

	if ((t = render_table_new(cols, 2)) == NULL)
		return NULL;
	for (i = 0; d->nparts > 0 && i < p->nfields; i++) {
		cells[0] = p->fields[i].label;
		cells[1] = p->fields[i].value;
		if (render_table_add_row(t, cells, 2) == -1) {
			render_table_free(t);
			return NULL;
		}
	}
	return t;
}

static int
render_doc(struct doc *d, enum fmt fmt, const char *const *notice,
    size_t nnotice, struct strbuf *b)
{
	struct admin_call *c = d->c;
	const struct cfg_office *o = &c->ctx->cfg->office;
	struct form_part parts[DOC_PARTS];
	struct form_doc fd;
	struct render_table *t;
	char now[64], contact[1600];
	const char *who;
	size_t i;
	int rc;

	if (fmt == F_CSV || fmt == F_JSON) {
		/* request, removal, visit: the fields, not the steps */
		if (d->nparts == 1 && d->parts[0].p.nfields > 0 &&
		    d->parts[0].p.number != NULL &&
		    strcmp(d->title, d->parts[0].p.title) == 0 &&
		    d->flat != NULL &&
		    render_table_ncols(d->flat) == 6) {
			if ((t = fields_table(d)) == NULL)
				return -1;
			rc = fmt == F_CSV ? render_csv(t, b) :
			    render_json(t, b);
			render_table_free(t);
			return rc;
		}
		if (d->flat == NULL)
			return 0;
		return fmt == F_CSV ? render_csv(d->flat, b) :
		    render_json(d->flat, b);
	}
	memset(&fd, 0, sizeof(fd));
	for (i = 0; i < d->nparts; i++)
		parts[i] = d->parts[i].p;
	fd.parts = parts;
	fd.nparts = d->nparts;
	fd.lang = d->en ? "en" : "id";
	fd.government = o->government;
	fd.office = o->name;
	snprintf(contact, sizeof(contact), "%s%s%s%s%s%s%s%s%s%s%s",
	    o->address, o->address[0] && o->phone[0] ? " · " : "",
	    o->phone[0] ? (d->en ? "Phone " : "Telp. ") : "", o->phone,
	    (o->address[0] || o->phone[0]) && o->email[0] ? " · " : "",
	    o->email, (o->address[0] || o->phone[0] || o->email[0]) &&
	    o->website[0] ? " · " : "", o->website, "", "", "");
	fd.contact = contact;
	fd.title = d->title;
	fd.landscape = d->landscape;
	fd.notice = notice;
	fd.nnotice = nnotice;
	form_date(now, sizeof(now), time(NULL), d->en, 1);
	who = c->a.person ? doc_keep(d, "%s (%s)", c->a.p.cn, c->a.p.uid) :
	    c->caller;
	fd.printed = doc_keep(d, "%s %s %s %s.", d->en ? "Printed" :
	    "Dicetak", now, d->en ? "by" : "oleh", who);
	if (fmt == F_HTML)
		return form_html(&fd, b);
	return form_text(&fd, b);
}

/*
 * The visible notice of a signed copy: what the signature is, whose
 * certificate made it (subject, issuer, serial, fingerprint), who asked
 * for it and when, how to check it, and the law that makes it evidence.
 */
static int
sign_notice(struct doc *d, const char **lines, size_t *n)
{
	struct admin_call *c = d->c;
	const struct cfg_signing *s = &c->ctx->cfg->signing;
	struct sign_cert_info ci;
	char err[512], now[64];
	const struct doc_official *o = c->a.person ?
	    doc_person(d, c->a.p.uid) : NULL;

	if (sign_cert_info(s->certificate, &ci, err, sizeof(err)) == -1)
		return admin_err(c, EX_CONFIG, _("signing certificate: "
		    "%s"), err);
	form_date(now, sizeof(now), time(NULL), d->en, 1);
	lines[0] = d->en ? "This document is signed electronically." :
	    "Dokumen ini ditandatangani secara elektronik.";
	lines[1] = doc_keep(d, d->en ? "Signer: %s (electronic certificate "
	    "issued by %s, serial %s, valid until %s)." : "Penanda tangan: "
	    "%s (sertifikat elektronik diterbitkan oleh %s, nomor seri %s, "
	    "berlaku sampai %s).", ci.subject, ci.issuer, ci.serial,
	    ci.not_after);
	lines[2] = doc_keep(d, "SHA-256 %s: %s", d->en ?
	    "fingerprint of the certificate" : "sidik jari sertifikat",
	    ci.sha256);
	lines[3] = doc_keep(d, d->en ? "Signed at the request of %s%s%s%s "
	    "on %s." : "Ditandatangani atas permintaan %s%s%s%s pada %s.",
	    o != NULL && o->found ? o->cn : c->caller,
	    o != NULL && o->found && o->nip[0] ? ", NIP. " : "",
	    o != NULL && o->found ? o->nip : "",
	    o != NULL && o->found && o->title[0] ? doc_keep(d, ", %s",
	    o->title) : "", now);
	lines[4] = d->en ? "The detached CMS signature (FILE.p7s) covers "
	    "exactly the bytes of this file. Check it with: kuncictl doc "
	    "verify FILE FILE.p7s, or openssl cms -verify -binary -inform DER "
	    "-content FILE -in FILE.p7s -CAfile CA.pem -purpose any." :
	    "Tanda tangan CMS terpisah (FILE.p7s) mencakup persis isi berkas "
	    "ini. Periksa dengan: kuncictl doc verify FILE FILE.p7s, atau "
	    "openssl cms -verify -binary -inform DER -content FILE -in "
	    "FILE.p7s -CAfile CA.pem -purpose any.";
	lines[5] = d->en ? "Law 11/2008 on Electronic Information and "
	    "Transactions, art. 5(1): electronic information and documents "
	    "and their printouts are valid legal evidence." :
	    "UU ITE No. 11 Tahun 2008 Pasal 5 ayat 1: Informasi Elektronik "
	    "dan/atau Dokumen Elektronik dan/atau hasil cetaknya merupakan "
	    "alat bukti hukum yang sah.";
	*n = NOTICE_LINES;
	return EX_OK;
}

static int
sign_out(struct admin_call *c, const struct strbuf *doc)
{
	const struct cfg_signing *s = &c->ctx->cfg->signing;
	unsigned char *sig = NULL, *b64 = NULL;
	size_t siglen = 0;
	char err[512];
	int st = EX_OK;

	if (sign_detached(s->certificate, s->key, doc->s, doc->len, &sig,
	    &siglen, 0, err, sizeof(err)) == -1) {
		st = admin_err(c, EX_SOFTWARE, _("signing failed: %s"),
		    err);
		/* the log in English: sign.c recorded it (i18n.h) */
		log_warnx("doc: signing failed: %s", i18n_en(err));
		free(sig);
		return st;
	}
	if ((b64 = malloc(4 * ((siglen + 2) / 3) + 1)) == NULL) {
		st = admin_err(c, EX_OSERR, _("out of memory"));
		goto out;
	}
	EVP_EncodeBlock(b64, sig, (int)siglen);
	sb_printf(&c->out, "kunci-signed-document 1 %zu\n", doc->len);
	sb_add(&c->out, doc->s, doc->len);
	sb_printf(&c->out, "%s\n", (char *)b64);
out:
	free(sig);
	free(b64);
	return st;
}

static int
cmd_form(struct admin_call *c, int argc, char **argv, const char *kind)
{
	const char *format = NULL, *notice[NOTICE_LINES], *limit_s = NULL,
	    *offset_s = NULL, *es;
	int sign = 0, npos, st;
	long long limit = DOC_REVIEW_PAGE, offset = 0;
	char *pos[1];
	struct admin_opt opts[] = {
		{ "format", &format, NULL }, { "sign", NULL, &sign },
		{ "offset", &offset_s, NULL }, { "limit", &limit_s, NULL },
		{ NULL, NULL, NULL }
	};
	struct doc d;
	struct strbuf doc;
	enum fmt fmt = F_TXT;
	size_t nnotice = 0;

	memset(&d, 0, sizeof(d));
	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &npos)) != EX_OK)
		return st;
	if (npos != 1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl doc %s %s "
		    "[--format text|csv|html|json] [--sign --out FILE]"), kind,
		    strcmp(kind, "access-list") == 0 ? "RESOURCE" :
		    strcmp(kind, "review") == 0 ? "CAMPAIGN" :
		    strcmp(kind, "guest-book") == 0 ? "YYYY-MM|VISIT" :
		    strcmp(kind, "visit") == 0 ? "VISIT" : "ID");
	if ((offset_s != NULL || limit_s != NULL) &&
	    strcmp(kind, "review") != 0)
		return admin_err(c, EX_USAGE, "--offset and --limit are for "
		    "doc review only");
	if (limit_s != NULL && u_strtonum(limit_s, 1, DOC_REVIEW_MAX, &limit,
	    &es) == -1)
		return admin_err(c, EX_USAGE, "bad --limit: %.40s (1-%d)",
		    limit_s, DOC_REVIEW_MAX);
	if (offset_s != NULL && u_strtonum(offset_s, 0, DOC_OFFSET_MAX,
	    &offset, &es) == -1)
		return admin_err(c, EX_USAGE, "bad --offset: %.40s (0-%d)",
		    offset_s, DOC_OFFSET_MAX);
	if (format == NULL && c->json)
		format = "json";
	if (format == NULL || strcmp(format, "text") == 0 ||
	    strcmp(format, "txt") == 0) {
		fmt = F_TXT;
		format = "text";
	} else if (strcmp(format, "csv") == 0)
		fmt = F_CSV;
	else if (strcmp(format, "html") == 0)
		fmt = F_HTML;
	else if (strcmp(format, "json") == 0)
		fmt = F_JSON;
	else
		return admin_err(c, EX_USAGE, _("--format: text, csv or html "
		    "(or json), not %.20s"), format);
	if (sign && c->ctx->cfg->signing.certificate[0] == '\0')
		return admin_err(c, EX_CONFIG, _("signing is not configured "
		    "(signing.certificate, key, ca)"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = docform_build(&d, c, kind, pos[0], (size_t)offset,
	    (size_t)limit)) != EX_OK)
		goto out;
	if (sign && (fmt == F_HTML || fmt == F_TXT) &&
	    (st = sign_notice(&d, notice, &nnotice)) != EX_OK)
		goto out;
	sb_init(&doc, DOC_MAX);
	if (render_doc(&d, fmt, notice, nnotice, &doc) == -1 ||
	    sb_err(&doc) || d.oom) {
		sb_free(&doc);
		st = admin_err(c, EX_SOFTWARE, _("document too large"));
		goto out;
	}
	if (sign)
		st = sign_out(c, &doc);
	else
		sb_add(&c->out, doc.s != NULL ? doc.s : "", doc.len);
	if (st == EX_OK)
		log_audit("doc.render", "actor", c->a.person ? c->a.p.uid :
		    c->caller, "as", c->a.as, "document", kind, "id", pos[0],
		    "format", format, "signed",
		    sign ? "yes" : "no", NULL);
	sb_free(&doc);
out:
	docform_free(&d);
	return st;
}

static int
cmd_request(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "request");
}

static int
cmd_access_list(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "access-list");
}

static int
cmd_review(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "review");
}

static int
cmd_removal(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "removal");
}

static int
cmd_guest_book(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "guest-book");
}

static int
cmd_visit(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "visit");
}

/* The trust anchor, public: kuncictl verifies against it. */
static int
cmd_ca(struct admin_call *c, int argc, char **argv)
{
	const char *ca = c->ctx->cfg->signing.ca;
	char buf[8192];
	size_t n;
	FILE *fp;

	(void)argv;
	if (argc != 1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl doc ca"));
	if (ca[0] == '\0')
		return admin_err(c, EX_CONFIG, _("signing is not configured "
		    "(signing.ca)"));
	if ((fp = fopen(ca, "re")) == NULL)
		return admin_err(c, EX_CONFIG, _("cannot read %s"), ca);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 &&
	    c->out.len < 1024 * 1024)
		sb_add(&c->out, buf, n);
	fclose(fp);
	return EX_OK;
}

/* Reached only when kuncictl did not handle "doc verify" itself. */
static int
cmd_verify(struct admin_call *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return admin_err(c, EX_USAGE, _("doc verify is done by kuncictl: "
	    "kuncictl doc verify FILE SIGNATURE [--ca CAFILE]"));
}

static int
cmd_unknown(struct admin_call *c, int argc, char **argv)
{
	return admin_err(c, EX_USAGE, _("unknown document type: %.40s "
	    "(request, access-list, review, removal, guest-book, visit)"),
	    argc >= 2 ? argv[1] : "");
}

const struct admin_cmd doc_cmds[] = {
	{ "doc", "request", cmd_request, "ID [--format text|csv|html|json] "
	    "[--sign --out FILE]" },
	{ "doc", "access-list", cmd_access_list, "RESOURCE [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "review", cmd_review, "CAMPAIGN [--format F] "
	    "[--offset N] [--limit N] [--sign --out FILE]" },
	{ "doc", "removal", cmd_removal, "ID [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "guest-book", cmd_guest_book, "YYYY-MM|VISIT [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "visit", cmd_visit, "VISIT [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "verify", cmd_verify, "FILE SIGNATURE [--ca CAFILE]" },
	{ "doc", "ca", cmd_ca, "" },
	{ "doc", NULL, cmd_unknown, "(any other word: an error)" },
	{ NULL, NULL, NULL, NULL }
};
