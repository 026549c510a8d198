/*
 * pamscan.c: pam_kunci's minimum_uid= in this host's PAM files against
 * provision.uid_min (see pamscan.h).
 *
 * A line is "TYPE CONTROL MODULE ARGS...": CONTROL may be a bracketed
 * list with spaces, so the module is found as the first word after it;
 * a '-' before TYPE (silently skipped when missing) is allowed.  Comment
 * and @include lines are not lines of pam_kunci.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "pamscan.h"
#include "util.h"

/* The module word of a PAM line (its start and length), or NULL. */
static const char *
module_word(const char *p, size_t *len)
{
	p += strspn(p, " \t");
	if (*p == '-')
		p++;
	p += strcspn(p, " \t");		/* type */
	p += strspn(p, " \t");
	if (*p == '[') {		/* [value=action ...] */
		if ((p = strchr(p, ']')) == NULL)
			return NULL;
		p++;
	} else
		p += strcspn(p, " \t");
	p += strspn(p, " \t");
	*len = strcspn(p, " \t");
	return *len > 0 ? p : NULL;
}

static int
is_pam_kunci(const char *m, size_t len)
{
	const char *b = m;
	size_t i;

	for (i = 0; i < len; i++)
		if (m[i] == '/')
			b = m + i + 1;
	return (size_t)(m + len - b) == 12 && strncmp(b, "pam_kunci.so", 12)
	    == 0;
}

/* 0, or -1 with err set when a line of buf is below the range. */
static int
scan(const struct kunci_cfg *cfg, const char *path, char *buf, char *err,
    size_t errsz)
{
	const char *m, *a, *e;
	char *line, *next;
	long long v;
	size_t len;
	int lineno = 0;

	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		a = line + strspn(line, " \t");
		if (*a == '#' || *a == '@' || *a == '\0')
			continue;
		if ((m = module_word(line, &len)) == NULL ||
		    !is_pam_kunci(m, len))
			continue;
		for (a = m + len; *a != '\0'; a = e) {
			a += strspn(a, " \t");
			e = a + strcspn(a, " \t");
			if (e - a <= 12 || strncmp(a, "minimum_uid=", 12) != 0)
				continue;
			{
				char num[24];
				size_t n = (size_t)(e - a - 12);

				if (n >= sizeof(num))
					continue;
				memcpy(num, a + 12, n);
				num[n] = '\0';
				if (u_strtonum(num, 0, LLONG_MAX, &v,
				    &(const char *){ NULL }) == -1)
					continue;
			}
			if (v > cfg->provision.uid_min) {
				snprintf(err, errsz, "%s:%d: pam_kunci's "
				    "minimum_uid=%lld is above provision.uid_min "
				    "%d in %s: pam_kunci would let panel accounts "
				    "in without a grant", path, lineno, v,
				    cfg->provision.uid_min, cfg->path);
				return -1;
			}
		}
	}
	return 0;
}

int
pamscan_check(const struct kunci_cfg *cfg, const char *dir, char *err,
    size_t errsz)
{
	char path[PATH_MAX], *buf = NULL;
	struct dirent *de;
	struct stat st;
	ssize_t n;
	DIR *d;
	int fd, rc = 0;

	if (dir == NULL)
		dir = PAMSCAN_DIR;
	if ((d = opendir(dir)) == NULL)
		return 0;
	if ((buf = malloc(PAMSCAN_FILE_MAX + 1)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", dir);
		closedir(d);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || snprintf(path, sizeof(path),
		    "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC)) == -1)
			continue;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_size > PAMSCAN_FILE_MAX ||
		    (n = read(fd, buf, PAMSCAN_FILE_MAX)) < 0) {
			close(fd);
			continue;
		}
		close(fd);
		buf[n] = '\0';
		rc = scan(cfg, path, buf, err, errsz);
	}
	closedir(d);
	free(buf);
	return rc;
}
