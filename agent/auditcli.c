/*
 * auditcli.c: the command lines of "kuncictl audit verify|search|export"
 * (auditcli.h), run by kuncictl itself as the caller.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "auditcli.h"
#include "sign.h"

#define FILES_MAX	64
#define CP_FILE_MAX	(1024UL * 1024 * 1024)	/* a checkpoint file */

struct opts {
	const char	*files[FILES_MAX];
	int		 nfiles;
	int		 journal, json, nocp;
	const char	*checkpoints, *cert, *key, *out, *format;
	const char	*since, *until;
	const char	*as;		/* --as, passed on to kuncid */
	struct asearch	 q;
	FILE		*spool_in, *spool_j;	/* spool() */
};

int
auditcli_is_local(int argc, char **argv)
{
	int i;

	/* the first words that are not global options */
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--as") == 0 ||
		    strcmp(argv[i], "--lang") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		break;
	}
	return i + 1 < argc && strcmp(argv[i], "audit") == 0 &&
	    (strcmp(argv[i + 1], "verify") == 0 ||
	    strcmp(argv[i + 1], "search") == 0 ||
	    strcmp(argv[i + 1], "export") == 0 ||
	    strcmp(argv[i + 1], "checkpoints") == 0);
}

static int usage_err(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("kuncictl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EX_USAGE;
}

static int
parse(int argc, char **argv, int first, const char *cmd, struct opts *o)
{
	static const char *const valued[] = { "--checkpoints", "--cert",
	    "--key", "--out", "--format", "--since", "--until", "--person",
	    "--resource", "--request", "--grant", "--event", "--host",
	    "--lang", "--as", NULL };
	const char **dst;
	char *a, *v;
	int i, k, verify = strcmp(cmd, "verify") == 0,
	    export = strcmp(cmd, "export") == 0;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (i + 1 < argc && i == first) {	/* "audit" CMD */
			i++;
			continue;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (o->nfiles == FILES_MAX)
				return usage_err(AT("too many files (at most "
				    "64)%s", "terlalu banyak berkas (paling "
				    "banyak 64)%s"), "");
			o->files[o->nfiles++] = a;
			continue;
		}
		if (strcmp(a, "--journal") == 0) {
			o->journal = 1;
			continue;
		}
		if (strcmp(a, "--json") == 0 && !export) {
			o->json = 1;
			continue;
		}
		if (strcmp(a, "--no-checkpoints") == 0 && verify) {
			o->nocp = 1;
			continue;
		}
		for (k = 0; valued[k] != NULL; k++)
			if (strcmp(a, valued[k]) == 0)
				break;
		if (valued[k] == NULL)
			return usage_err(AT("audit: unknown option %s; try: "
			    "kuncictl audit --help", "audit: opsi tidak dikenal "
			    "%s; coba: kuncictl audit --help"), a);
		if (i + 1 >= argc)
			return usage_err(AT("%s needs a value",
			    "%s memerlukan nilai"), a);
		v = argv[++i];
		dst = NULL;
		if (strcmp(a, "--as") == 0)
			o->as = v;
		if (strcmp(a, "--lang") == 0 || strcmp(a, "--as") == 0)
			continue;
		if (verify && strcmp(a, "--checkpoints") == 0)
			dst = &o->checkpoints;
		else if ((verify || export) && strcmp(a, "--cert") == 0)
			dst = &o->cert;
		else if (export && strcmp(a, "--key") == 0)
			dst = &o->key;
		else if (export && strcmp(a, "--out") == 0)
			dst = &o->out;
		else if (export && strcmp(a, "--format") == 0)
			dst = &o->format;
		else if (!verify && strcmp(a, "--since") == 0)
			dst = &o->since;
		else if (!verify && strcmp(a, "--until") == 0)
			dst = &o->until;
		else if (!verify && strcmp(a, "--person") == 0)
			dst = &o->q.person;
		else if (!verify && strcmp(a, "--resource") == 0)
			dst = &o->q.resource;
		else if (!verify && strcmp(a, "--request") == 0)
			dst = &o->q.request;
		else if (!verify && strcmp(a, "--grant") == 0)
			dst = &o->q.grant;
		else if (!verify && strcmp(a, "--event") == 0)
			dst = &o->q.event;
		else if (!verify && strcmp(a, "--host") == 0)
			dst = &o->q.host;
		if (dst == NULL)
			return usage_err(AT("audit %s takes no option %s; try: "
			    "kuncictl audit --help", "audit %s tidak mengenal "
			    "opsi %s; coba: kuncictl audit --help"), cmd, a);
		if (*dst != NULL)
			return usage_err(AT("%s given twice",
			    "%s diberikan dua kali"), a);
		*dst = v;
	}
	if (o->since != NULL && arec_parse_time(o->since, 0, &o->q.since) ==
	    -1)
		return usage_err(AT("--since: not a time: %.40s (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM)", "--since: bukan waktu: %.40s "
		    "(YYYY-MM-DD atau YYYY-MM-DDTHH:MM)"), o->since);
	if (o->until != NULL && arec_parse_time(o->until, 1, &o->q.until) ==
	    -1)
		return usage_err(AT("--until: not a time: %.40s (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM)", "--until: bukan waktu: %.40s "
		    "(YYYY-MM-DD atau YYYY-MM-DDTHH:MM)"), o->until);
	if (o->q.host != NULL && !chain_host_ok(o->q.host))
		return usage_err(AT("--host: not a host name: %.64s",
		    "--host: bukan nama host: %.64s"), o->q.host);
	if (o->nfiles == 0 && !o->journal)
		return usage_err(AT("audit %s: name the records to read: FILE "
		    "(a syslog file, a journal export) or --journal",
		    "audit %s: sebutkan catatan yang dibaca: BERKAS (berkas "
		    "syslog, ekspor jurnal) atau --journal"), cmd);
	if (verify && o->nocp && (o->checkpoints != NULL || o->cert != NULL))
		return usage_err("%s", AT("--no-checkpoints with --checkpoints"
		    " or --cert", "--no-checkpoints bersama --checkpoints atau "
		    "--cert"));
	if (verify && !o->nocp && o->cert == NULL)
		return usage_err("%s", AT("audit verify: --cert CERT (the audit"
		    " certificate the checkpoints must verify with), or "
		    "--no-checkpoints", "audit verify: --cert SERTIFIKAT "
		    "(sertifikat audit untuk memeriksa titik periksa), atau "
		    "--no-checkpoints"));
	if (export) {
		if (o->out == NULL)
			return usage_err("%s", AT("audit export: --out FILE",
			    "audit export: --out BERKAS"));
		if (o->format == NULL)
			o->format = "csv";
		if (strcmp(o->format, "csv") != 0 &&
		    strcmp(o->format, "signed") != 0)
			return usage_err(AT("--format: csv or signed, not "
			    "%.20s", "--format: csv atau signed, bukan %.20s"),
			    o->format);
		if (strcmp(o->format, "signed") == 0 &&
		    (o->cert == NULL || o->key == NULL))
			return usage_err("%s", AT("--format signed: --cert CERT"
			    " --key KEY (who signs the export)", "--format "
			    "signed: --cert SERTIFIKAT --key KUNCI (penanda "
			    "tangan ekspor)"));
	}
	return EX_OK;
}

