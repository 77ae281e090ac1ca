// SPDX-License-Identifier: GPL-2.0
/*
 * VM and memory set-up: open KVM, check it is the API we speak, create
 * the VM, and give it RAM through one memory slot at guest address 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <kvmlab/util.h>

#include "log.h"
#include "vm.h"

/* Say what went wrong and what fixes it: the two usual cases. */
static void report_open_error(const char *path, int err)
{
	if (err == ENOENT)
		pr_err("cannot open %s: %s; load KVM (modprobe kvm_intel or kvm_amd) and enable virtualization in the firmware",
		       path, strerror(err));
	else if (err == EACCES || err == EPERM)
		pr_err("cannot open %s: %s; join the kvm group (sudo usermod -aG kvm $USER, then log in again)",
		       path, strerror(err));
	else
		pr_err("cannot open %s: %s", path, strerror(err));
}

static int vm_open_kvm(struct vm *vm)
{
	const char *path = getenv("KVMLAB_KVM_DEVICE");

	if (!path || !*path)
		path = KVM_DEVICE_PATH;
	vm->kvm_fd = open(path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		report_open_error(path, errno);
		return -1;
	}
	return 0;
}

/* The API version is fixed at 12 since Linux 2.6.22; refuse others. */
static int vm_check_api_version(struct vm *vm)
{
	int version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);

	if (version < 0) {
		pr_err("KVM_GET_API_VERSION: %s (is this /dev/kvm?)",
		       strerror(errno));
		return -1;
	}
	if (version != KVM_API_VERSION) {
		pr_err("KVM API version %d, expected %d", version,
		       KVM_API_VERSION);
		return -1;
	}
	return 0;
}

/* What this VMM relies on: memory slots, and a KVM_RUN it can stop. */
static int vm_check_capabilities(struct vm *vm)
{
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(needed); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			  needed[i].cap) <= 0) {
			pr_err("KVM lacks %s: use Linux 4.11 or later",
			       needed[i].name);
			return -1;
		}
	}
	return 0;
}

static int vm_create(struct vm *vm)
{
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		pr_err("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Intel only; harmless elsewhere. Must lie outside every memslot. */
static int vm_set_tss_addr(struct vm *vm)
{
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, VM_TSS_ADDR) < 0) {
		pr_err("KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Reserve RAM lazily (MAP_NORESERVE: untouched pages cost nothing) and
 * let KSM merge identical pages across VMs.
 */
static int vm_alloc_memory(struct vm *vm, uint64_t size)
{
	void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (host == MAP_FAILED) {
		pr_err("cannot map %llu bytes of guest RAM: %s",
		       (unsigned long long)size, strerror(errno));
		return -1;
	}
	/* Merging is an optimisation: a kernel without KSM is fine. */
	madvise(host, size, MADV_MERGEABLE);
	vm->mem.host = host;
	vm->mem.size = size;
	return 0;
}

static int vm_set_memory_region(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = VM_MEM_SLOT,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.host,
	};

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int vm_init(struct vm *vm, uint64_t mem_size)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->fd = -1;
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");

	if (vm_open_kvm(vm) || vm_check_api_version(vm) ||
	    vm_check_capabilities(vm) || vm_create(vm) ||
	    vm_set_tss_addr(vm) || vm_alloc_memory(vm, mem_size) ||
	    vm_set_memory_region(vm)) {
		vm_destroy(vm);
		return -1;
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->mem.host = NULL;
	vm->fd = -1;
	vm->kvm_fd = -1;
}
