// SPDX-License-Identifier: GPL-2.0
/*
 * VM and memory set-up: open KVM, check it is the API we speak, create
 * the VM, and give it RAM through one memory slot at guest address 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <kvmlab/kernel.h>

#include "core/kvm_ioctl.h"
#include "core/log.h"
#include "core/vm.h"

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
	/* BEGIN SOLUTION 1: open the KVM device, for reading and writing */
	vm->kvm_fd = open(path, O_RDWR | O_CLOEXEC);
	/* STUB: vm->kvm_fd = todo_stub("open the KVM device"); */
	/* END SOLUTION */
	if (vm->kvm_fd < 0) {
		report_open_error(path, errno);
		return -1;
	}
	return 0;
}

/* The API version is fixed at 12 since Linux 2.6.22; refuse others. */
static int vm_check_api_version(struct vm *vm)
{
	int version;

	/* BEGIN SOLUTION 1: ask KVM which version of its API it speaks */
	version = kvm_ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	/* STUB: version = todo_stub("KVM_GET_API_VERSION"); */
	/* END SOLUTION */
	if (version < 0)
		return -1;
	if (version != KVM_API_VERSION) {
		pr_err("KVM API version %d, expected %d", version,
		       KVM_API_VERSION);
		return -1;
	}
	return 0;
}

/* A capability and its name, written once. */
#define KVM_CAP(cap)	{ cap, #cap }

/* What this VMM relies on: memory slots, and a KVM_RUN it can stop. */
static int vm_check_capabilities(struct vm *vm)
{
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		KVM_CAP(KVM_CAP_USER_MEMORY),
		KVM_CAP(KVM_CAP_IMMEDIATE_EXIT),
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
	/* BEGIN SOLUTION 1: create the VM; it has no memory and no vCPU yet */
	vm->fd = kvm_ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	/* STUB: vm->fd = todo_stub("KVM_CREATE_VM"); */
	/* END SOLUTION */
	return vm->fd < 0 ? -1 : 0;
}

/* Intel only; harmless elsewhere. Must lie outside every memslot. */
static int vm_set_tss_addr(struct vm *vm)
{
	int ret;

	/* BEGIN SOLUTION 1: give KVM three pages for a TSS, at VM_TSS_ADDR */
	ret = kvm_ioctl(vm->fd, KVM_SET_TSS_ADDR, VM_TSS_ADDR);
	/* STUB: ret = todo_stub("KVM_SET_TSS_ADDR"); */
	/* END SOLUTION */
	return ret < 0 ? -1 : 0;
}

/*
 * RAM backed by a file (kvm-ioctls' "simple_ss"): a shared mapping, so
 * that what the guest writes reaches the file. (The published example
 * mapped it MAP_ANONYMOUS, and the file saw nothing.)
 */
static void *map_file(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	void *host = MAP_FAILED;

	if (fd < 0) {
		pr_err("cannot open %s for the guest RAM: %s", path,
		       strerror(errno));
		return MAP_FAILED;
	}
	if (ftruncate(fd, size) < 0)
		pr_err("cannot size %s to %llu bytes: %s", path,
		       (unsigned long long)size, strerror(errno));
	else
		host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    fd, 0);
	close(fd);	/* the mapping keeps the file */
	return host;
}

/*
 * Anonymous RAM, reserved lazily (MAP_NORESERVE: untouched pages cost
 * nothing), which KSM may merge with identical pages of other VMs.
 */
static void *map_anonymous(uint64_t size)
{
	void *host;

	/*
	 * BEGIN SOLUTION 1: map @size bytes of anonymous, private memory
	 * for the guest's RAM, reserving no swap for it.
	 */
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	/* STUB: host = MAP_FAILED; */
	/* STUB: (void)todo_stub("mmap the guest RAM"); */
	/* END SOLUTION */
	if (host == MAP_FAILED) {
		pr_err("cannot map %llu bytes of guest RAM: %s",
		       (unsigned long long)size, strerror(errno));
		return MAP_FAILED;
	}
	/* BEGIN SOLUTION 1: let KSM merge it with identical pages */
	/* Merging is an optimisation: a kernel without KSM is fine. */
	madvise(host, size, MADV_MERGEABLE);
	/* END SOLUTION */
	return host;
}

static int vm_alloc_memory(struct vm *vm, uint64_t size, const char *file)
{
	void *host = file ? map_file(file, size) : map_anonymous(size);

	if (host == MAP_FAILED)
		return -1;
	vm->mem.host = host;
	vm->mem.size = size;
	return 0;
}

static int vm_set_memory_region(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {};
	int ret;

	/*
	 * BEGIN SOLUTION 1: one memory slot: the RAM the VMM mapped, seen by
	 * the guest from address 0, with vm->slot_flags.
	 */
	region.slot = VM_MEM_SLOT;
	region.flags = vm->slot_flags;
	region.guest_phys_addr = 0;
	region.memory_size = vm->mem.size;
	region.userspace_addr = (uintptr_t)vm->mem.host;
	ret = kvm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region);
	/* STUB: (void)region; */
	/* STUB: ret = todo_stub("KVM_SET_USER_MEMORY_REGION"); */
	/* END SOLUTION */
	return ret < 0 ? -1 : 0;
}

int vm_init(struct vm *vm, const struct vm_config *cfg)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->fd = -1;
	vm->slot_flags = cfg->dirty_log ? KVM_MEM_LOG_DIRTY_PAGES : 0;
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");

	if (vm_open_kvm(vm) || vm_check_api_version(vm) ||
	    vm_check_capabilities(vm) || vm_create(vm) ||
	    vm_set_tss_addr(vm) ||
	    vm_alloc_memory(vm, cfg->mem_size, cfg->mem_file) ||
	    vm_set_memory_region(vm)) {
		vm_destroy(vm);
		return -1;
	}
	return 0;
}

uint64_t *vm_dirty_log(struct vm *vm)
{
	uint64_t pages = vm->mem.size / VM_MEM_ALIGN;
	struct kvm_dirty_log log = { .slot = VM_MEM_SLOT };
	unsigned long *bitmap = calloc(BITS_TO_LONGS(pages), sizeof(*bitmap));

	if (!bitmap)
		return NULL;
	log.dirty_bitmap = bitmap;
	if (kvm_ioctl(vm->fd, KVM_GET_DIRTY_LOG, &log) < 0) {
		free(bitmap);
		return NULL;
	}
	return bitmap;
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