/*
 * Every source in order through fn.  Standard input and the journal
 * can be read once: a search that needs several passes copies them to
 * an unlinked temporary file first (spool()), and reads that again.
 */
static int
scan_all(struct opts *o, arec_fn fn, void *arg)
{
	char err[512];
	int i, r;

	for (i = 0; i < o->nfiles; i++) {
		if (strcmp(o->files[i], "-") == 0 && o->spool_in != NULL) {
			rewind(o->spool_in);
			r = arec_scan_stream("-", o->spool_in, fn, arg, err,
			    sizeof(err));
		} else
			r = arec_scan_file(o->files[i], fn, arg, err,
			    sizeof(err));
		if (r == -1) {
			fprintf(stderr, "kuncictl: %s\n", err);
			return EX_NOINPUT;
		}
	}
	if (o->journal) {
		if (o->spool_j != NULL) {
			rewind(o->spool_j);
			r = arec_scan_stream("journal", o->spool_j, fn, arg,
			    err, sizeof(err));
		} else
			r = arec_scan_journal(fn, arg, err, sizeof(err));
		if (r == -1) {
			fprintf(stderr, "kuncictl: %s\n", err);
			return EX_NOINPUT;
		}
	}
	return EX_OK;
}

/* The time of a file's first chained record of kuncid's (0: none). */
static int
first_time(const struct arec *r, void *arg)
{
	if (!r->chained || (r->tag[0] != '\0' && strcmp(r->tag, "kuncid") !=
	    0))
		return 0;
	*(time_t *)arg = r->t;
	return 1;
}

