// SPDX-License-Identifier: GPL-2.0
/*
 * Why a VM entry failed, in words, for Intel VMX and AMD SVM (see
 * entry_failure.h). The codes come from the kernel's UAPI headers.
 */
#include <stdint.h>
#include <stdio.h>

#include <asm/svm.h>
#include <asm/vmx.h>

#include <kvmlab/kernel.h>

#include "core/entry_failure.h"

#define VMX_BASIC_REASON_MASK	0xffff
/* VM-instruction errors a VMLAUNCH/VMRESUME can fail with (SDM 3C 31.4). */
#define VMX_INSN_ERR_ENTRY_CONTROLS	7
#define VMX_INSN_ERR_ENTRY_HOST_STATE	8
#define VMX_INSN_ERR_ENTRY_MOV_SS	26
/* SVM's other failure codes (APM 2, appendix C), after VMEXIT_INVALID. */
#define SVM_EXIT_BUSY			-2
#define SVM_EXIT_IDLE_REQUIRED		-3
#define SVM_EXIT_INVALID_PMC		-4

#define STATE_HINT "check the segments, CR0, CR4 and EFER"

static const char *vmx_failed_entry(uint32_t reason)
{
	switch (reason & VMX_BASIC_REASON_MASK) {
	case EXIT_REASON_INVALID_STATE:
		return "invalid guest state: " STATE_HINT;
	case EXIT_REASON_MSR_LOAD_FAIL:
		return "MSR loading failed";
	case EXIT_REASON_MCE_DURING_VMENTRY:
		return "machine check during entry";
	default:
		return "unknown failed-entry reason";
	}
}

static const char *vmx_insn_error(uint32_t error)
{
	switch (error) {
	case VMX_INSN_ERR_ENTRY_CONTROLS:
		return "invalid VM-entry control fields (a KVM problem, not the guest's)";
	case VMX_INSN_ERR_ENTRY_HOST_STATE:
		return "invalid host-state fields (a KVM problem, not the guest's)";
	case VMX_INSN_ERR_ENTRY_MOV_SS:
		return "entry with events blocked by MOV SS: check the interruptibility state";
	default:
		return "unknown VM-instruction error";
	}
}

static const char *svm_exit_code(int64_t code)
{
	switch (code) {
	case SVM_EXIT_ERR:
		return "VMEXIT_INVALID: invalid guest state in the VMCB: " STATE_HINT;
	case SVM_EXIT_BUSY:
		return "VMEXIT_BUSY: the VMSA is busy (SEV-ES)";
	case SVM_EXIT_IDLE_REQUIRED:
		return "VMEXIT_IDLE_REQUIRED";
	case SVM_EXIT_INVALID_PMC:
		return "VMEXIT_INVALID_PMC";
	default:
		return "unknown SVM exit code";
	}
}

void entry_failure_describe(uint64_t reason, char *buf, size_t len)
{
	if (reason > UINT32_MAX)
		snprintf(buf, len, "SVM exit code 0x%llx, %s",
			 (unsigned long long)reason,
			 svm_exit_code((int64_t)reason));
	else if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		snprintf(buf, len, "VMX exit reason 0x%llx: %s",
			 (unsigned long long)reason,
			 vmx_failed_entry((uint32_t)reason));
	else
		snprintf(buf, len, "VMX instruction error %llu: %s",
			 (unsigned long long)reason,
			 vmx_insn_error((uint32_t)reason));
}
