// SPDX-License-Identifier: GPL-2.0
/*
 * COM1 as a polled 16550: enough for a guest to print and to read
 * standard input. No interrupts, no FIFO, no baud rate.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <kvmlab/layout.h>

#include "devices.h"

#define UART_NR_PORTS	8
#define UART_RBR_THR	0	/* receive buffer / transmit holding */
#define UART_LSR	5	/* line status */
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */

/* Fetch one input byte if one is there now; never wait for it. */
static void serial_fill_rx(struct serial *uart)
{
	struct pollfd pfd = { .fd = uart->in_fd, .events = POLLIN };
	ssize_t n;

	if (uart->rx_full || uart->in_eof || uart->in_fd < 0)
		return;
	if (poll(&pfd, 1, 0) <= 0)
		return;
	n = read(uart->in_fd, &uart->rx, 1);
	if (n == 1)
		uart->rx_full = true;
	else if (n == 0 || errno != EINTR)
		uart->in_eof = true;
}

static uint8_t serial_read(struct serial *uart, uint64_t reg)
{
	uint8_t value;

	switch (reg) {
	case UART_RBR_THR:
		serial_fill_rx(uart);
		value = uart->rx_full ? uart->rx : 0;
		uart->rx_full = false;
		return value;
	case UART_LSR:
		serial_fill_rx(uart);
		value = UART_LSR_THRE | UART_LSR_TEMT;
		return uart->rx_full ? value | UART_LSR_DR : value;
	default:
		return uart->regs[reg];
	}
}

static void serial_write(struct serial *uart, uint64_t reg, uint8_t value)
{
	if (reg == UART_RBR_THR)
		fputc(value, uart->out);
	else if (reg != UART_LSR)
		uart->regs[reg] = value;
}

static int serial_io(void *opaque, uint64_t offset, uint8_t *data,
		     uint32_t len, bool is_write)
{
	struct serial *uart = opaque;
	uint32_t i;

	/* A wide access touches consecutive registers, as on hardware. */
	for (i = 0; i < len; i++) {
		if (is_write)
			serial_write(uart, offset + i, data[i]);
		else
			data[i] = serial_read(uart, offset + i);
	}
	return 0;
}

int serial_register(struct serial *uart, struct bus *pio, FILE *out,
		    int in_fd)
{
	memset(uart, 0, sizeof(*uart));
	uart->out = out;
	uart->in_fd = in_fd;
	return bus_register(pio, "serial", COM1_PORT, UART_NR_PORTS, serial_io,
			    uart);
}
