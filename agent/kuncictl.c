/*
 * kuncictl: the kunci command line.  It never talks to LDAP: it sends its
 * arguments to kuncid over the admin socket, prints the reply's stdout and
 * stderr text and exits with the reply's status (sysexits.h).  kuncid
 * learns who is asking from the kernel, not from anything sent here.
 *
 *	kuncictl [-s SOCKET] [--as USER] [--json] [--lang id|en] COMMAND ...
 *
 * The socket: -s, else $KUNCI_SOCKET, else /run/kunci/admin.sock.
 *
 * The language: --lang is sent only when the user typed it; without it
 * kuncid answers in the person's preferredLanguage in the directory, else
 * agent.language.  The shell's LANG (which ssh forwards from the client
 * machine) never overrides the directory: it is read only for kuncictl's
 * own messages, those it says without kuncid (kuncid not running, local
 * help, the local audit commands), as --lang, else LANGUAGE, LC_ALL,
 * LC_MESSAGES or LANG (the first that names id or en), else Indonesian.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "auditcli.h"
#include "doccli.h"
#include "i18n.h"
#include "proto.h"
#include "version.h"

/* kuncid's command tables as `help` prints them (Makefile: usage.h). */
static const char usage_text[] =
#include "usage.h"
    ;

#define DEFAULT_SOCKET	"/run/kunci/admin.sock"
#define DEADLINE_MS	60000	/* one request, sent and answered */

static int	local_en;	/* kuncictl's own messages in English */

static const char *
env_lang(void)
{
	static const char *vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES",
	    "LANG", NULL };
	const char *v;
	int i;

	for (i = 0; vars[i] != NULL; i++) {
		if ((v = getenv(vars[i])) == NULL || *v == '\0')
			continue;
		if (strncmp(v, "id", 2) == 0 && (v[2] == '\0' ||
		    v[2] == '_' || v[2] == '.' || v[2] == ':' || v[2] == '@'))
			return "id";
		if (strncmp(v, "en", 2) == 0 && (v[2] == '\0' ||
		    v[2] == '_' || v[2] == '.' || v[2] == ':' || v[2] == '@'))
			return "en";
	}
	return NULL;
}

