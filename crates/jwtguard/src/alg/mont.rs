//! Variable-time Montgomery arithmetic for RSA *verification*, specialised for speed.
//!
//! Everything here handles public values only (public modulus, public signature), so it may
//! branch and index on data. `Modulus::new` and `Modulus::r2` compute the parameters
//! (-n^-1 mod 2^w, R^2 mod n) when a key is loaded; the rest is the per-verify work, which for
//! e = 65537 is one conversion in, 16 squarings and one multiplication that also leaves the
//! Montgomery domain (no separate reduction: see `Modulus::pow`).
//!
//! Why not crypto-bigint's own `mul`/`square`: they are written for constant time and cost about
//! 20k instructions per 2048-bit operation on x86-64 (measured with callgrind), twice a plain
//! product-scanning loop. Two choices here are where the time goes:
//! - **Product scanning** ("FIPS", Koç-Acar-Kaliski 1996): each output word is one column sum in
//!   a three-word accumulator, interleaving the `a*b` and `m*n` products. Products in a column do
//!   not depend on each other, so the CPU overlaps the multiplies.
//! - **Squaring computes each cross product once** and doubles the column sum: about 3/4 of the
//!   multiplies of a general product. Squarings are 16 of the 18 operations per verify.
//!
//! Limbs are the machine word (u64 on 64-bit targets, u32 on 32-bit ones such as Cortex-M).
//! 32-bit targets use operand scanning instead (`Modulus::mul_fios`, see `OPERAND_SCANNING`),
//! because there `t + x * y + carry` is one `umaal` instruction. The
//! differential tests compare every function here, both multiplications included, with
//! crypto-bigint on random inputs; the RS256 tests compare whole verifications with the `rsa`
//! crate and Wycheproof; the firmware example runs the 32-bit path on an emulated Cortex-M4.

// Indices below are loop counters under 2L (L is at most 64 limbs), and every slice range is
// derived from them and the const length `L` of the arrays, so neither the index arithmetic nor
// the indexing can overflow or go out of bounds; the differential tests exercise every path.
// Limb arithmetic uses explicit wrapping and carries.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

/// A limb: the machine word, so a limb product is one multiply instruction.
#[cfg(target_pointer_width = "64")]
pub(crate) type W = u64;
#[cfg(target_pointer_width = "64")]
type DW = u128;
/// A limb: the machine word, so a limb product is one multiply instruction.
#[cfg(not(target_pointer_width = "64"))]
pub(crate) type W = u32;
#[cfg(not(target_pointer_width = "64"))]
type DW = u64;

const BITS: u32 = W::BITS;

/// Limbs in a number of `bits` bits.
pub(crate) const fn limbs(bits: usize) -> usize {
    bits / BITS as usize
}

/// `n` as little-endian limbs from big-endian bytes, right-aligned; `None` if it does not fit.
pub(crate) fn from_be<const L: usize>(bytes: &[u8]) -> Option<[W; L]> {
    const WB: usize = (BITS / 8) as usize;
    if bytes.len() > L * WB {
        return None;
    }
    let mut out = [0 as W; L];
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks(WB)) {
        *limb = chunk.iter().fold(0, |acc, &b| (acc << 8) | W::from(b));
    }
    Some(out)
}

/// `x` big-endian in `out`, right-aligned and zero-padded. False if `x` does not fit.
#[cfg(any(feature = "rsa-pss", test))]
pub(crate) fn to_be<const L: usize>(x: &[W; L], out: &mut [u8]) -> bool {
    let mut bytes = x.iter().flat_map(|w| w.to_le_bytes());
    for o in out.iter_mut().rev() {
        *o = bytes.next().unwrap_or(0);
    }
    bytes.all(|b| b == 0)
}

