/*
 * visit_route.c: the Kasi's network-or-server check of SOP B step 2 as a
 * routing (issue 15 item 8).  The visit's purpose (network or servers),
 * stated at the request and confirmed or changed by the Kasi at the check
 * (visit approve --purpose), picks the administrator who approves entry,
 * records the exit and secures the room: visits.route ("network:ROLE",
 * "servers:ROLE") replaces visits.route_role on the visit's steps.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "visit_route.h"
#include "wf.h"

int
visit_route_valid(const char *purpose)
{
	return purpose != NULL && (strcmp(purpose, "network") == 0 ||
	    strcmp(purpose, "servers") == 0);
}

const char *
visit_route_role(const struct kunci_cfg *cfg, const char *role,
    const char *purpose)
{
	size_t i, n;

	if (cfg->visits.route_role == NULL ||
	    cfg->visits.route_role[0] == '\0' ||
	    strcmp(role, cfg->visits.route_role) != 0 || purpose == NULL)
		return role;
	n = strlen(purpose);
	for (i = 0; i < cfg->visits.nroute; i++)
		if (strncmp(cfg->visits.route[i], purpose, n) == 0 &&
		    cfg->visits.route[i][n] == ':')
			return cfg->visits.route[i] + n + 1;
	return role;
}

int
visit_route_set(struct wf *w, const char *dn, const char *state, int step,
    const char *purpose)
{
	struct dir_mods m;
	char filter[128];
	int st;

	if (!visit_route_valid(purpose))
		return wf_fail(w, EX_DATAERR, _("--purpose: network or "
		    "servers, not %.40s"), purpose);
	snprintf(filter, sizeof(filter), "(&(kunciState=%s)"
	    "(kunciStepIndex=%d))", state, step);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciPurpose", purpose);
	st = m.err ? wf_fail(w, EX_OSERR, _("out of memory")) :
	    wf_modify_asserted(w, dn, filter, &m, _("updating the visit"));
	dir_mods_free(&m);
	return st;
}
