//! Montgomery multiplication for Armv7E-M (Cortex-M4, M7) and Armv7-A with `umaal`, for
//! jwtguard's RSA signature verification.
//!
//! Portable Rust gets `umaal` from LLVM, but about five and a half instructions per `umaal`
//! around it (loads, stores, carries through the stack): the portable FIOS loop of jwtguard's
//! `mont.rs` runs an RS256-2048 verify in about 0.9 M instructions on a Cortex-M4. The kernel
//! here adds two rows per pass over the operand, so each loaded word feeds two `umaal`s, and
//! keeps every pointer, carry and multiplier of a pass in registers: about 2.6 instructions per
//! limb product. The `unsafe` is the one `asm!` block in `kernel.rs`, with its SAFETY argument;
//! everything around it, and the whole API, is safe:
//! - [`Umaal::get`] is the only way to get an [`Umaal`], and it returns one only when the crate
//!   was compiled for a target with `umaal` in Thumb-2 (the build script decides from the
//!   target's name: `thumbv7em`, `thumbv7neon`, `thumbv7a`, `armv7`);
//! - [`Umaal::mont_mul`] takes fixed-size limb arrays, so every length the assembly relies on
//!   is checked by the type system (multiples of 8 limbs: 2048, 3072 and 4096 bits are 64, 96
//!   and 128 limbs).
//!
//! **Not constant time.** The final subtraction branches on the result, and nothing here hides
//! timing. That is deliberate: RSA *verification* handles only public values (the public key
//! and the signature), so there is nothing to leak. Do not use this for private-key operations.
//!
//! Elsewhere (other architectures, Armv6-M, Miri), [`Umaal::get`] returns `None` and no
//! assembly is compiled, so callers fall back to their portable code.
#![no_std]

#[cfg(jwtguard_umaal)]
mod kernel;

/// The largest operand this crate handles, in 32-bit limbs (4096 bits).
pub const MAX_LIMBS: usize = 128;

/// Proof that the code was compiled for a CPU with `umaal`: the kernel's instructions exist.
///
/// Its field is private, so the only way to obtain one is [`Umaal::get`].
#[derive(Clone, Copy, Debug)]
pub struct Umaal {
    _compiled: (),
}

impl Umaal {
    /// `Some` when this build targets an instruction set with `umaal` (decided at compile time).
    #[inline]
    pub const fn get() -> Option<Self> {
        if cfg!(jwtguard_umaal) {
            Some(Self { _compiled: () })
        } else {
            None
        }
    }

    /// `a * b * 2^(-32 L) mod n`.
    ///
    /// Requires `n` odd, `n0 = -n^-1 mod 2^32` and `a, b < n`; then the result is below `n`,
    /// the same value as any other Montgomery multiplication. Other inputs give an unspecified
    /// value, never undefined behaviour. `L` is a multiple of 8 up to [`MAX_LIMBS`] (a
    /// compile-time check).
    #[inline]
    pub fn mont_mul<const L: usize>(
        self,
        a: &[u32; L],
        b: &[u32; L],
        n: &[u32; L],
        n0: u32,
    ) -> [u32; L] {
        let mut out = *a;
        self.mont_mul_assign(&mut out, b, n, n0);
        out
    }

    /// `a^2 * 2^(-32 L) mod n`, with the requirements of [`Umaal::mont_mul`].
    #[inline]
    pub fn mont_sqr<const L: usize>(self, a: &[u32; L], n: &[u32; L], n0: u32) -> [u32; L] {
        let mut out = *a;
        self.mont_sqr_assign(&mut out, n, n0);
        out
    }

    /// [`Umaal::mont_mul`] in place: `a = a * b * 2^(-32 L) mod n`. No temporary array: an
    /// exponentiation on a device keeps its stack to its operands.
    #[inline]
    pub fn mont_mul_assign<const L: usize>(
        self,
        a: &mut [u32; L],
        b: &[u32; L],
        n: &[u32; L],
        n0: u32,
    ) {
        let mut t = Total::<L>::new();
        self.accumulate(&mut t, a, b, n, n0);
        finish(&t, n, a);
    }

