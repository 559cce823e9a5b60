/* The few board services the example needs: output and exit over semihosting, and an
 * instruction counter. board.c implements them for Cortex-M (SysTick), board_rv32.c for
 * RISC-V (the instret counter). */
#ifndef JWTGUARD_EXAMPLE_BOARD_H
#define JWTGUARD_EXAMPLE_BOARD_H

#include <stdint.h>

void board_puts(const char *s);
void board_put_u32(uint32_t v);
void board_put_u64(uint64_t v);
__attribute__((noreturn)) void board_exit(int code);

/* The C library's abort(): the Rust panic handler (feature panic-handler) calls it. */
__attribute__((noreturn)) void abort(void);

/* A counter at BOARD_CPU_HZ: on Cortex-M, SysTick on the processor clock with an exception
 * counting its wraps. Under `qemu -icount shift=0` the virtual clock advances exactly 1 ns per
 * guest instruction, so with mps2-an386's 25 MHz processor clock one tick is 40 instructions
 * (microbit: 16 MHz). On RISC-V, instret itself: 1 "tick" per instruction.
 * ticks_stop() stops it (so no exception frame lands in a stack measurement). */
void ticks_start(void);
void ticks_stop(void);
uint64_t ticks_now(void);
#ifndef BOARD_NAME
#define BOARD_NAME "Cortex-M4F (qemu mps2-an386)"
#endif
#ifndef BOARD_CPU_HZ
#define BOARD_CPU_HZ 25000000u
#endif

#endif
