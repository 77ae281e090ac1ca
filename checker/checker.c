// SPDX-License-Identifier: GPL-2.0
/*
 * The checker: every test suite, run in fork mode so that a test that
 * crashes or calls exit() fails alone. Without KVM, the suites that
 * need it are reported as not run, and the result is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"

#define KVM_DEVICE	"/dev/kvm"

/* Can this user open KVM? If not, say why and how to fix it. */
static int kvm_usable(void)
{
	const char *dev = getenv("KVMLAB_KVM_DEVICE");
	int fd;

	if (!dev || !*dev)
		dev = KVM_DEVICE;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	fprintf(stderr, "checker: KVM tests not run: %s: %s; %s\n", dev,
		strerror(errno), errno == ENOENT ?
		"load KVM (modprobe kvm_intel or kvm_amd)" :
		"join the kvm group (sudo usermod -aG kvm $USER)");
	return 0;
}

int main(void)
{
	int have_kvm = kvm_usable();
	SRunner *sr;
	int failed;

	sr = srunner_create(unit_suite());
	srunner_add_suite(sr, simvirtio_suite());
	if (have_kvm) {
		srunner_add_suite(sr, scenario_suite());
		srunner_add_suite(sr, input_suite());
		srunner_add_suite(sr, simvirtio_kvm_suite());
	}
	/* Forced: in no-fork mode an exit(0) in a test would pass it. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 && have_kvm ? EXIT_SUCCESS : EXIT_FAILURE;
}
