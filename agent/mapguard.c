/*
 * mapguard.c: see mapguard.h.
 */
#include <sys/mman.h>

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "mapguard.h"

/* start 0: a free slot.  Read by the handler without a lock. */
static struct {
	uintptr_t	start, end;
	int		hit;
} slots[MAPGUARD_SLOTS];
static uintptr_t	pagemask;
static int		installed;

static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct sigaction sa;
	uintptr_t a = (uintptr_t)si->si_addr, s, e;
	int i;

	(void)uc;
	for (i = 0; i < MAPGUARD_SLOTS; i++) {
		s = __atomic_load_n(&slots[i].start, __ATOMIC_ACQUIRE);
		e = __atomic_load_n(&slots[i].end, __ATOMIC_ACQUIRE);
		if (s == 0 || a < s || a >= e)
			continue;
		/* the store or load is retried on a zero page of our own */
		if (mmap((void *)(a & pagemask), ~pagemask + 1, PROT_READ |
		    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		    0) == MAP_FAILED)
			break;
		__atomic_store_n(&slots[i].hit, 1, __ATOMIC_RELEASE);
		return;
	}
	/* not ours: the default action when the access is retried */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}

int
mapguard_init(void)
{
	struct sigaction sa;
	long ps;

	if (__atomic_load_n(&installed, __ATOMIC_ACQUIRE))
		return 0;
	if ((ps = sysconf(_SC_PAGESIZE)) <= 0)
		return -1;
	pagemask = ~((uintptr_t)ps - 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) == -1)
		return -1;
	__atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
	return 0;
}

int
mapguard_add(void *addr, size_t len)
{
	uintptr_t zero;
	int i;

	for (i = 0; i < MAPGUARD_SLOTS; i++) {
		zero = 0;
		/* claim the slot with end first, then publish start */
		if (!__atomic_compare_exchange_n(&slots[i].end, &zero,
		    (uintptr_t)addr + len, 0, __ATOMIC_ACQ_REL,
		    __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&slots[i].hit, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&slots[i].start, (uintptr_t)addr,
		    __ATOMIC_RELEASE);
		return i;
	}
	return -1;
}

void
mapguard_del(int slot)
{
	if (slot < 0 || slot >= MAPGUARD_SLOTS)
		return;
	__atomic_store_n(&slots[slot].start, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&slots[slot].end, 0, __ATOMIC_RELEASE);
}

int
mapguard_hit(int slot)
{
	if (slot < 0 || slot >= MAPGUARD_SLOTS)
		return 0;
	return __atomic_load_n(&slots[slot].hit, __ATOMIC_ACQUIRE);
}