/* The language the user typed (--lang X or --lang=X), or NULL. */
static const char *
typed_lang(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--lang=", 7) == 0)
			return argv[i] + 7;
	}
	return NULL;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * One request to kuncid for "audit verify" (its checkpoints): the reply's
 * status, stdout and stderr (malloc'd, or NULL).
 */
static const char *ask_path;

static int
ask_kuncid(int n, char **args, char **out, char **err)
{
	struct pbuf b;
	uint32_t type, status = EX_UNAVAILABLE;
	int fd, rc;

	*out = *err = NULL;
	if ((fd = connect_to(ask_path)) == -1) {
		fprintf(stderr, _("kuncictl: kuncid is not running (%s: %s)\n"),
		    ask_path, strerror(errno));
		return EX_UNAVAILABLE;
	}
	pbuf_init(&b, PROTO_MAX);
	if (proto_admin_encode(&b, n, args) != PROTO_OK ||
	    proto_send(fd, PROTO_T_ADMIN, &b, DEADLINE_MS) != PROTO_OK)
		goto out;
	pbuf_reset(&b);
	if ((rc = proto_recv(fd, &type, &b, DEADLINE_MS)) != PROTO_OK ||
	    type != PROTO_T_REPLY ||
	    proto_reply_decode(&b, &status, out, err) != PROTO_OK)
		status = EX_UNAVAILABLE;
out:
	close(fd);
	pbuf_free(&b);
	return (int)status;
}

/* One line of usage_text (with its newline), in kuncictl's language: its
 * notes are msgids (admin_help()), its command lines are not. */
static void
put_line(const char *p, size_t len)
{
	char line[1024];

	if (len >= sizeof(line)) {
		fwrite(p, 1, len, stdout);
		return;
	}
	memcpy(line, p, len);
	line[len] = '\0';
	fputs(i18n_tr(line), stdout);
}

/* Print the lines of usage_text that start with prefix ("  request "). */
static int
print_lines(const char *prefix, int print)
{
	const char *p, *e;
	size_t k = strlen(prefix);
	int n = 0;

	for (p = usage_text; *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			break;
		if (strncmp(p, prefix, k) == 0) {
			if (print)
				put_line(p, (size_t)(e - p) + 1);
			n++;
		}
	}
	return n;
}

/*
 * `help`, `--help`, `-h` and `COMMAND [SUB] --help` are answered here,
 * from the usage kuncid's tables printed at build time: they work with
 * kuncid down or not yet configured.  -1 when argv asks for no help.
 */
static int
local_help(int argc, char **argv)
{
	const char *w[2] = { NULL, NULL };
	char prefix[256];
	int i, nw = 0, help = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			help = 1;
		else if (strcmp(argv[i], "--as") == 0 ||
		    strcmp(argv[i], "--lang") == 0)
			i++;
		else if (argv[i][0] != '-' && nw < 2)
			w[nw++] = argv[i];
	}
	if (nw > 0 && strcmp(w[0], "help") == 0)
		help = 1, nw = 0;
	if (!help)
		return -1;
	if (nw == 0) {
		(void)print_lines("", 1);
		return fflush(stdout) == EOF ? EX_IOERR : EX_OK;
	}
	/* "request submit --help": that command; "check USER --help" or
	 * "request --help": every command of the word */
	if (nw == 2)
		snprintf(prefix, sizeof(prefix), "  %s %s ", w[0], w[1]);
	if (nw < 2 || print_lines(prefix, 0) == 0)
		snprintf(prefix, sizeof(prefix), "  %s ", w[0]);
	if (print_lines(prefix, 0) == 0) {
		fprintf(stderr, _("kuncictl: unknown command: %.40s; try: "
		    "kuncictl help\n"), w[0]);
		return EX_USAGE;
	}
	printf(_("usage: kuncictl [-s SOCKET] [--as USER] [--json] "
	    "[--lang id|en]\n"));
	(void)print_lines(prefix, 1);
	return fflush(stdout) == EOF ? EX_IOERR : EX_OK;
}