/*
 * Files in the order their records were written (the time their first
 * chained record was sealed), so "auth.log auth.log.1" is read oldest
 * first, as verify needs records in order.  Not with standard input,
 * whose place the caller chose.
 */
static void
order_files(struct opts *o)
{
	time_t t[FILES_MAX], tk;
	const char *fk;
	char err[512];
	int i, j;

	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i], "-") == 0)
			return;
	for (i = 0; i < o->nfiles; i++) {
		t[i] = 0;
		(void)arec_scan_file(o->files[i], first_time, &t[i], err,
		    sizeof(err));
	}
	for (i = 1; i < o->nfiles; i++) {	/* insertion sort: stable */
		tk = t[i];
		fk = o->files[i];
		for (j = i; j > 0 && t[j - 1] > tk; j--) {
			t[j] = t[j - 1];
			o->files[j] = o->files[j - 1];
		}
		t[j] = tk;
		o->files[j] = fk;
	}
}

static FILE *
spool_file(void)
{
	const char *d = getenv("TMPDIR");
	char path[4096];
	FILE *fp;
	int fd;

	if (d == NULL || d[0] == '\0')
		d = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/kuncictl.XXXXXX", d) >=
	    sizeof(path) || (fd = mkstemp(path)) == -1)
		return NULL;
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL)
		close(fd);
	return fp;
}

static int
copy_to(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) || fflush(to) == EOF ? -1 : 0;
}

/* Copy standard input and the journal, when read, for a second pass. */
static int
spool(struct opts *o)
{
	char err[512];
	pid_t pid;
	FILE *fp;
	int i, r;

	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i], "-") == 0 && o->spool_in == NULL &&
		    ((o->spool_in = spool_file()) == NULL ||
		    copy_to(stdin, o->spool_in) == -1)) {
			fprintf(stderr, "kuncictl: %s: %s\n", AT("copying "
			    "standard input", "menyalin masukan standar"),
			    strerror(errno));
			return EX_IOERR;
		}
	if (o->journal) {
		if ((o->spool_j = spool_file()) == NULL) {
			fprintf(stderr, "kuncictl: %s\n", strerror(errno));
			return EX_IOERR;
		}
		if (arec_journal_open(&pid, err, sizeof(err), &fp) == -1) {
			fprintf(stderr, "kuncictl: %s\n", err);
			return EX_NOINPUT;
		}
		r = copy_to(fp, o->spool_j);
		if (arec_journal_close(fp, pid, r, err, sizeof(err)) == -1) {
			fprintf(stderr, "kuncictl: %s\n", r == -1 ?
			    strerror(errno) : err);
			return EX_NOINPUT;
		}
	}
	return EX_OK;
}

