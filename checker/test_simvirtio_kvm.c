// SPDX-License-Identifier: GPL-2.0
/*
 * SIMVIRTIO end to end on KVM: the handshake and the message over
 * both transports, payloads, the exit profile of each, and a hostile
 * driver. The exact exit counts are documented in the README.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kvmlab/util.h>

#include "tests.h"

#define PAYLOAD		"32768"
#define PAYLOAD_LEN	32768ULL
#define RING_FREE	63ULL	/* a ring holds its length less one */

/* A counter from --stats=json output, or -1 if it is not there. */
static long long json_count(const char *json, const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(json, pattern);
	return p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
}

static const char *const transports[] = { "--no-poll", "--poll" };
static const char *const greetings[] = {
	"simvirtio: exit transport\n", "simvirtio: polling transport\n",
};

START_TEST(test_simvirtio_message)
{
	char want[256];
	struct vmm_run r;

	snprintf(want, sizeof(want),
		 "Hello, world!\n%sAna are mere!\n"
		 "simvirtio: message acknowledged: ACK 14\nFinished vmm\n",
		 greetings[_i]);
	VMM(&r, VMM_TIMEOUT_ARG, transports[_i], "simvirtio");
	assert_status(&r, 0);
	assert_stdout(&r, want);
	ck_assert_msg(r.err_len == 0, "expected nothing on stderr; got %s",
		      r.summary);
}
END_TEST

/*
 * The driver rereads TX tail each time its view of the ring says full.
 * Under the exit transport the device has always caught up by then, so
 * that happens at pushes 64, 127, 190, ...
 */
static unsigned long long tail_refreshes(unsigned long long pushes)
{
	return pushes ? (pushes - 1) / RING_FREE : 0;
}

/*
 * MMIO exits of the exit transport with a payload of @n bytes: those
 * without a payload (README), one per payload byte, the extra tail
 * refreshes, and reading the answer: RX head once, RX tail per byte.
 */
static long long exit_transport_mmio(unsigned long long n)
{
	const unsigned long long no_payload = 42;
	const unsigned long long pushes = 2 + 14;	/* R, C, message */
	char ack[32];

	snprintf(ack, sizeof(ack), "ACK %llu\n", n);
	return no_payload + n + tail_refreshes(pushes + n) -
	       tail_refreshes(pushes) + 1 + strlen(ack);
}

START_TEST(test_simvirtio_payload)
{
	struct vmm_run r;
	long long mmio;

	VMM(&r, VMM_TIMEOUT_ARG, "--stats=json", "--payload", PAYLOAD,
	    transports[_i], "simvirtio");
	assert_status(&r, 0);
	ck_assert_msg(strstr(r.out, "payload acknowledged: ACK " PAYLOAD "\n")
		      && strstr(r.out, "Finished vmm\n"),
		      "expected the payload acknowledged; got %s", r.summary);
	mmio = json_count(r.err, "KVM_EXIT_MMIO");
	if (_i == 0)
		ck_assert_msg(mmio == exit_transport_mmio(PAYLOAD_LEN),
			      "expected %lld MMIO exits; got %s",
			      exit_transport_mmio(PAYLOAD_LEN), r.summary);
	else
		ck_assert_msg(mmio == 16,
			      "expected 16 MMIO exits, none for data; got %s",
			      r.summary);
}
END_TEST

/* Task 4's point, in numbers: polling saves the exits data costs. */
START_TEST(test_polling_saves_exits)
{
	struct vmm_run exits, poll;
	long long e, p;

	VMM(&exits, VMM_TIMEOUT_ARG, "--stats=json", "--no-poll",
	    "--payload", PAYLOAD, "simvirtio");
	VMM(&poll, VMM_TIMEOUT_ARG, "--stats=json", "--poll", "--payload",
	    PAYLOAD, "simvirtio");
	assert_status(&exits, 0);
	assert_status(&poll, 0);
	e = json_count(exits.err, "exits");
	p = json_count(poll.err, "exits");
	ck_assert_msg(p > 0 && e >= 100 * p,
		      "expected polling to make 100 times fewer exits: %lld against %lld",
		      p, e);
}
END_TEST

/* The exit profile of each built-in scenario: exact counts. */
struct profile {
	const char *argv[3];
	long long io, mmio, exits;
};

