/* The few board services the example needs: output and exit over Arm semihosting, and an
 * instruction counter built on SysTick. */
#ifndef JWTGUARD_EXAMPLE_BOARD_H
#define JWTGUARD_EXAMPLE_BOARD_H

#include <stdint.h>

void board_puts(const char *s);
void board_put_u32(uint32_t v);
void board_put_u64(uint64_t v);
__attribute__((noreturn)) void board_exit(int code);

/* The C library's abort(): the Rust panic handler (feature panic-handler) calls it. */
__attribute__((noreturn)) void abort(void);

/* SysTick on the processor clock, with an exception counting its wraps. Under
 * `qemu -icount shift=0` the virtual clock advances exactly 1 ns per guest instruction, so
 * with mps2-an386's 25 MHz processor clock one tick is 40 instructions. */
void ticks_start(void);
uint64_t ticks_now(void);
#define BOARD_CPU_HZ 25000000u

#endif