static char *
slurp(const char *path, char *err, size_t errsz)
{
	FILE *fp;
	char *buf = NULL, *nv;
	size_t n = 0, cap = 0, k;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* grown as read: a year's checkpoints of a few hosts are tens of
	 * MiB, and nothing is allocated for what is not there */
	do {
		if (n + 65536 + 1 > cap) {
			cap = cap == 0 ? 131072 : cap * 2;
			if (cap > CP_FILE_MAX ||
			    (nv = realloc(buf, cap)) == NULL) {
				fclose(fp);
				free(buf);
				snprintf(err, errsz, "%s: %s", path, cap >
				    CP_FILE_MAX ? AT("too large", "terlalu "
				    "besar") : AT("out of memory",
				    "memori habis"));
				return NULL;
			}
			buf = nv;
		}
		k = fread(buf + n, 1, 65536, fp);
		n += k;
	} while (k > 0);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

#define CP_PAGES_MAX	100000

/*
 * "audit checkpoints [ARGS]" from kuncid, every page: kuncid answers a
 * page at a time, oldest first, each but the last ending in "# more:
 * --from N" (audit.c).  *text gets them all; on an error *kerr (kuncid's
 * words, may be NULL).  The status.
 */
static int
fetch_checkpoints(auditcli_ask_fn ask, const char *as, int nx, char **x,
    char **text, char **kerr)
{
	char *w[8 + FILES_MAX], from[24], *page, *m, *p, *all = NULL, *nv;
	size_t len = 0, pl;
	int n, i, st, pages;
	unsigned long long next;

	*text = *kerr = NULL;
	if (nx > FILES_MAX)
		return EX_USAGE;
	from[0] = '\0';
	for (pages = 0; pages < CP_PAGES_MAX; pages++) {
		n = 0;
		if (as != NULL) {
			w[n++] = (char *)(uintptr_t)"--as";
			w[n++] = (char *)(uintptr_t)as;
		}
		w[n++] = (char *)(uintptr_t)"audit";
		w[n++] = (char *)(uintptr_t)"checkpoints";
		for (i = 0; i < nx; i++)
			w[n++] = x[i];
		if (from[0] != '\0') {
			w[n++] = (char *)(uintptr_t)"--from";
			w[n++] = from;
		}
		page = NULL;
		if ((st = ask(n, w, &page, kerr)) != EX_OK) {
			free(page);
			free(all);
			return st;
		}
		free(*kerr);
		*kerr = NULL;
		/* the pages after the first without their heading line */
		p = page != NULL ? page : (char *)(uintptr_t)"";
		if (pages > 0 && *p == '#')
			p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0');
		pl = strlen(p);
		if ((nv = realloc(all, len + pl + 1)) == NULL) {
			free(page);
			free(all);
			return EX_OSERR;
		}
		all = nv;
		memcpy(all + len, p, pl);
		all[len + pl] = '\0';
		free(page);
		/* a page that is not the last says where the next begins;
		 * the marker itself is not kept */
		m = strstr(all + len, "# more: --from ");
		len += pl;
		if (m == NULL || (m != all && m[-1] != '\n') ||
		    sscanf(m, "# more: --from %llu", &next) != 1)
			break;
		len = (size_t)(m - all);
		all[len] = '\0';
		snprintf(from, sizeof(from), "%llu", next);
	}
	*text = all;
	return EX_OK;
}

/* "kuncictl audit checkpoints ...": every page, on standard output. */
static int
do_checkpoints(int argc, char **argv, int first, auditcli_ask_fn ask)
{
	const char *as = NULL;
	char *text = NULL, *kerr = NULL;
	int i, st;

	for (i = 0; i + 1 < first; i++)
		if (strcmp(argv[i], "--as") == 0)
			as = argv[i + 1];
	st = fetch_checkpoints(ask, as, argc - first - 2, argv + first + 2,
	    &text, &kerr);
	if (st != EX_OK)
		fprintf(stderr, "%s", kerr != NULL ? kerr : "");
	else
		fputs(text, stdout);
	free(text);
	free(kerr);
	if (fflush(stdout) == EOF)
		st = EX_IOERR;
	return st;
}

static int
do_verify(struct opts *o, auditcli_ask_fn ask)
{
	struct achecks C = { NULL, 0 };
	struct averify *v = NULL;
	char err[512], *text = NULL, *kerr = NULL;
	int st = EX_OK;

	if (!o->nocp) {
		if (o->checkpoints != NULL) {
			if ((text = slurp(o->checkpoints, err, sizeof(err))) ==
			    NULL) {
				fprintf(stderr, "kuncictl: %s\n", err);
				st = EX_NOINPUT;
				goto out;
			}
		} else {
			/* o->as: root acting for someone */
			if ((st = fetch_checkpoints(ask, o->as, 0, NULL, &text,
			    &kerr)) != EX_OK) {
				fprintf(stderr, "%s", kerr != NULL ? kerr : "");
				fprintf(stderr, "kuncictl: %s\n", AT("the "
				    "checkpoints could not be had from kuncid: "
				    "give a checkpoint file (--checkpoints FILE)"
				    " or --no-checkpoints", "titik periksa tidak "
				    "bisa diambil dari kuncid: berikan berkas "
				    "titik periksa (--checkpoints BERKAS) atau "
				    "--no-checkpoints"));
				goto out;
			}
		}
		if (acheck_parse(&C, text, err, sizeof(err)) == -1) {
			fprintf(stderr, "kuncictl: %s\n", err);
			st = EX_DATAERR;
			goto out;
		}
	}
	/* the signatures are checked before the records are read */
	if ((v = averify_new(o->nocp ? NULL : &C, o->cert, 0)) == NULL) {
		fprintf(stderr, "kuncictl: %s\n", AT("out of memory",
		    "memori habis"));
		st = EX_OSERR;
		goto out;
	}
	order_files(o);
	if ((st = scan_all(o, averify_add, v)) != EX_OK)
		goto out;
	st = averify_end(v, o->json, stdout);
	v = NULL;
out:
	if (v != NULL)
		averify_free(v);
	if (fflush(stdout) == EOF)
		st = EX_IOERR;
	free(text);
	free(kerr);
	acheck_free(&C);
	return st;
}

/* Print (or write as CSV) the records that match, in as many passes
 * as the links need. */
static int
search_to(struct opts *o, enum asel_fmt fmt, FILE *out, int *found)
{
	struct asel *s;
	int st, r, grew;

	if ((s = asel_new(&o->q, fmt, out)) == NULL) {
		fprintf(stderr, "kuncictl: %s\n", AT("out of memory",
		    "memori habis"));
		return EX_OSERR;
	}
	st = EX_OK;
	if (asel_linked(s) && (st = spool(o)) == EX_OK)
		do {
			if ((st = scan_all(o, asel_link, s)) != EX_OK)
				break;
			grew = asel_grew(s);
		} while (grew);
	if (st == EX_OK)
		st = scan_all(o, asel_out, s);
	r = asel_end(s);
	if (st == EX_OK && r == -1) {
		fprintf(stderr, "kuncictl: %s\n", strerror(errno));
		st = EX_IOERR;
	}
	*found = r == 0;
	return st;
}

static int
do_search(struct opts *o, int export)
{
	unsigned char *sig = NULL;
	char tmp[4096] = "", sigpath[4096], err[512], *data = NULL;
	size_t siglen, dlen = 0;
	FILE *fp = NULL;
	int st, fd = -1, found;

	if (!export) {
		st = search_to(o, o->json ? ASEL_JSON : ASEL_TEXT, stdout,
		    &found);
		goto out;
	}
	/* the export: written beside FILE and renamed, never half there */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", o->out) >=
	    sizeof(tmp) || (size_t)snprintf(sigpath, sizeof(sigpath),
	    "%s.p7s", o->out) >= sizeof(sigpath)) {
		st = usage_err("%s", AT("--out: too long",
		    "--out: terlalu panjang"));
		goto out;
	}
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w+")) == NULL) {
		fprintf(stderr, "kuncictl: %s: %s\n", o->out, strerror(errno));
		st = EX_CANTCREAT;
		goto out;
	}
	fd = -1;
	if ((st = search_to(o, ASEL_CSV, fp, &found)) != EX_OK)
		goto out;
	if (fflush(fp) == EOF) {
		fprintf(stderr, "kuncictl: %s: %s\n", o->out, strerror(errno));
		st = EX_IOERR;
		goto out;
	}
	if (strcmp(o->format, "signed") == 0) {
		long n;

		if ((n = ftell(fp)) < 0 || (size_t)n > SIGN_MAX_DATA ||
		    (data = malloc((size_t)n + 1)) == NULL ||
		    fseek(fp, 0, SEEK_SET) == -1 ||
		    fread(data, 1, (size_t)n, fp) != (size_t)n) {
			fprintf(stderr, "kuncictl: %s: %s\n", o->out,
			    AT("cannot read back the export",
			    "ekspor tidak bisa dibaca ulang"));
			st = EX_IOERR;
			goto out;
		}
		dlen = (size_t)n;
		if (sign_detached(o->cert, o->key, data, dlen, &sig, &siglen,
		    0, err, sizeof(err)) == -1) {
			fprintf(stderr, "kuncictl: %s\n", err);
			st = EX_DATAERR;
			goto out;
		}
	}
	if (fclose(fp) == EOF) {
		fp = NULL;
		st = EX_IOERR;
		goto out;
	}
	fp = NULL;
	if (sig != NULL) {
		char stmp[4200];
		int sfd;

		snprintf(stmp, sizeof(stmp), "%s.tmpXXXXXX", sigpath);
		if ((sfd = mkstemp(stmp)) == -1 ||
		    write(sfd, sig, siglen) != (ssize_t)siglen ||
		    close(sfd) == -1 || rename(stmp, sigpath) == -1) {
			fprintf(stderr, "kuncictl: %s: %s\n", sigpath,
			    strerror(errno));
			unlink(stmp);
			st = EX_CANTCREAT;
			goto out;
		}
	}
	if (rename(tmp, o->out) == -1) {
		fprintf(stderr, "kuncictl: %s: %s\n", o->out, strerror(errno));
		st = EX_CANTCREAT;
		goto out;
	}
	tmp[0] = '\0';
	if (sig != NULL)
		printf(AT("%s and its signature %s; check with:\n  openssl cms "
		    "-verify -binary -inform DER -content %s -in %s -CAfile "
		    "CERT -purpose any -out /dev/null\n", "%s dan tanda "
		    "tangannya %s; periksa dengan:\n  openssl cms -verify "
		    "-binary -inform DER -content %s -in %s -CAfile "
		    "SERTIFIKAT -purpose any -out /dev/null\n"), o->out,
		    sigpath, o->out, sigpath);
	st = EX_OK;
