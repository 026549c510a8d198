/*
 * pambench: pam_acct_mgmt latency and throughput through the real libpam.
 *
 *	pambench -d CONFDIR -s SERVICE -c CASES [-n CHECKS] [-p PROCS]
 *	    [-m loaded|cycle] [-x kunci|ldap|permit]
 *
 * CASES is a file of "USER KIND" lines, KIND one of allow, deny, unknown.
 * Each process walks the cases round-robin (from a different offset) for
 * CHECKS checks and checks every answer against what the system under test
 * must say for that kind (-x: kunci denies unknown users with
 * PAM_PERM_DENIED, pam_ldap answers PAM_USER_UNKNOWN, pam_permit allows
 * all).  "loaded" keeps one PAM handle, and with it the module, loaded and
 * only changes PAM_USER between checks; "cycle" runs pam_start_confdir,
 * pam_acct_mgmt and pam_end for each check.
 *
 * Prints one line: mode procs checks wrong p50_us p99_us checks_per_s.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

struct bcase {
	char	*user;
	int	 want;
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	(void)msg;
	(void)data;
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp == NULL ? PAM_BUF_ERR : PAM_SUCCESS;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL, *svc = NULL, *casef = NULL, *mode = "loaded";
	const char *sys = "kunci";
	struct pam_conv c = { conv, NULL };
	struct bcase *cs = NULL;
	size_t ncs = 0, cap = 0;
	long n = 10000, i, total;
	int procs = 1, ch, p, r, loaded;
	double *lat, t0, t1, a, *wrong;
	char line[256], u[200], k[32];
	FILE *fp;
	pam_handle_t *ph = NULL;

	while ((ch = getopt(argc, argv, "c:d:m:n:p:s:x:")) != -1) {
		switch (ch) {
		case 'c': casef = optarg; break;
		case 'd': dir = optarg; break;
		case 'm': mode = optarg; break;
		case 'n': n = atol(optarg); break;
		case 'p': procs = atoi(optarg); break;
		case 's': svc = optarg; break;
		case 'x': sys = optarg; break;
		default: return 2;
		}
	}
	if (dir == NULL || svc == NULL || casef == NULL || n < 1 ||
	    procs < 1 || procs > 64)
		return 2;
	loaded = strcmp(mode, "loaded") == 0;
	if ((fp = fopen(casef, "r")) == NULL)
		return 2;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%199s %31s", u, k) != 2)
			continue;
		if (ncs == cap) {
			cap = cap ? cap * 2 : 1024;
			cs = realloc(cs, cap * sizeof(*cs));
		}
		cs[ncs].user = strdup(u);
		if (strcmp(sys, "permit") == 0 || strcmp(k, "allow") == 0)
			cs[ncs].want = PAM_SUCCESS;
		else if (strcmp(k, "unknown") == 0 && strcmp(sys, "ldap") == 0)
			cs[ncs].want = PAM_USER_UNKNOWN;
		else
			cs[ncs].want = PAM_PERM_DENIED;
		ncs++;
	}
	fclose(fp);
	if (ncs == 0)
		return 2;
	total = n * procs;
	lat = mmap(NULL, (size_t)total * sizeof(double), PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	wrong = mmap(NULL, 64 * sizeof(double), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (lat == MAP_FAILED || wrong == MAP_FAILED)
		return 1;
	t0 = now_us();
	for (p = 0; p < procs; p++) {
		if (fork() != 0)
			continue;
		if (loaded && pam_start_confdir(svc, cs[0].user, &c, dir,
		    &ph) != PAM_SUCCESS)
			_exit(1);
		for (i = 0; i < n; i++) {
			struct bcase *b = &cs[(size_t)(i * 7 + p * 13) % ncs];

			a = now_us();
			if (loaded) {
				pam_set_item(ph, PAM_USER, b->user);
				r = pam_acct_mgmt(ph, PAM_SILENT);
			} else {
				ph = NULL;
				pam_start_confdir(svc, b->user, &c, dir, &ph);
				r = pam_acct_mgmt(ph, PAM_SILENT);
				pam_end(ph, r);
			}
			lat[p * n + i] = now_us() - a;
			if (r != b->want) {
				if (wrong[p] < 3)
					fprintf(stderr, "wrong: %s got %d "
					    "want %d\n", b->user, r, b->want);
				wrong[p]++;
			}
		}
		if (loaded)
			pam_end(ph, PAM_SUCCESS);
		_exit(0);
	}
	for (p = 0; p < procs; p++)
		wait(NULL);
	t1 = now_us();
	qsort(lat, (size_t)total, sizeof(double), cmp_d);
	for (p = 1; p < procs; p++)
		wrong[0] += wrong[p];
	printf("%s procs=%d checks=%ld wrong=%.0f p50_us=%.1f p99_us=%.1f "
	    "checks_per_s=%.0f\n", mode, procs, total, wrong[0],
	    lat[total / 2], lat[(long)(total * 0.99)],
	    total / ((t1 - t0) / 1e6));
	return wrong[0] != 0;
}
