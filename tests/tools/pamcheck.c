/*
 * pamcheck: run the account phase of a PAM service through the real
 * libpam, from a private configuration directory, for each user given.
 *
 *	pamcheck -d CONFDIR -s SERVICE [-r RHOST] [-t TTY] USER...
 *
 * Prints "USER RESULT" per user, RESULT being the PAM code's name
 * (PAM_SUCCESS, PAM_PERM_DENIED, ...); messages the modules sent to the
 * user go to stderr as "msg: TEXT".  A user given as "hex:..." is decoded
 * from hex first (so tests can pass control characters).  Exit 0 unless
 * the arguments are wrong or libpam cannot start.
 *
 * With PAMCHECK_SYSLOG=FILE in the environment, what the modules log
 * through pam_syslog() is appended to FILE as "authpriv MESSAGE" (the
 * facility name, then the text) instead of going to /dev/log: the test
 * machines run no syslog daemon, and the tests must read the module's
 * own records.  libpam formats the text and calls __syslog_chk() (Debian
 * builds it fortified); this program defines that symbol, which the
 * dynamic linker then binds libpam's call to.  Without the variable the
 * record goes to the system's syslog as usual.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <syslog.h>

#include <security/pam_appl.h>

void	__syslog_chk(int, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	const char *path = getenv("PAMCHECK_SYSLOG");
	va_list ap;
	FILE *f;

	(void)flag;
	va_start(ap, fmt);
	if (path == NULL || (f = fopen(path, "a")) == NULL) {
		vsyslog(pri, fmt, ap);
		va_end(ap);
		return;
	}
	fprintf(f, "%s ", (pri & LOG_FACMASK) == LOG_AUTHPRIV ? "authpriv" :
	    "other");
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
	va_end(ap);
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	int i;

	(void)data;
	if ((*resp = calloc((size_t)n, sizeof(**resp))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++)
		fprintf(stderr, "msg: %s\n", msg[i]->msg);
	return PAM_SUCCESS;
}

static const char *
code_name(int r)
{
	switch (r) {
	case PAM_SUCCESS: return "PAM_SUCCESS";
	case PAM_PERM_DENIED: return "PAM_PERM_DENIED";
	case PAM_AUTHINFO_UNAVAIL: return "PAM_AUTHINFO_UNAVAIL";
	case PAM_USER_UNKNOWN: return "PAM_USER_UNKNOWN";
	case PAM_IGNORE: return "PAM_IGNORE";
	case PAM_ACCT_EXPIRED: return "PAM_ACCT_EXPIRED";
	case PAM_NEW_AUTHTOK_REQD: return "PAM_NEW_AUTHTOK_REQD";
	case PAM_SERVICE_ERR: return "PAM_SERVICE_ERR";
	case PAM_SYSTEM_ERR: return "PAM_SYSTEM_ERR";
	case PAM_AUTH_ERR: return "PAM_AUTH_ERR";
	case PAM_MODULE_UNKNOWN: return "PAM_MODULE_UNKNOWN";
	}
	return "PAM_OTHER";
}

static char *
unhex(const char *s)
{
	size_t n = strlen(s) / 2, i;
	char *o = calloc(n + 1, 1);
	unsigned int c;

	if (o == NULL)
		exit(1);
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &c) != 1)
			exit(2);
		o[i] = (char)c;
	}
	return o;
}

int
main(int argc, char *argv[])
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *ph;
	const char *dir = NULL, *svc = NULL, *rhost = "192.0.2.1", *tty = NULL;
	char *user;
	int ch, r, i;

	while ((ch = getopt(argc, argv, "d:r:s:t:")) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'r': rhost = optarg; break;
		case 's': svc = optarg; break;
		case 't': tty = optarg; break;
		default: goto usage;
		}
	}
	if (dir == NULL || svc == NULL || optind >= argc)
		goto usage;
	for (i = optind; i < argc; i++) {
		user = strncmp(argv[i], "hex:", 4) == 0 ? unhex(argv[i] + 4) :
		    strdup(argv[i]);
		ph = NULL;
		if ((r = pam_start_confdir(svc, user, &c, dir, &ph)) !=
		    PAM_SUCCESS) {
			fprintf(stderr, "pam_start_confdir: %d\n", r);
			return 1;
		}
		pam_set_item(ph, PAM_RHOST, rhost);
		if (tty != NULL)
			pam_set_item(ph, PAM_TTY, tty);
		r = pam_acct_mgmt(ph, 0);
		pam_end(ph, r);
		printf("%s %s\n", argv[i], code_name(r));
		fflush(stdout);
		free(user);
	}
	return 0;
usage:
	fprintf(stderr, "usage: pamcheck -d confdir -s service [-r rhost] "
	    "[-t tty] user...\n");
	return 2;
}
