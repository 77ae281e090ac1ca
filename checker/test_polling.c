// SPDX-License-Identifier: GPL-2.0
/*
 * Task 3's driver against a concurrent device, on KVM. Whether the
 * VMM's poll thread and device serve a patient driver is asked of
 * checker/unit (poll_bench.c, the probe "poll-bench"): the judge links
 * no code of the VMM.
 */
#include <stdio.h>
#include <string.h>

#include "rubric.h"
#include "tests.h"
#include "unit_driver.h"

#define RACE_RUNS	5
#define WHY_MAX		256


/*
 * Task 3's driver against a concurrent device: the run under polling
 * may fail for the driver's sake only if the device and its thread
 * serve a careful driver well, and the same driver works over exits.
 */
START_TEST(test_driver_concurrent)
{
	enum probe_answer answer;
	struct vmm_run r;
	unsigned int i;

	/* A race may go either way: a few runs, to the first that fails. */
	for (i = 0; i < RACE_RUNS; i++) {
		VMM(&r, VMM_TIMEOUT_ARG, "--poll", "simvirtio");
		assert_ran(&r);
		if (r.status || !strstr(r.out, "message acknowledged: ACK 14\n"))
			break;
	}
	if (i == RACE_RUNS)
		return;
	/* The unit test's verdict on the thread first; else, ask. */
	answer = unit_result("polling/unit", "test_poll_thread");
	if (answer == PROBE_UNKNOWN) {
		char why[WHY_MAX];

		answer = unit_probe("poll-bench", why, sizeof(why));
	}
	if (answer == PROBE_FAILED)
		return;		/* the polling item's to answer for */
	/*
	 * A register access refused under polling, from a driver that the
	 * item's other tests run over exits: the exit transport's control
	 * registers, which the driver's polling part (task 4) must not use.
	 */
	if (strstr(r.err, "ERR_ACCESS"))
		return;
	require("svio.driver_concurrent", false,
		"the guest driver fails against a device that runs concurrently with it (--poll), though that device serves a careful driver: does the driver wait for each status the device must reach, and publish head only after the data? got %s",
		r.summary);
}
END_TEST

void polling_tests(void)
{
	tcase_add_test(rubric_tcase("simvirtio", KVM), test_driver_concurrent);
}
