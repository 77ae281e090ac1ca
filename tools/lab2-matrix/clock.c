// SPDX-License-Identifier: GPL-2.0
/* Time: the clocks agree with each other and move forward; sleeps sleep. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "check.h"


#define NSEC_PER_SEC	1000000000LL
#define SLEEP_NS	20000000LL

static long long ns(const struct timespec *t)
{
	return t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

int main(void)
{
	struct timespec a, b, rt, res, nap = { 0, SLEEP_NS };
	struct timeval tv;
	struct tms tms;
	char when[64];
	time_t now;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	CHECK(nanosleep(&nap, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	printf("slept enough %d\n", ns(&b) - ns(&a) >= SLEEP_NS);
	CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
	CHECK(gettimeofday(&tv, NULL) == 0);
	now = time(NULL);
	printf("realtime sane %d\n", rt.tv_sec > 1600000000 &&
	       llabs((long long)now - rt.tv_sec) <= 1 &&
	       llabs((long long)tv.tv_sec - rt.tv_sec) <= 1);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
	printf("res fine %d\n", res.tv_sec == 0 && res.tv_nsec <= 1000000);
	CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0);
	printf("cputime ok %d\n", a.tv_sec >= 0);
	CHECK(times(&tms) != (clock_t)-1);
	usleep(1000);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL) == 0);
	now = 0;
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", gmtime(&now));
	printf("epoch %s\n", when);
	return 0;
}
