// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in scenarios. Each names an embedded guest, the mode the vCPU
 * starts in, and what proves the run right.
 */
#include <stddef.h>
#include <string.h>

#include <kvmlab/layout.h>
#include <kvmlab/kernel.h>

#include "guests.h"
#include "scenario.h"

/* Lab 1 adds AX and BX: 4 + 2 prints "6". */
static const struct reg_assign lab1_regs[] = {
	{ REG_RAX, 4 },
	{ REG_RBX, 2 },
};

static const struct scenario scenarios[] = {
	{
		.name = "real",
		.mode = MODE_REAL,
		.image = guest16,
		.image_end = guest16_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.check_result = true,
	},
	{
		.name = "protected",
		.mode = MODE_PROTECTED,
		.image = guest32,
		.image_end = guest32_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.check_result = true,
	},
	{
		.name = "paged",
		.mode = MODE_PAGED,
		.image = guest32,
		.image_end = guest32_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.check_result = true,
	},
	{
		.name = "long",
		.mode = MODE_LONG,
		.image = guest64,
		.image_end = guest64_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.check_result = true,
	},
	{
		.name = "simvirtio",
		.mode = MODE_LONG,
		.image = guest64,
		.image_end = guest64_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.check_result = true,
		.simvirtio = true,
	},
	{
		.name = "serial-in",
		.mode = MODE_REAL,
		.image = serial_in,
		.image_end = serial_in_end,
		.load_addr = GUEST_IMAGE_ADDR,
	},
	{
		.name = "mmio",
		.mode = MODE_PROTECTED,
		.image = mmio,
		.image_end = mmio_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.check_result = true,
		.scratch = true,
	},
	{
		.name = "lab2",
		.mode = MODE_REAL,
		.image = lab2_stub,
		.image_end = lab2_stub_end,
		.load_addr = GUEST_IMAGE_ADDR,
		.lab2 = true,
		.program = lab2_app,
		.program_end = lab2_app_end,
	},
	{
		.name = "lab1",
		.mode = MODE_REAL,
		.image = lab1,
		.image_end = lab1_end,
		.load_addr = LAB1_LOAD_ADDR,
		.regs = lab1_regs,
		.nregs = ARRAY_SIZE(lab1_regs),
		.report_hlt = true,
	},
};

#define NR_SCENARIOS	ARRAY_SIZE(scenarios)

const struct scenario *scenario_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SCENARIOS; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

const char *scenario_names(void)
{
	static char names[256];
	size_t i;

	if (names[0])
		return names;
	for (i = 0; i < NR_SCENARIOS; i++) {
		if (i)
			strncat(names, ", ", sizeof(names) - strlen(names) - 1);
		strncat(names, scenarios[i].name,
			sizeof(names) - strlen(names) - 1);
	}
	return names;
}
