//! The `asm!` block: two rows of a multiply-add over one operand, with `umaal`.
//!
//! `umaal lo, hi, x, y` computes `x * y + lo + hi` into `hi:lo`. The sum cannot overflow 64
//! bits ((2^32 - 1)^2 + 2 (2^32 - 1) = 2^64 - 1), so a row's carry is one register and a
//! multiply-add with both carries is one instruction, which leaves the flags alone. A pass adds
//! `(x0 + x1 W) y` to the running total: word `j` gets `x0 y[j] + x1 y[j - 1]` and the two
//! rows' carries, so each word of `y` is loaded once for two products.

// The one place this crate allows `unsafe`: the block below (the crate denies it elsewhere).
#![allow(unsafe_code)]

use crate::{Total, Umaal};

/// `t += (x0 + x1 * 2^32) * y`, where `t` is the total's `L + 3` words from `body` on. With
/// `shift`, the total is written back two words lower (the reduction pass: its two low words
/// come out zero by the choice of `x0`, `x1`, and fall into `head`), and its two top words are
/// cleared.
#[inline]
pub(crate) fn add_rows<const L: usize>(
    _cpu: Umaal,
    t: &mut Total<L>,
    y: &[u32; L],
    x0: u32,
    x1: u32,
    shift: bool,
) {
    const { assert!(L > 0 && L.is_multiple_of(8)) };
    // One pointer from the whole total, so reads and writes anywhere in it keep provenance.
    let base: *mut u32 = (t as *mut Total<L>).cast();
    // `body` is at word 2 of the `repr(C)` struct, `head` at word 0.
    let rd = base.wrapping_add(2);
    let wr = if shift { base } else { rd };
    let py = y.as_ptr();
    let end = py.wrapping_add(L);
    // SAFETY: the instructions exist: an `Umaal` is passed in, and one exists only when the
    // crate is compiled for a target with `umaal` in Thumb-2 (build.rs, `Umaal::get`).
    // Memory: `py` walks `y[0..L]` and stops at `end` = `y + L` (the loop advances it by 8
    // words per turn and `L` is a multiple of 8, checked at compile time), reading each word
    // once. `rd` reads the `L + 3` words `body[0..L]` and `tail[0..3]`, which follow each other
    // in the `repr(C)` `Total` (u32 arrays: no padding); `wr` writes `L + 3` words from `body`
    // (the same words) or from `head` (two words lower: `head`, `body`, `tail[0]`). All of them
    // lie inside `*t`, which this function borrows uniquely, and `y` is a shared borrow of
    // another object (`&mut t` cannot alias it), so the block's reads and writes race with
    // nothing. Every register the block changes is an output (`u`, `v`) or in-out operand; the
    // flags are clobbered, which `asm!` assumes without `preserves_flags`; it uses no stack
    // and calls nothing, and its one backward branch stays inside it.
    unsafe {
        core::arch::asm!(
            "2:",
            // Words j and j + 1, four times: u and p take turns as y[j] and y[j - 1].
            "ldr {u}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {u}",
            "umaal {v}, {c1}, {x1}, {p}",
            "str {v}, [{wr}], #4",
            "ldr {p}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {p}",
            "umaal {v}, {c1}, {x1}, {u}",
            "str {v}, [{wr}], #4",
            "ldr {u}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {u}",
            "umaal {v}, {c1}, {x1}, {p}",
            "str {v}, [{wr}], #4",
            "ldr {p}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {p}",
            "umaal {v}, {c1}, {x1}, {u}",
            "str {v}, [{wr}], #4",
            "ldr {u}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {u}",
            "umaal {v}, {c1}, {x1}, {p}",
            "str {v}, [{wr}], #4",
            "ldr {p}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {p}",
            "umaal {v}, {c1}, {x1}, {u}",
            "str {v}, [{wr}], #4",
            "ldr {u}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {u}",
            "umaal {v}, {c1}, {x1}, {p}",
            "str {v}, [{wr}], #4",
            "ldr {p}, [{py}], #4",
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c0}, {x0}, {p}",
            "umaal {v}, {c1}, {x1}, {u}",
            "str {v}, [{wr}], #4",
            "cmp {py}, {end}",
            "bne 2b",
            // Word L: x1 y[L - 1] (p) and both carries. Words L + 1 and L + 2 take what is left
            // through the carry flag.
            "ldr {v}, [{rd}], #4",
            "umaal {v}, {c1}, {x1}, {p}",
            "adds {v}, {v}, {c0}",
            "str {v}, [{wr}], #4",
            "ldr {v}, [{rd}], #4",
            "adcs {v}, {v}, {c1}",
            "str {v}, [{wr}], #4",
            "ldr {v}, [{rd}]",
            "adc {v}, {v}, #0",
            "str {v}, [{wr}]",
            x0 = in(reg) x0,
            x1 = in(reg) x1,
            end = in(reg) end,
            py = inout(reg) py => _,
            rd = inout(reg) rd => _,
            wr = inout(reg) wr => _,
            c0 = inout(reg) 0u32 => _,
            c1 = inout(reg) 0u32 => _,
            p = inout(reg) 0u32 => _,
            u = out(reg) _,
            v = out(reg) _,
            options(nostack),
        );
    }
    if shift {
        t.tail[1] = 0;
        t.tail[2] = 0;
    }
}