/// Byte `i` from the left of `x` written big-endian in `len` bytes ([`to_be`] without the
/// buffer): 0 past the limbs.
#[inline]
pub(crate) fn be_byte<const L: usize>(x: &[W; L], len: usize, i: usize) -> u8 {
    const WB: usize = (BITS / 8) as usize;
    let Some(from_right) = len.checked_sub(1).and_then(|l| l.checked_sub(i)) else {
        return 0;
    };
    match x.get(from_right / WB) {
        Some(w) => (w >> ((from_right % WB) * 8)) as u8,
        None => 0,
    }
}

/// `x * y + t + c` as (low, high) words, from 16-bit halves: on Armv6-M (Cortex-M0/M0+) the
/// 32x32->32-bit `muls` is the only multiply, and the 64-bit product the portable step asks for
/// is a call to `__aeabi_lmul` (65% of an RS256 verify there). Four `muls` and a few adds
/// instead. The sum cannot overflow 64 bits ((2^32 - 1)^2 + 2 (2^32 - 1) = 2^64 - 1).
#[cfg(any(jwtguard_armv6m, test))]
#[inline(always)]
fn step_halves(t: u32, x: u32, y: u32, c: u32) -> (u32, u32) {
    let (xl, xh) = (x & 0xffff, x >> 16);
    let (yl, yh) = (y & 0xffff, y >> 16);
    let ll = xl * yl;
    let (lh, hl, hh) = (xl * yh, xh * yl, xh * yh);
    // The middle terms, each below 2^32, may sum to 2^32 or more: that carry is worth 2^48.
    let (mid, mid_carry) = lh.overflowing_add(hl);
    let (lo, c1) = ll.overflowing_add(mid << 16);
    let hi = hh
        .wrapping_add(mid >> 16)
        .wrapping_add(u32::from(mid_carry) << 16)
        .wrapping_add(u32::from(c1));
    let (lo, c2) = lo.overflowing_add(t);
    let (lo, c3) = lo.overflowing_add(c);
    (
        lo,
        hi.wrapping_add(u32::from(c2)).wrapping_add(u32::from(c3)),
    )
}

/// Significant bits of `x`.
pub(crate) fn bits<const L: usize>(x: &[W; L]) -> usize {
    match x.iter().rposition(|&w| w != 0) {
        Some(i) => i * BITS as usize + (BITS - x[i].leading_zeros()) as usize,
        None => 0,
    }
}

/// Which multiplication the verify path uses. Operand scanning on 32-bit targets, where its
/// inner step is a single `umaal`: on a Cortex-M4 (qemu, `scripts/embedded.sh`, opt-level "s")
/// an RS256-2048 verify takes 985,120 instructions this way against 2,621,360 with product
/// scanning, whose three-word accumulator costs `umull` plus an add-with-carry chain per
/// product. Product scanning on 64-bit targets, where the multiplies of a column overlap and it
/// measured faster on x86-64 (see the module documentation).
const OPERAND_SCANNING: bool = cfg!(target_pointer_width = "32");

/// A column accumulator: `hi * 2^(2w) + lo`.
#[derive(Clone, Copy, Default)]
struct Acc {
    lo: DW,
    hi: W,
}

impl Acc {
    /// `self += a * b`. The product fits a double word: (2^w - 1)^2 < 2^2w.
    #[inline(always)]
    fn mac(&mut self, a: W, b: W) {
        let (s, c) = self
            .lo
            .overflowing_add(DW::from(a).wrapping_mul(DW::from(b)));
        self.lo = s;
        self.hi = self.hi.wrapping_add(W::from(c));
    }

    /// `self += other`.
    #[inline(always)]
    fn add(&mut self, other: Acc) {
        let (s, c) = self.lo.overflowing_add(other.lo);
        self.lo = s;
        self.hi = self.hi.wrapping_add(other.hi).wrapping_add(W::from(c));
    }

    #[inline(always)]
    fn low(&self) -> W {
        self.lo as W
    }

