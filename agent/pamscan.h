/*
 * pamscan.h: kuncid -t reads this host's PAM service files for
 * pam_kunci's minimum_uid= and refuses a panel-account uid range below
 * it (issue 20): pam_kunci lets an account under minimum_uid in without
 * asking kuncid, so such a panel account would need no grant.
 *
 * Reads files only (no LDAP, no policy): the base layer.
 */
#ifndef KUNCI_PAMSCAN_H
#define KUNCI_PAMSCAN_H

#include <stddef.h>

struct kunci_cfg;

#define PAMSCAN_DIR		"/etc/pam.d"
#define PAMSCAN_FILE_MAX	(64 * 1024)	/* larger files are skipped */

/*
 * Every regular file in dir (PAMSCAN_DIR when NULL; a missing directory
 * is no error): an active line naming pam_kunci.so whose minimum_uid=N
 * is above provision.uid_min is an error, err "file:line: ...".  Returns
 * 0, or -1 with err set.
 */
int	pamscan_check(const struct kunci_cfg *, const char *dir, char *err,
	    size_t errsz);

#endif /* KUNCI_PAMSCAN_H */