    /// [`Umaal::mont_sqr`] in place: `a = a^2 * 2^(-32 L) mod n`.
    #[inline]
    pub fn mont_sqr_assign<const L: usize>(self, a: &mut [u32; L], n: &[u32; L], n0: u32) {
        let mut t = Total::<L>::new();
        self.accumulate(&mut t, a, a, n, n0);
        finish(&t, n, a);
    }

    /// The passes of a Montgomery multiplication, leaving `a * b * 2^(-32 L) mod n` plus at
    /// most one `n` in `t` (`body` and the bit in `tail[0]`).
    ///
    /// Coarsely integrated operand scanning (Koç, Acar and Kaliski 1996, §4) with a digit of
    /// two words: for each pair of words of `b`, one pass adds `(b_2i + b_2i+1 W) a` to the
    /// running total `t`, and a second adds `(m_0 + m_1 W) n` with `m` chosen to zero `t`'s two
    /// low words, writing the total back two words lower. `t` stays below `2n` after each
    /// pair, so it never needs more than `L + 3` words.
    ///
    /// Never inlined, and with no argument the compiler could specialise on: an
    /// exponentiation calls it from several places, and firmware flash is worth more than a
    /// call.
    #[inline(never)]
    fn accumulate<const L: usize>(
        self,
        t: &mut Total<L>,
        a: &[u32; L],
        b: &[u32; L],
        n: &[u32; L],
        n0: u32,
    ) {
        const {
            assert!(
                L > 0 && L.is_multiple_of(8) && L <= MAX_LIMBS,
                "L: 8, 16, ..., 128 limbs"
            )
        };
        #[cfg(jwtguard_umaal)]
        for pair in b.chunks_exact(2) {
            let (b0, b1) = (pair[0], pair[1]);
            kernel::add_rows(self, t, a, b0, b1, false);
            // m0 zeroes word 0 of t + m0 n; m1 zeroes word 1 of t + (m0 + m1 W) n, which is
            // word 1 of t + m0 n (plus m1 n[0], whose low word cancels).
            let (t0, t1) = (t.body[0], t.body[1]);
            let m0 = t0.wrapping_mul(n0);
            let carry = (u64::from(m0) * u64::from(n[0]) + u64::from(t0)) >> 32;
            let w1 = (u64::from(m0) * u64::from(n[1]) + u64::from(t1) + carry) as u32;
            let m1 = w1.wrapping_mul(n0);
            kernel::add_rows(self, t, n, m0, m1, true);
        }
        #[cfg(not(jwtguard_umaal))]
        let _ = (t, a, b, n, n0); // unreachable: no `Umaal` exists on these builds
    }
}

/// The result of the passes, reduced below `n`, into `out`. Not inlined, for flash, as
/// `Umaal::accumulate`.
#[inline(never)]
fn finish<const L: usize>(t: &Total<L>, n: &[u32; L], out: &mut [u32; L]) {
    out.copy_from_slice(&t.body);
    if t.tail[0] != 0 || !less_than(out, n) {
        sub_assign(out, n);
    }
}

/// The running total of `Umaal::accumulate`: `L + 3` words in `body`, with two words in front
/// for the reduction pass, which reads word `j` of the total and writes it back to word
/// `j - 2`, i.e. two words lower in memory: `head` takes the two words that fall off (both zero
/// by the choice of `m`). `repr(C)` keeps the three arrays contiguous, so one pointer derived
/// from the whole struct reaches all of them.
#[repr(C)]
pub(crate) struct Total<const L: usize> {
    pub(crate) head: [u32; 2],
    pub(crate) body: [u32; L],
    pub(crate) tail: [u32; 3],
}

impl<const L: usize> Total<L> {
    const fn new() -> Self {
        Self {
            head: [0; 2],
            body: [0; L],
            tail: [0; 3],
        }
    }
}

/// `a < b`, most significant word first.
fn less_than<const L: usize>(a: &[u32; L], b: &[u32; L]) -> bool {
    for (x, y) in a.iter().zip(b).rev() {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b`, modulo `2^(32 L)`.
fn sub_assign<const L: usize>(a: &mut [u32; L], b: &[u32; L]) {
    let mut borrow = 0u32;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(borrow);
        *x = d;
        borrow = u32::from(b1 | b2);
    }
}