    /// Drop the low word: `self >>= w`.
    #[inline(always)]
    fn shift(&mut self) {
        self.lo = (self.lo >> BITS) | (DW::from(self.hi) << BITS);
        self.hi = 0;
    }
}

/// `a < b`, most significant word first.
#[inline]
pub(crate) fn less_than<const L: usize>(a: &[W; L], b: &[W; L]) -> bool {
    for i in (0..L).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// `a -= b`, ignoring the final borrow (callers know `a >= b`, or that it wraps to the answer).
#[inline]
fn sub_assign<const L: usize>(a: &mut [W; L], b: &[W; L]) {
    let mut borrow = false;
    for i in 0..L {
        let (d1, b1) = a[i].overflowing_sub(b[i]);
        let (d2, b2) = d1.overflowing_sub(W::from(borrow));
        a[i] = d2;
        borrow = b1 | b2;
    }
}

/// `acc += sum x[k] * y[k]` over two equal-length slices, with no bounds checks. Even and odd
/// terms go to separate accumulators: each multiply-add's `add`/`adc` pair then waits on the
/// one two terms back rather than the one just before, so two carry chains run in parallel.
#[inline(always)]
fn dot(acc: &mut Acc, x: &[W], y: &[W]) {
    let mut odd = Acc::default();
    let (mut xs, mut ys) = (x.chunks_exact(2), y.chunks_exact(2));
    for (xp, yp) in (&mut xs).zip(&mut ys) {
        if let ([x0, x1], [y0, y1]) = (xp, yp) {
            acc.mac(*x0, *y0);
            odd.mac(*x1, *y1);
        }
    }
    for (a, b) in xs.remainder().iter().zip(ys.remainder()) {
        acc.mac(*a, *b);
    }
    acc.add(odd);
}

/// `x` with its words in reverse order: turns the column sums `x[j] * y[i - j]` into dot
/// products of two forward slices.
#[inline(always)]
fn reversed<const L: usize>(x: &[W; L]) -> [W; L] {
    let mut r = *x;
    r.reverse();
    r
}

/// Column `i` of a product of two L-word numbers pairs `x[j]` with `y[i - j]` for `j` in
/// `lo..hi`; with `yr = reversed(y)` that is `yr[L - 1 - i + j]`.
#[inline(always)]
fn column<const L: usize>(yr: &[W; L], i: usize, lo: usize, hi: usize) -> &[W] {
    &yr[(L + lo) - (i + 1)..(L + hi) - (i + 1)]
}

/// The modulus, in both word orders, and `n0 = -n^-1 mod 2^w`: built once per key.
#[derive(Clone, Debug)]
pub(crate) struct Modulus<const L: usize> {
    n: [W; L],
    nr: [W; L],
    n0: W,
}

impl<const L: usize> Modulus<L> {
    /// For an odd modulus `n > 1` (callers check).
    pub(crate) fn new(n: &[W; L]) -> Self {
        // Newton's iteration for the inverse mod 2^w: x = 1 is right mod 2 (n is odd), and each
        // step doubles the number of correct low bits, so 7 steps cover 64 bits.
        let mut x: W = 1;
        for _ in 0..7 {
            x = x.wrapping_mul((2 as W).wrapping_sub(n[0].wrapping_mul(x)));
        }
        Self {
            n: *n,
            nr: reversed(n),
            n0: x.wrapping_neg(),
        }
    }

    /// The modulus.
    pub(crate) fn n(&self) -> &[W; L] {
        &self.n
    }

    /// `R^2 mod n` for `R = 2^(w L)`, the factor that takes a number into Montgomery form.
    ///
    /// Doubling from 1 to `2^(wL + c)` with `c = wL / 2^10`, then 10 Montgomery squarings: each
    /// maps `2^k` to `2^(2k - wL)`, so the exponent goes `wL + c`, `wL + 2c`, ..., `wL + 2^10 c =
    /// 2wL`. Every width here (2048, 3072, 4096 bits) is a multiple of 2^10 bits. Variable time,
    /// which is fine: the modulus is public.
    pub(crate) fn r2(&self) -> [W; L] {
        const SQUARINGS: u32 = 10;
        let wl = BITS as usize * L;
        let c = wl >> SQUARINGS;
        let mut t = [0 as W; L];
        t[0] = 1;
        for _ in 0..wl + c {
            // t = 2t mod n: 2t < 2n, so at most one subtraction; a carry out of the top word
            // means 2t >= 2^(wL) > n, and the wrapping subtraction gives 2t - n exactly.
            let mut carry = 0;
            for w in t.iter_mut() {
                let top = *w >> (BITS - 1);
                *w = (*w << 1) | carry;
                carry = top;
            }
            if carry != 0 || !less_than(&t, &self.n) {
                sub_assign(&mut t, &self.n);
            }
        }
        for _ in 0..SQUARINGS {
            // The Arm kernel where there is one, so a firmware image carries one squaring.
            #[cfg(all(feature = "asm", target_arch = "arm"))]
            if let Some(k) = jwtguard_mont_arm::Umaal::get() {
                k.mont_sqr_assign(&mut t, &self.n, self.n0);
                continue;
            }
            t = self.square(&t);
        }
        t
    }

    /// Add column `i`'s reduction products `m[j] * n[i - j]` (j < i in the low half) to `acc`,
    /// then close the column: in the low half choose `m[i]` so the low word cancels, in the
    /// high half emit the low word as an output word. Returns the carry into column `i + 1`.
    #[inline(always)]
    fn close(&self, mut acc: Acc, m: &mut [W; L], out: &mut [W; L], i: usize) -> Acc {
        let lo = (i + 1).saturating_sub(L);
        let hi = i.min(L);
        dot(&mut acc, &m[lo..hi], column(&self.nr, i, lo, hi));
        if i < L {
            let mi = acc.low().wrapping_mul(self.n0);
            m[i] = mi;
            acc.mac(mi, self.n[0]);
        } else {
            out[i - L] = acc.low();
        }
        acc.shift();
        acc
    }

    /// Final conditional subtraction: the result of a reduction is below 2n.
    #[inline(always)]
    fn finish(&self, mut out: [W; L], carry: Acc) -> [W; L] {
        if carry.low() != 0 || !less_than(&out, &self.n) {
            sub_assign(&mut out, &self.n);
        }
        out
    }

    /// `a * b * R^-1 mod n`, for `a, b < n`.
    pub(crate) fn mul(&self, a: &[W; L], b: &[W; L]) -> [W; L] {
        if OPERAND_SCANNING {
            return self.mul_fios(a, b);
        }
        let br = reversed(b);
        let (mut m, mut out, mut acc) = ([0 as W; L], [0 as W; L], Acc::default());
        for i in 0..2 * L {
            let (lo, hi) = ((i + 1).saturating_sub(L), (i + 1).min(L));
            dot(&mut acc, &a[lo..hi], column(&br, i, lo, hi));
            acc = self.close(acc, &mut m, &mut out, i);
        }
        self.finish(out, acc)
    }

    /// `a^2 * R^-1 mod n`, for `a < n`: each cross product `a[j] * a[k]` (j < k) once, doubled.
    pub(crate) fn square(&self, a: &[W; L]) -> [W; L] {
        if OPERAND_SCANNING {
            return self.mul_fios(a, a);
        }
        let ar = reversed(a);
        let (mut m, mut out, mut acc) = ([0 as W; L], [0 as W; L], Acc::default());
        for i in 0..2 * L {
            // Cross products a[j] * a[i - j] with j < i - j, that is j < (i + 1) / 2.
            let (lo, mid) = ((i + 1).saturating_sub(L), i.div_ceil(2));
            let mut cross = Acc::default();
            if lo < mid {
                dot(&mut cross, &a[lo..mid], column(&ar, i, lo, mid));
            }
            acc.add(cross);
            acc.add(cross);
            if i % 2 == 0 {
                acc.mac(a[i / 2], a[i / 2]);
            }
            acc = self.close(acc, &mut m, &mut out, i);
        }
        self.finish(out, acc)
    }

    /// `a * b * R^-1 mod n` by operand scanning, with the multiplication and reduction loops
    /// fused (FIOS, Koç-Acar-Kaliski 1996 §5): for each word `b[i]`, one pass adds `a * b[i]`
    /// and `m * n` to the running total and shifts it down a word, `m` chosen from the first
    /// word so the dropped word is zero. Every step is `t + x * y + carry`, which fits a double
    /// word exactly and is one `umaal` on Armv7E-M (Cortex-M4), two per word per pass.
    pub(crate) fn mul_fios(&self, a: &[W; L], b: &[W; L]) -> [W; L] {
        #[inline(always)]
        fn step(t: W, x: W, y: W, c: W) -> (W, W) {
            #[cfg(jwtguard_armv6m)]
            return step_halves(t, x, y, c);
            #[cfg(not(jwtguard_armv6m))]
            {
                let s = DW::from(x) * DW::from(y) + DW::from(t) + DW::from(c);
                (s as W, (s >> BITS) as W)
            }
        }
        // The running total is t[0..L] plus the word above it, `t_hi`; it stays below 2n.
        let mut t = [0 as W; L];
        let mut t_hi: W = 0;
        for &bi in b {
            let (t0, mut c1) = step(t[0], a[0], bi, 0);
            let m = t0.wrapping_mul(self.n0);
            // t0 + m * n[0] is 0 mod 2^w by the choice of m; only its carry is kept.
            let (_, mut c2) = step(t0, m, self.n[0], 0);
            for j in 1..L {
                let (s, c) = step(t[j], a[j], bi, c1);
                (t[j - 1], c2) = step(s, m, self.n[j], c2);
                c1 = c;
            }
            let (lo, hi1) = step(t_hi, 0, 0, c1);
            let (lo, hi2) = step(lo, 0, 0, c2);
            t[L - 1] = lo;
            t_hi = hi1.wrapping_add(hi2);
        }
        self.finish(
            t,
            Acc {
                lo: DW::from(t_hi),
                hi: 0,
            },
        )
    }

    /// `s^e mod n` for `s < n`, with `r2 = R^2 mod n`.
    ///
    /// With the `asm` feature, the work runs in a kernel where there is one:
    /// `jwtguard-mont-x86` on x86-64 (detected at run time: the whole exponentiation with
    /// AVX-512 IFMA, else the multiplications with ADX and BMI2), and `jwtguard-mont-arm` on
    /// Armv7E-M and Armv7-A builds (selected at compile time). Their tests compare them with
    /// crypto-bigint, and this file's tests compare this function with [`Modulus::pow_portable`]
    /// on whatever the CPU has. Otherwise this file's portable code runs.
    pub(crate) fn pow(&self, s: &[W; L], e: u32, r2: &[W; L]) -> [W; L] {
        // Armv7E-M and Armv7-A builds (selected at compile time: `Umaal::get` is a constant).
        #[cfg(all(feature = "asm", target_arch = "arm"))]
        if let Some(k) = jwtguard_mont_arm::Umaal::get() {
            return self.pow_by(
                s,
                e,
                r2,
                |a, b| k.mont_mul_assign(a, b, &self.n, self.n0),
                |a| k.mont_sqr_assign(a, &self.n, self.n0),
            );
        }
        // x86-64 with AVX-512 IFMA: the whole exponentiation in radix 2^52 (2048, 3072 and
        // 4096 bits; other sizes go on to ADX).
        #[cfg(all(feature = "asm", target_arch = "x86_64"))]
        if let Some(cpu) = jwtguard_mont_x86::Ifma::detect() {
            let mut out = [0; L];
            if cpu.pow_into(s, e, r2, &self.n, self.n0, &mut out) {
                return out;
            }
        }
        #[cfg(all(feature = "asm", target_arch = "x86_64"))]
        if let Some(cpu) = jwtguard_mont_x86::Adx::detect() {
            return self.pow_adx(cpu, s, e, r2);
        }
        self.pow_portable(s, e, r2)
    }

    /// [`Modulus::pow`] with the ADX kernel. Out of line, so that its operands and the
    /// kernel's scratch are on the stack only when it runs, not under the IFMA path too (a
    /// 4096-bit verify's stack is budgeted: `ffi/tests/c/stack.c`).
    #[cfg(all(feature = "asm", target_arch = "x86_64"))]
    #[inline(never)]
    fn pow_adx(&self, cpu: jwtguard_mont_x86::Adx, s: &[W; L], e: u32, r2: &[W; L]) -> [W; L] {
        self.pow_by(
            s,
            e,
            r2,
            |a, b| *a = cpu.mont_mul(a, b, &self.n, self.n0),
            |a| *a = cpu.mont_sqr(a, &self.n, self.n0),
        )
    }

    /// [`Modulus::pow`] with this file's arithmetic, whatever the CPU: the fallback, and the
    /// oracle the kernels are tested against. On x86-64, out of line like `pow_adx`, so its
    /// operands are not on the stack under the kernels' paths.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub(crate) fn pow_portable(&self, s: &[W; L], e: u32, r2: &[W; L]) -> [W; L] {
        self.pow_by(
            s,
            e,
            r2,
            |a, b| *a = self.mul(a, b),
            |a| *a = self.square(a),
        )
    }

    /// Left to right over the bits below the top one, in Montgomery form (`x = sR`), with the
    /// given Montgomery multiplication and squaring, each in place (a device's stack holds the
    /// operands and nothing more). RSA exponents are odd, and the last multiplication takes
    /// the plain `s` instead of `x`: `(s^(e-1) R) * s * R^-1 = s^e`, which leaves the
    /// Montgomery domain on the way and saves the separate reduction. e = 65537 is one
    /// conversion in, 16 squarings and one multiplication.
    #[inline(always)]
    fn pow_by(
        &self,
        s: &[W; L],
        e: u32,
        r2: &[W; L],
        mul: impl Fn(&mut [W; L], &[W; L]),
        square: impl Fn(&mut [W; L]),
    ) -> [W; L] {
        let mut x = *s;
        mul(&mut x, r2);
        let top = 31u32.saturating_sub(e.leading_zeros());
        let mut y = x;
        // e is 0 or 1 when top is 0; neither is an RSA exponent (keys are refused at load),
        // but this stays total.
        if top > 0 {
            for bit in (1..top).rev() {
                square(&mut y);
                if (e >> bit) & 1 == 1 {
                    mul(&mut y, &x);
                }
            }
            square(&mut y);
        }
        // The last multiplication leaves the Montgomery domain: by `s` for odd e, else by 1,
        // which takes `x`'s place (no third array on a device's stack, and one call site).
        let last = if e & 1 == 1 && top > 0 {
            s
        } else {
            x = [0 as W; L];
            x[0] = 1;
            &x
        };
        mul(&mut y, last);
        y
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
    use crypto_bigint::{Odd, U2048, Uint};
    use rand::{RngCore, SeedableRng};

    const L: usize = U2048::LIMBS;

    fn random_below(rng: &mut impl RngCore, n: &Uint<L>) -> Uint<L> {
        loop {
            let mut words = [0 as W; L];
            for w in &mut words {
                *w = rng.next_u64() as W;
            }
            // Match the modulus's length half the time so values near n are covered too.
            let v = Uint::<L>::from_words(words);
            if &v < n {
                return v;
            }
            let top = n.bits_vartime();
            let v = v.shr_vartime(Uint::<L>::BITS - top + 1);
            if &v < n {
                return v;
            }
        }
    }

    /// The Armv6-M step from 16-bit halves agrees with the 64-bit one, edges included.
    #[test]
    fn step_from_halves_is_the_wide_step() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(6);
        let edges = [
            0u32,
            1,
            0xffff,
            0x1_0000,
            0x8000_0000,
            u32::MAX - 1,
            u32::MAX,
        ];
        let check = |t: u32, x: u32, y: u32, c: u32| {
            let s = u64::from(x) * u64::from(y) + u64::from(t) + u64::from(c);
            assert_eq!(
                step_halves(t, x, y, c),
                (s as u32, (s >> 32) as u32),
                "{t} {x} {y} {c}"
            );
        };
        for &t in &edges {
            for &x in &edges {
                for &y in &edges {
                    for &c in &edges {
                        check(t, x, y, c);
                    }
                }
            }
        }
        for _ in 0..100_000 {
            check(
                rng.next_u32(),
                rng.next_u32(),
                rng.next_u32(),
                rng.next_u32(),
            );
        }
    }

    /// `be_byte` reads what `to_be` writes, at every length around the limbs' own.
    #[test]
    fn be_byte_is_to_be() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut x = [0 as W; 4];
        for w in &mut x {
            *w = rng.next_u64() as W;
        }
        let wb = (BITS / 8) as usize;
        for len in [4 * wb, 4 * wb + 3, 4 * wb + wb] {
            let mut out = [0u8; 40];
            to_be(&x, &mut out[..len]);
            for (i, want) in out[..len].iter().enumerate() {
                assert_eq!(be_byte(&x, len, i), *want, "len {len}, byte {i}");
            }
            assert_eq!(be_byte(&x, len, len), 0);
        }
    }

    #[test]
    fn matches_crypto_bigint() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for round in 0..40 {
            // Random odd moduli, full-length and shorter (a 2050-bit key sits in a wider type
            // with zero top words, and the arithmetic must not care).
            let mut words = [0 as W; L];
            for w in &mut words {
                *w = rng.next_u64() as W;
            }
            words[0] |= 1;
            if round % 3 == 1 {
                words[L - 1] = 0;
            }
            if round % 3 == 2 {
                words[L - 1] |= 1 << (BITS - 1);
            }
            let n = Odd::new(Uint::<L>::from_words(words)).unwrap();
            let params = FixedMontyParams::new_vartime(n);
            let m = Modulus::new(n.as_ref().as_words());
            assert_eq!(m.n0, params.mod_neg_inv().0, "n0 is -n^-1 mod 2^w");
            assert_eq!(m.n[0].wrapping_mul(m.n0), W::MAX, "n0 is -n^-1");
            assert_eq!(&m.r2(), params.r2().as_words(), "R^2 mod n");
            assert_eq!(bits(m.n()), n.as_ref().bits_vartime() as usize);
            let mut be = [0u8; 256];
            assert!(to_be(m.n(), &mut be));
            assert_eq!(from_be::<L>(&be), Some(*m.n()));
            assert_eq!(&be[..], &n.as_ref().to_be_bytes()[..]);
            assert_eq!(m.nr[0], m.n[L - 1]);
            for _ in 0..8 {
                let a = random_below(&mut rng, n.as_ref());
                let b = random_below(&mut rng, n.as_ref());
                let (fa, fb) = (
                    FixedMontyForm::new(&a, &params),
                    FixedMontyForm::new(&b, &params),
                );
                let (ma, mb) = (fa.as_montgomery().as_words(), fb.as_montgomery().as_words());
                assert_eq!(&m.mul(ma, mb), fa.mul(&fb).as_montgomery().as_words());
                assert_eq!(&m.mul_fios(ma, mb), fa.mul(&fb).as_montgomery().as_words());
                assert_eq!(&m.mul_fios(ma, ma), fa.square().as_montgomery().as_words());
                assert_eq!(&m.square(ma), fa.square().as_montgomery().as_words());
                assert_eq!(&m.mul(a.as_words(), params.r2().as_words()), ma);
                for e in [1u32, 2, 3, 4, 5, 17, 65536, 65537, 0xffff_fffe, 0xffff_ffff] {
                    let want = fa.pow_vartime(&Uint::<1>::from_u32(e)).retrieve();
                    assert_eq!(
                        &m.pow(a.as_words(), e, params.r2().as_words()),
                        want.as_words(),
                        "e={e}"
                    );
                }
            }
            // Edge values: 0, 1, n-1.
            let nm1 = n.as_ref().wrapping_sub(&Uint::ONE);
            for v in [Uint::<L>::ZERO, Uint::ONE, nm1] {
                let fv = FixedMontyForm::new(&v, &params);
                assert_eq!(
                    &m.square(fv.as_montgomery().as_words()),
                    fv.square().as_montgomery().as_words()
                );
                assert_eq!(
                    &m.mul_fios(fv.as_montgomery().as_words(), fv.as_montgomery().as_words()),
                    fv.square().as_montgomery().as_words()
                );
                let want = fv.pow_vartime(&Uint::<1>::from_u32(65537)).retrieve();
                assert_eq!(
                    &m.pow(v.as_words(), 65537, params.r2().as_words()),
                    want.as_words()
                );
            }
        }
    }

    /// The dispatched `pow` (the x86-64 kernel when this CPU has ADX/BMI2, the Arm kernel on
    /// Armv7 builds: scripts/cross-test.sh runs this on qemu-arm) against the portable
    /// code and crypto-bigint at each RSA width, including edge operands (0, 1, n-1, n-2) and
    /// the largest and smallest-top-word moduli of each width.
    fn kernel_matches_portable<const LL: usize>(seed: u64) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for round in 0..10 {
            let mut words = [0 as W; LL];
            for w in &mut words {
                *w = rng.next_u64() as W;
            }
            words[0] |= 1;
            match round {
                0 => words = [W::MAX; LL],
                1 => words[LL - 1] = 1,
                _ => words[LL - 1] |= 1 << (BITS - 1),
            }
            let n = Odd::new(Uint::<LL>::from_words(words)).unwrap();
            let params = FixedMontyParams::new_vartime(n);
            let m = Modulus::new(n.as_ref().as_words());
            let r2 = m.r2();
            assert_eq!(&r2, params.r2().as_words());
            let mut values = std::vec![Uint::<LL>::ZERO, Uint::ONE];
            values.push(n.as_ref().wrapping_sub(&Uint::ONE));
            values.push(n.as_ref().wrapping_sub(&Uint::from_u8(2)));
            for _ in 0..4 {
                let mut w = [0 as W; LL];
                w.iter_mut().for_each(|x| *x = rng.next_u64() as W);
                let v = Uint::<LL>::from_words(w);
                values.push(v.rem_vartime(n.as_nz_ref()));
            }
            for v in values {
                let fv = FixedMontyForm::new(&v, &params);
                for e in [3u32, 17, 65537, 0xffff_ffff] {
                    let want = fv.pow_vartime(&Uint::<1>::from_u32(e)).retrieve();
                    let portable = m.pow_portable(v.as_words(), e, &r2);
                    assert_eq!(&portable, want.as_words(), "portable, e={e}, {LL} limbs");
                    assert_eq!(m.pow(v.as_words(), e, &r2), portable, "dispatched, e={e}");
                }
            }
        }
    }

    #[test]
    fn kernel_matches_portable_2048() {
        kernel_matches_portable::<{ limbs(2048) }>(11);
    }

    #[test]
    fn kernel_matches_portable_3072() {
        kernel_matches_portable::<{ limbs(3072) }>(12);
    }

    #[test]
    fn kernel_matches_portable_4096() {
        kernel_matches_portable::<{ limbs(4096) }>(13);
    }
}
