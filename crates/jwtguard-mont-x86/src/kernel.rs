//! The `asm!` blocks: multiply-add passes over 8-limb blocks, each with two carry chains.
//!
//! Every pass adds `y * x` to a window `w` of a running total. Each limb product
//! `hi:lo = y * x[j]` (`mulx`, which leaves the flags alone) goes into two chains at once: `lo`
//! into word `j` on the carry flag (`adcx`), and the previous limb's `hi` into the same word on
//! the overflow flag (`adox`). Neither chain waits for the other, and nothing in a loop body
//! touches the flags besides them: `mov`, `lea` and `jrcxz` leave CF and OF alone (the `imul`
//! that sets a pass up runs before the `xor` that clears both flags and starts the chains).
//! The four blocks are:
//! - [`row`]: one row of operand-scanning Montgomery multiplication (CIOS, Koç, Acar and Kaliski
//!   1996 §4): `w += b_i * a`, then `w += m * n` with `m` chosen to zero `w[0]`;
//! - [`mul_add`]: `w += y * x` alone, for the cross products of a squaring;
//! - [`double_add_squares`] and [`reduce_row`]: the rest of a squaring (separated operand
//!   scanning, §3): `t = 2t + sum a_i^2 2^(128 i)`, then one Montgomery reduction row per word.
//!
//! The SAFETY arguments share their CPU and register parts: an `Adx` value is passed to every
//! function (it exists only when `Adx::detect` saw ADX and BMI2, which `mulx`, `adcx` and `adox`
//! need; its field is private); every scratch register is an `out` operand, so distinct from the
//! inputs, which are only read; `rdx` and `rcx` are declared clobbered when used; the flags are
//! clobbered, which `asm!` assumes by default; no block uses the stack (`nostack`) or calls
//! anything, and every jump stays inside its block. What differs is the memory each reads and
//! writes, stated at each block against the lengths its safe wrapper asserts.

use core::arch::asm;

use crate::Adx;

/// One limb at byte offset `$off` of the current 8-limb block: `mulx` puts the high word in
/// `$hi` and the low word in `lo`; `lo + w[j] + CF` (adcx), then `+ $prev + OF` (adox), where
/// `$prev` holds the previous limb's high word; the sum goes back to `w[j]`.
macro_rules! limb {
    ($off:literal, $hi:literal, $prev:literal) => {
        concat!(
            "mulx {",
            $hi,
            "}, {lo}, qword ptr [{p} + ",
            $off,
            "]\n",
            "adcx {lo}, qword ptr [{q} + ",
            $off,
            "]\n",
            "adox {lo}, {",
            $prev,
            "}\n",
            "mov qword ptr [{q} + ",
            $off,
            "], {lo}\n",
        )
    };
}

/// The loop of a pass: `w[0..8 rcx] += rdx * x[0..8 rcx]` with `{p}` walking `x` and `{q}`
/// walking `w`, 8 limbs per iteration, `rcx` iterations (at least one). On entry `{h1}` is 0 and
/// CF = OF = 0 (`xor {h1:e}, {h1:e}` does both). On exit `{q}` points at `w[8 rcx]`, the last
/// high word is in `{h1}`, both carries are pending in CF and OF, and `rcx` is 0. `$top`/`$end`
/// are the loop's local labels.
macro_rules! pass {
    ($top:literal, $end:literal) => {
        concat!(
            $top,
            ":\n",
            limb!("0", "h0", "h1"),
            limb!("8", "h1", "h0"),
            limb!("16", "h0", "h1"),
            limb!("24", "h1", "h0"),
            limb!("32", "h0", "h1"),
            limb!("40", "h1", "h0"),
            limb!("48", "h0", "h1"),
            limb!("56", "h1", "h0"),
            "lea {p}, [{p} + 64]\n",
            "lea {q}, [{q} + 64]\n",
            "lea rcx, [rcx - 1]\n",
            "jrcxz ",
            $end,
            "f\n",
            "jmp ",
            $top,
            "b\n",
            $end,
            ":\n",
        )
    };
}

/// After `pass!`: fold the last high word and both carries into `w[k]`, then the carries out
/// of that into `w[k + 1]` (`rcx` is 0 here, the zero operand). For a window whose value
/// cannot overflow `w[k + 1]`, which is what the callers' bounds give.
macro_rules! tail_two_words {
    () => {
        concat!(
            "mov {lo}, qword ptr [{q}]\n",
            "adcx {lo}, rcx\n",
            "adox {lo}, {h1}\n",
            "mov qword ptr [{q}], {lo}\n",
            "mov {lo}, qword ptr [{q} + 8]\n",
            "adcx {lo}, rcx\n",
            "adox {lo}, rcx\n",
            "mov qword ptr [{q} + 8], {lo}\n",
        )
    };
}

