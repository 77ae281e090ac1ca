/* SPDX-License-Identifier: GPL-2.0 */
/* A virtual machine: the KVM handles, its RAM and its two buses. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/guest_mem.h"

/* Where the device node is, unless KVMLAB_KVM_DEVICE says otherwise. */
#define KVM_DEVICE_PATH		"/dev/kvm"
/* Intel VMX needs three pages for a real-mode TSS: put them up high. */
#define VM_TSS_ADDR		0xfffbd000
#define VM_MEM_SLOT		0

/* RAM bounds: room for the fixed layout, and below the TSS pages. */
#define VM_MEM_DEFAULT		0x100000ULL		/* 1 MiB */
#define VM_MEM_MIN		0x10000ULL		/* 64 KiB */
#define VM_MEM_MAX		0xc0000000ULL		/* 3 GiB */
#define VM_MEM_ALIGN		0x1000ULL

/* How the VM's RAM is made. */
struct vm_config {
	uint64_t mem_size;
	const char *mem_file;	/* back RAM with this file, shared */
	bool dirty_log;		/* KVM_MEM_LOG_DIRTY_PAGES on the slot */
};

struct vm {
	int kvm_fd;		/* /dev/kvm: system ioctls */
	int fd;			/* the VM: VM ioctls */
	struct guest_mem mem;
	uint32_t slot_flags;
	struct bus pio;		/* I/O ports */
	struct bus mmio;	/* MMIO past RAM */
};

int vm_init(struct vm *vm, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);

/*
 * The pages the guest wrote since the last call (KVM_GET_DIRTY_LOG): a
 * bitmap of one bit per 4 KiB page of RAM, which the caller frees.
 */
unsigned long *vm_dirty_log(struct vm *vm);

#endif /* VMM_VM_H */