out:
	if (fp != NULL)
		fclose(fp);
	if (fd != -1)
		close(fd);
	if (export && tmp[0] != '\0' && st != EX_OK)
		unlink(tmp);
	free(data);
	free(sig);
	if (o->spool_in != NULL)
		fclose(o->spool_in);
	if (o->spool_j != NULL)
		fclose(o->spool_j);
	if (fflush(stdout) == EOF)
		st = EX_IOERR;
	return st;
}

int
auditcli_main(int argc, char **argv, auditcli_ask_fn ask, const char *lang)
{
	struct opts o;
	const char *cmd = NULL;
	int i, st, first = 0;

	auditcli_en = lang != NULL && strcmp(lang, "en") == 0;
	for (i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "--lang") == 0)
			auditcli_en = strcmp(argv[i + 1], "en") == 0;
	for (i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "audit") == 0) {
			cmd = argv[i + 1];
			first = i;
			break;
		}
	if (cmd == NULL)
		return EX_USAGE;
	if (strcmp(cmd, "checkpoints") == 0)
		return do_checkpoints(argc, argv, first, ask);
	if ((st = parse(argc, argv, first, cmd, &o)) != EX_OK)
		return st;
	if (strcmp(cmd, "verify") == 0)
		return do_verify(&o, ask);
	return do_search(&o, strcmp(cmd, "export") == 0);
}
