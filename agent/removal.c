/*
 * removal.c: kuncictl's commands for removal requests, emergency revocation and expiry (procedure C3).
 */
#include <stddef.h>

#include "admin.h"

const struct admin_cmd removal_cmds[] = {
	{ NULL, NULL, NULL, NULL }
};
