/*
 * review.c: kuncictl's commands for periodic access review (procedure C2).
 */
#include <stddef.h>

#include "admin.h"

const struct admin_cmd review_cmds[] = {
	{ NULL, NULL, NULL, NULL }
};