static const struct profile profiles[] = {
	{ { "real" }, 22, 0, 23 },
	{ { "protected" }, 34, 0, 35 },
	{ { "long" }, 14, 0, 15 },
	{ { "lab1" }, 2, 0, 3 },
	{ { "--no-poll", "simvirtio" }, 80, 42, 123 },
	{ { "--poll", "simvirtio" }, 83, 16, 100 },
};

START_TEST(test_exit_profile)
{
	const char *const *argv = profiles[_i].argv;
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--stats=json", argv[0], argv[1], argv[2]);
	assert_status(&r, 0);
	ck_assert_msg(json_count(r.err, "KVM_EXIT_IO") == profiles[_i].io &&
		      json_count(r.err, "exits") == profiles[_i].exits &&
		      json_count(r.err, "kvm_runs") == profiles[_i].exits &&
		      json_count(r.err, "KVM_EXIT_HLT") == 1 &&
		      (json_count(r.err, "KVM_EXIT_MMIO") ==
		       profiles[_i].mmio || !profiles[_i].mmio),
		      "expected %lld exits (%lld IO, %lld MMIO, 1 HLT); got %s",
		      profiles[_i].exits, profiles[_i].io, profiles[_i].mmio,
		      r.summary);
}
END_TEST

START_TEST(test_stats_formats)
{
	static const char *const keys[] = {
		"\"kvm_runs\":", "\"interrupted\":", "\"exits\":",
		"\"exits_by_reason\":{", "\"other_reasons\":", "\"io\":[",
		"\"io_other\":", "\"mmio\":[", "\"mmio_other\":",
		"\"unclaimed_io\":", "\"unclaimed_mmio\":",
		"\"ns_in_kvm\":", "\"ns_in_vmm\":", "\"ns_total\":",
		"{\"port\":1016,\"dir\":\"out\",\"count\":2}",
	};
	struct vmm_run r;
	unsigned int i;

	VMM(&r, VMM_TIMEOUT_ARG, "--stats=json", "lab1");
	assert_status(&r, 0);
	ck_assert_msg(r.err[0] == '{' && line_count(r.err) == 1,
		      "expected one JSON object on one line; got %s",
		      r.summary);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		assert_stderr_has(&r, keys[i]);

	VMM(&r, VMM_TIMEOUT_ARG, "--stats", "lab1");
	assert_status(&r, 0);
	assert_stderr_has(&r, "vmm: exit statistics\n");
	assert_stderr_has(&r, "KVM_EXIT_HLT");
	assert_stderr_has(&r, "time in KVM_RUN");
	assert_stderr_has(&r, "0x3f8");
}
END_TEST

START_TEST(test_simvirtio_hostile_driver)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--simvirtio", "--mode", "long", "--load",
	    guest_path("simvirtio_hostile"));
	assert_status(&r, 0);
	assert_stdout(&r, "4\n6\n2\n");
	assert_stderr_has(&r, "device error: ERR_QUEUE_ADDR");
	assert_stderr_has(&r, "device error: ERR_INDEX");
	assert_stderr_has(&r, "device error: ERR_READ_ONLY");
}
END_TEST

START_TEST(test_simvirtio_options)
{
	struct vmm_run r;

	VMM(&r, "--poll", "long");
	assert_status(&r, 2);
	assert_stderr_has(&r, "need the SIMVIRTIO device");
	VMM(&r, "--payload", "5G", "simvirtio");
	assert_status(&r, 2);
	assert_stderr_has(&r, "bad payload '5G'");
	VMM(&r, "--stats=xml", "long");
	assert_status(&r, 2);
	assert_stderr_has(&r, "unknown --stats format 'xml'");
}
END_TEST

Suite *simvirtio_kvm_suite(void)
{
	Suite *s = suite_create("simvirtio");
	TCase *tc = tcase_create("kvm");

	tcase_set_timeout(tc, KVM_TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_simvirtio_message, 0, 2);
	tcase_add_loop_test(tc, test_simvirtio_payload, 0, 2);
	tcase_add_test(tc, test_polling_saves_exits);
	tcase_add_loop_test(tc, test_exit_profile, 0,
			    ARRAY_SIZE(profiles));
	tcase_add_test(tc, test_stats_formats);
	tcase_add_test(tc, test_simvirtio_hostile_driver);
	tcase_add_test(tc, test_simvirtio_options);
	suite_add_tcase(s, tc);
	return s;
}