/// `w += b_i * a + m * n` over `w[0..L+2]`, with `m = (w[0] + b_i a[0]) n0 mod 2^64`: with
/// `n0 = -n^-1 mod 2^64`, `w[0]` ends at 0. The caller keeps the window's value below
/// `2^(64(L+2))` (`Adx::mont_mul`).
#[inline(always)]
pub(crate) fn row<const L: usize>(
    _cpu: Adx,
    w: &mut [u64],
    a: &[u64; L],
    b_i: u64,
    n: &[u64; L],
    n0: u64,
) {
    const { assert!(L > 0 && L.is_multiple_of(8), "8-limb blocks") };
    assert!(w.len() == L + 2);
    #[allow(unsafe_code)] // the crate denies it outside these blocks
    // SAFETY: CPU, registers, stack: see the module documentation. Memory: reads `a[0..L]` and
    // `n[0..L]` (`L / 8` iterations of eight 8-byte loads from each), reads and writes
    // `w[0..L+2]` (`L` words in each pass, then the tail's two at byte offsets 8L and 8L + 8).
    // `a` and `n` are `&[u64; L]`, `w` is a unique borrow of length `L + 2` (asserted above),
    // so every access is an aligned u64 inside a borrow, and no other reference sees the writes.
    unsafe {
        asm!(
            // Pass 1: w += b_i * a.
            "xor {h1:e}, {h1:e}",
            "mov {p}, {a}",
            "mov {q}, {w}",
            "mov ecx, {blocks}",
            pass!("2", "3"),
            tail_two_words!(),
            // Pass 2: m = w[0] * n0, then w += m * n.
            "mov rdx, qword ptr [{w}]",
            "imul rdx, {n0}",
            "xor {h1:e}, {h1:e}",
            "mov {p}, {n}",
            "mov {q}, {w}",
            "mov ecx, {blocks}",
            pass!("4", "5"),
            tail_two_words!(),
            w = in(reg) w.as_mut_ptr(),
            a = in(reg) a.as_ptr(),
            n = in(reg) n.as_ptr(),
            n0 = in(reg) n0,
            blocks = const L / 8,
            p = out(reg) _,
            q = out(reg) _,
            lo = out(reg) _,
            h0 = out(reg) _,
            h1 = out(reg) _,
            inout("rdx") b_i => _,
            out("rcx") _,
            options(nostack),
        );
    }
}

/// `w[0..8 blocks + 2] += y * x[0..8 blocks]`, for `blocks >= 1`. The caller keeps the
/// window's value below `2^(64 (8 blocks + 2))`.
#[inline(always)]
pub(crate) fn mul_add(_cpu: Adx, w: &mut [u64], x: &[u64], y: u64, blocks: usize) {
    let limbs = blocks.checked_mul(8).expect("small block count");
    assert!(blocks >= 1 && x.len() >= limbs && w.len() >= limbs + 2);
    #[allow(unsafe_code)] // the crate denies it outside these blocks
    // SAFETY: CPU, registers, stack: see the module documentation. Memory: reads
    // `x[0..8 blocks]` (eight 8-byte loads per iteration, `blocks` iterations), reads and writes
    // `w[0..8 blocks + 2]` (the loop's words, then the tail's two). Both lengths are asserted
    // above against the slices, `blocks >= 1` keeps the loop from running 2^64 times (`rcx`
    // starts at `blocks`), and `w` is a unique borrow.
    unsafe {
        asm!(
            "xor {h1:e}, {h1:e}",
            "mov {p}, {x}",
            "mov {q}, {w}",
            pass!("2", "3"),
            tail_two_words!(),
            w = in(reg) w.as_mut_ptr(),
            x = in(reg) x.as_ptr(),
            p = out(reg) _,
            q = out(reg) _,
            lo = out(reg) _,
            h0 = out(reg) _,
            h1 = out(reg) _,
            inout("rdx") y => _,
            inout("rcx") blocks => _,
            options(nostack),
        );
    }
}