int
main(int argc, char *argv[])
{
	const char *path = getenv("KUNCI_SOCKET"), *lang;
	struct pbuf b;
	struct doccli dc;
	uint32_t type, status = EX_SOFTWARE;
	char **args, *out = NULL, *err = NULL;
	int i, n = 0, fd = -1, rc;

	if (path == NULL || *path == '\0')
		path = DEFAULT_SOCKET;
	argv++;
	argc--;
	if (argc >= 2 && strcmp(argv[0], "-s") == 0) {
		path = argv[1];
		argv += 2;
		argc -= 2;
	}
	/* kuncictl's own messages: --lang, else the environment, else
	 * Indonesian (kunci's default language).  Not sent to kuncid. */
	if ((lang = typed_lang(argc, argv)) == NULL)
		lang = env_lang();
	local_en = lang != NULL && strcmp(lang, "en") == 0;
	i18n_bind(&local_en);
	/* Answered here: it must work with kuncid down or not installed. */
	if (argc == 1 && strcmp(argv[0], "--version") == 0) {
		printf("kuncictl %s\n", KUNCI_VERSION);
		return EX_OK;
	}
	if ((rc = local_help(argc, argv)) != -1)
		return rc;
	if (argc == 0) {
		fprintf(stderr, _("usage: kuncictl [-s SOCKET] [--as USER] "
		    "[--json] [--lang id|en] COMMAND ...; try: kuncictl "
		    "help\n"));
		return EX_USAGE;
	}
	if (argc + 2 > PROTO_ARGC_MAX) {
		fprintf(stderr, _("kuncictl: too many arguments (at most %d)\n"),
		    PROTO_ARGC_MAX - 2);
		return EX_USAGE;
	}
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) > PROTO_ARG_MAX) {
			/* Name the option it belongs to (e.g. --reason): one
			 * word of the request is at most PROTO_ARG_MAX bytes,
			 * which bounds requests.max_reason too. */
			const char *opt = strncmp(argv[i], "--", 2) == 0 ?
			    argv[i] : i > 0 && strncmp(argv[i - 1], "--", 2) ==
			    0 ? argv[i - 1] : NULL;

			if (opt != NULL)
				fprintf(stderr, _("kuncictl: %.*s: too long: %zu "
				    "bytes, at most %d\n"), (int)strcspn(opt,
				    "="), opt, strlen(argv[i]), PROTO_ARG_MAX);
			else
				fprintf(stderr, _("kuncictl: argument %d too long "
				    "(at most %d bytes)\n"), i + 1,
				    PROTO_ARG_MAX);
			return EX_USAGE;
		}
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	/* "audit verify|search|export" read the caller's files: here. */
	if (auditcli_is_local(argc, argv)) {
		ask_path = path;
		return auditcli_main(argc, argv, ask_kuncid, lang);
	}
	if ((args = calloc((size_t)argc + 3, sizeof(*args))) == NULL) {
		fprintf(stderr, _("kuncictl: out of memory\n"));
		return EX_OSERR;
	}
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	pbuf_init(&b, PROTO_MAX);
	/* "doc": files are the caller's, handled here (doccli.h). */
	if (doccli_prepare(&dc, &n, args) == 1) {
		status = (uint32_t)dc.status;
		goto out;
	}

	if ((fd = connect_to(path)) == -1) {
		fprintf(stderr, _("kuncictl: kuncid is not running (%s: %s); "
		    "start it, as root, with: systemctl start kuncid\n"),
		    path, strerror(errno));
		status = EX_UNAVAILABLE;
		goto out;
	}
	if ((rc = proto_admin_encode(&b, n, args)) != PROTO_OK ||
	    (rc = proto_send(fd, PROTO_T_ADMIN, &b, DEADLINE_MS)) !=
	    PROTO_OK) {
		fprintf(stderr, _("kuncictl: sending to kuncid: %s\n"),
		    proto_strerror(rc));
		status = rc == PROTO_EPROTO ? EX_USAGE : EX_UNAVAILABLE;
		goto out;
	}
	pbuf_reset(&b);
	if ((rc = proto_recv(fd, &type, &b, DEADLINE_MS)) != PROTO_OK ||
	    type != PROTO_T_REPLY ||
	    (rc = proto_reply_decode(&b, &status, &out, &err)) != PROTO_OK) {
		/*
		 * The request went out whole: kuncid may have carried it out
		 * before it died or stalled.  Say so, with its own status,
		 * rather than "unavailable", which means nothing was done.
		 */
		fprintf(stderr, _("kuncictl: kuncid went away before answering "
		    "(%s); the command may have been carried out: check "
		    "(e.g. kuncictl request show ID) before repeating it\n"),
		    proto_strerror(rc != PROTO_OK ? rc : PROTO_EPROTO));
		status = EX_IOERR;
		goto out;
	}
	if (dc.active)
		status = (uint32_t)doccli_finish(&dc, status, out, err);
	else {
		fputs(out, stdout);
		fputs(err, stderr);
	}
	if (fflush(stdout) == EOF)
		status = EX_IOERR;
out:
	if (fd != -1)
		close(fd);
	/* A reply may carry a one-time password: wipe it (pbuf_free too). */
	if (out != NULL) {
		explicit_bzero(out, strlen(out));
		free(out);
	}
	free(err);
	free(args);
	pbuf_free(&b);
	return status > 255 ? EX_SOFTWARE : (int)status;
}
