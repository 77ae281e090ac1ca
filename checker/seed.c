// SPDX-License-Identifier: GPL-2.0
/* The run's seed (seed.h), from the kernel's random bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "seed.h"

#define SEED_VAR	"KVMLAB_SEED"

static uint64_t seed_of_env(void)
{
	const char *s = getenv(SEED_VAR);

	return s && *s ? strtoull(s, NULL, 0) : 0;
}

/* splitmix64 (Steele, Lea, Flood): its published constants. */
#define MIX_GAMMA	0x9e3779b97f4a7c15ULL
#define MIX_M1		0xbf58476d1ce4e5b9ULL
#define MIX_M2		0x94d049bb133111ebULL

/* A good spread from consecutive inputs, in a few lines. */
static uint64_t mix(uint64_t x)
{
	x += MIX_GAMMA;
	x = (x ^ (x >> 30)) * MIX_M1;
	x = (x ^ (x >> 27)) * MIX_M2;
	return x ^ (x >> 31);
}

uint64_t seeded(uint64_t lo, uint64_t hi, uint32_t salt)
{
	return hi > lo ? lo + mix(seed_of_env() ^ mix(salt)) % (hi - lo) : lo;
}

uint64_t seed_draw(void)
{
	uint64_t seed = seed_of_env();
	char buf[32];

	/* Without random bytes (an old kernel, a seccomp filter): the clock. */
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = mix((uint64_t)ts.tv_sec ^ (uint64_t)ts.tv_nsec ^
			   (uint64_t)getpid());
	}
	seed += !seed;	/* 0 reads as "unset" */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)seed);
	setenv(SEED_VAR, buf, 1);
	return seed;
}