/// `t = 2 t + sum a_i^2 2^(128 i)` over `t[0..2L]`: the doubling of the cross products and the
/// diagonal of a squaring. The caller passes the cross products of `a`, so the result `a^2`
/// fits `2L` words and no carry leaves `t[2L - 1]`.
#[inline(always)]
pub(crate) fn double_add_squares<const L: usize>(_cpu: Adx, t: &mut [u64], a: &[u64; L]) {
    const { assert!(L > 0 && L.is_multiple_of(8), "8-limb blocks") };
    assert!(t.len() >= 2 * L);
    /// One `i`, at byte offset `$off` into `a` (and twice that into `t`): `t[2i], t[2i+1]`
    /// doubled on the carry chain (`adcx r, r` is `2r + CF`), `a_i^2` added on the overflow
    /// chain.
    macro_rules! square {
        ($off:literal, $toff:literal, $toff8:literal) => {
            concat!(
                "mov rdx, qword ptr [{p} + ",
                $off,
                "]\n",
                "mulx {hi}, {lo}, rdx\n",
                "mov {u}, qword ptr [{q} + ",
                $toff,
                "]\n",
                "mov {v}, qword ptr [{q} + ",
                $toff8,
                "]\n",
                "adcx {u}, {u}\n",
                "adcx {v}, {v}\n",
                "adox {u}, {lo}\n",
                "adox {v}, {hi}\n",
                "mov qword ptr [{q} + ",
                $toff,
                "], {u}\n",
                "mov qword ptr [{q} + ",
                $toff8,
                "], {v}\n",
            )
        };
    }
    #[allow(unsafe_code)] // the crate denies it outside these blocks
    // SAFETY: CPU, registers, stack: see the module documentation. Memory: reads `a[0..L]`
    // (four 8-byte loads per iteration, `L / 4` iterations) and reads and writes `t[0..2L]`
    // (eight words per iteration). `a` is `&[u64; L]` and `t` a unique borrow of at least `2L`
    // words (asserted above).
    unsafe {
        asm!(
            "xor {u:e}, {u:e}",
            "2:",
            square!("0", "0", "8"),
            square!("8", "16", "24"),
            square!("16", "32", "40"),
            square!("24", "48", "56"),
            "lea {p}, [{p} + 32]",
            "lea {q}, [{q} + 64]",
            "lea rcx, [rcx - 1]",
            "jrcxz 3f",
            "jmp 2b",
            "3:",
            p = inout(reg) a.as_ptr() => _,
            q = inout(reg) t.as_mut_ptr() => _,
            lo = out(reg) _,
            hi = out(reg) _,
            u = out(reg) _,
            v = out(reg) _,
            out("rdx") _,
            inout("rcx") L / 4 => _,
            options(nostack),
        );
    }
}

/// One Montgomery reduction row of a separated squaring: `m = w[0] n0 mod 2^64`,
/// `w[0..L] += m * n`, `w[L] += high word + carries + carry_in`; returns the carry out of
/// `w[L]` (0, 1 or 2), which the caller adds into the next row's `w[L]`.
#[inline(always)]
pub(crate) fn reduce_row<const L: usize>(
    _cpu: Adx,
    w: &mut [u64],
    n: &[u64; L],
    n0: u64,
    carry_in: u64,
) -> u64 {
    const { assert!(L > 0 && L.is_multiple_of(8), "8-limb blocks") };
    assert!(w.len() == L + 1);
    let carry_out: u64;
    #[allow(unsafe_code)] // the crate denies it outside these blocks
    // SAFETY: CPU, registers, stack: see the module documentation. Memory: reads `n[0..L]`
    // (eight 8-byte loads per iteration, `L / 8` iterations), reads and writes `w[0..L+1]` (the
    // loop's `L` words, then `w[L]` at byte offset 8L). `n` is `&[u64; L]` and `w` a unique
    // borrow of length `L + 1` (asserted above).
    unsafe {
        asm!(
            "mov rdx, qword ptr [{w}]",
            "imul rdx, {n0}",
            "xor {h1:e}, {h1:e}",
            "mov {p}, {n}",
            "mov {q}, {w}",
            "mov ecx, {blocks}",
            pass!("2", "3"),
            "mov {lo}, qword ptr [{q}]",
            "adcx {lo}, {c}",
            "adox {lo}, {h1}",
            "mov qword ptr [{q}], {lo}",
            "mov {c:e}, 0",
            "adcx {c}, rcx",
            "adox {c}, rcx",
            w = in(reg) w.as_mut_ptr(),
            n = in(reg) n.as_ptr(),
            n0 = in(reg) n0,
            blocks = const L / 8,
            c = inout(reg) carry_in => carry_out,
            p = out(reg) _,
            q = out(reg) _,
            lo = out(reg) _,
            h0 = out(reg) _,
            h1 = out(reg) _,
            out("rdx") _,
            out("rcx") _,
            options(nostack),
        );
    }
    carry_out
}
