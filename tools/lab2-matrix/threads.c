// SPDX-License-Identifier: GPL-2.0
/* Threads: pthread_create and join, a mutex, thread-local storage. */
#include <pthread.h>
#include <stdio.h>

#define THREADS	4
#define ROUNDS	10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int mine;

static void *work(void *arg)
{
	int i;

	mine = (int)(long)arg;
	for (i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(long)(mine * 2);
}

int main(void)
{
	pthread_t t[THREADS];
	long sum = 0;
	void *ret;
	int i;

	mine = 100;
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, work, (void *)(long)i)) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		sum += (long)ret;
	}
	printf("counter %ld sum %ld mine %d\n", counter, sum, mine);
	return 0;
}
