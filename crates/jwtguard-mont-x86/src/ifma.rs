//! RSA's public exponentiation in radix 2^52 with AVX-512 IFMA (`vpmadd52luq`/`vpmadd52huq`).
//!
//! One IFMA instruction multiplies eight pairs of 52-bit limbs and adds the low (or high) 52
//! bits of each 104-bit product to a 64-bit lane, so eight columns advance at once where `mulx`
//! advances one. The lanes have 12 bits of headroom, so carries are left in them and resolved
//! once per multiplication.
//!
//! The multiplication is word-serial Montgomery with a lazy accumulator, after Gueron and
//! Krasnov ("Accelerating big integer arithmetic using Intel IFMA extensions", ARITH 2016).
//! For each limb `b_i` the accumulator `x` (K lanes) gains `a * b_i + m * n`, with `m` chosen
//! to make its lowest 52 bits zero; then `x` moves down one lane. Computing `m` is the only
//! serial step, so lane 0 is also kept in a general-purpose register `r`, where full 64x64-bit
//! products give `m` and the carry out of lane 0 without a round trip through a vector
//! register; the vector's own lane 0 is never read after that and is shifted out.
//!
//! Montgomery's `R` here is `2^(52 K)`, `K` limbs being enough that `R > 4 n`: then inputs below
//! `2 n` give outputs below `2 n` (`(a b + m n) / R < 4 n^2 / 4 n + n`), and nothing is reduced
//! until the very end. The caller's `R^2 mod n` is for the 64-bit kernel's `R = 2^(64 L)`, so
//! this `R^2` is derived from it with two multiplications (see `pow`).

// The arithmetic below is on limbs below 2^61 and 128-bit products of 52-bit values, and the
// indices are loop counters under the array lengths fixed by `V`.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

/// Bits per limb: IFMA multiplies the low 52 bits of each lane.
const LIMB: u32 = 52;
const MASK: u64 = (1 << LIMB) - 1;

/// A number in 52-bit limbs, least significant first, eight to a vector: `V` vectors hold
/// `8 V` limbs (5, 8 and 10 for 2048, 3072 and 4096 bits), so each size's numbers take the
/// stack they need and no more (an RSA verify's stack is budgeted: `ffi/tests/c/stack.c`).
type Limbs<const V: usize> = [[u64; 8]; V];

/// The exponentiation and the multiplication, written once for two sets of lane operations
/// (`ops`, resolved where the macro is invoked): [`zmm`], the IFMA instructions, and in tests
/// `emulated`, the same operations on plain arrays, which checks the algorithm on any CPU. The
/// attributes go on every function: IFMA's `#[target_feature]`, or none.
///
/// Every multiplication works in place, its result over its first operand, and the
/// conversion into the domain is out of line: the loop's frame holds three numbers (`n`, `x`
/// and the running `t`), one multiplication's frame the vectors it works on.
macro_rules! engine {
    ($(#[$attr:meta])*) => {
        /// `out = s^e mod n`, under [`crate::Ifma::pow_into`]'s conditions on its inputs. `V` vectors
        /// of eight limbs hold `8 V` limbs, with `52 * 8 V >= 64 L + 2` (the caller's table).
        $(#[$attr])*
        pub(crate) fn pow<const L: usize, const V: usize>(
            s: &[u64; L],
            e: u32,
            rr: &[u64; L],
            n: &[u64; L],
            n0: u64,
            out: &mut [u64; L],
        ) {
            let k0 = n0 & MASK;
            let mut n52 = [[0; 8]; V];
            to_52_into(n, &mut n52);
            // t = s R', then left to right over e's bits below the top one, exactly as
            // `Modulus::pow_by` in the core does, with `x` the base in the domain.
            let mut t = [[0; 8]; V];
            into_domain::<L, V>(&mut t, s, rr, &n52, k0);
            let mut x = t;
            let top = 31u32.saturating_sub(e.leading_zeros());
            if top > 0 {
                for bit in (1..top).rev() {
                    amm::<V>(&mut t, None, &n52, k0);
                    if (e >> bit) & 1 == 1 {
                        amm::<V>(&mut t, Some(&x), &n52, k0);
                    }
                }
                amm::<V>(&mut t, None, &n52, k0);
            }
            // The last multiplication takes the plain `s` (odd e) or 1, in `x`'s room, and so
            // leaves the Montgomery domain.
            if e & 1 == 1 && top > 0 {
                to_52_into(s, &mut x);
            } else {
                x = [[0; 8]; V];
                x[0][0] = 1;
            }
            amm::<V>(&mut t, Some(&x), &n52, k0);
            // t < 2n (the bound above), so one subtraction makes it the residue; `t` may have
            // bit 64L set until then, which is why it happens before the limbs are repacked.
            if !less_than_52(&t, &n52) {
                sub_assign_52(&mut t, &n52);
            }
            from_52_into(&t, out);
        }

        /// `x = s R' mod n`, with `R' = 2^w`, `w = 52 * 8V`, from `rr = 2^(128L) mod n`: with
        /// `y = amm(rr, 2^d) = 2^(128L + d - w)`, `amm(y, y) = 2^(256L + 2d - 3w)`, which is
        /// `R'^2 = 2^(2w)` for `d = (5w - 256L) / 2`. Both terms are even (52 and 256 are),
        /// and `d` is below `64 (L - 1)`, so `2^d < n` for any modulus whose top word is not
        /// zero: 1104 bits for 2048, 2176 for 3072, 2208 for 4096. `x` holds `2^d` first. Out
        /// of line, so that `y` is off the stack before the exponent's loop.
        $(#[$attr])*
        #[inline(never)]
        fn into_domain<const L: usize, const V: usize>(
            x: &mut Limbs<V>,
            s: &[u64; L],
            rr: &[u64; L],
            n52: &Limbs<V>,
            k0: u64,
        ) {
            let w = LIMB as usize * 8 * V;
            let d = (5 * w - 256 * L) / 2;
            let limb = d / LIMB as usize;
            *x = [[0; 8]; V];
            x[limb / 8][limb % 8] = 1 << (d % LIMB as usize);
            let mut y = [[0; 8]; V];
            to_52_into(rr, &mut y);
            amm::<V>(&mut y, Some(x), n52, k0);
            amm::<V>(&mut y, None, n52, k0);
            to_52_into(s, x);
            amm::<V>(x, Some(&y), n52, k0);
        }

        /// `t = t * b * 2^(-52 * 8V) mod n`, `b` being `t` itself when `None` (a square):
        /// below `2n` when `t, b < 2n`, in normalized 52-bit limbs. `k0 = -n^-1 mod 2^52`;
        /// every limb of `t`, `b`, `n` is below 2^52. `t` is written once, at the end, so a
        /// square reads its `b_i` from `t` meanwhile.
        $(#[$attr])*
        #[inline(never)]
        fn amm<const V: usize>(t: &mut Limbs<V>, b: Option<&Limbs<V>>, n: &Limbs<V>, k0: u64) {
            // The operands are read where they are at each use (an IFMA instruction takes one
            // from memory): held in registers, 4096 bits' twenty vectors would not fit beside
            // the accumulator, and their copies on the stack were a verify's largest frame.
            let a: &Limbs<V> = &*t;
            let (a0, a1, n0, n1) = (a[0][0], a[0][1], n[0][0], n[0][1]);
            let zero = ops::zero();
            let mut x = [zero; V];
            // Lane 0 of the accumulator; below 2^62 (the lanes' bound below plus two high
            // halves).
            let mut r: u64 = 0;
            let b: &Limbs<V> = b.unwrap_or(a);
            for &b_i in b.iter().flatten() {
                // m makes lane 0 divisible by 2^52. The full products here are the IFMA
                // products (all factors are below 2^52), so `t >> 52` is lane 0's carry plus
                // the high halves of its two products: everything lane 0 passes up.
                let s = u128::from(r) + u128::from(a0) * u128::from(b_i);
                let m = (s as u64).wrapping_mul(k0) & MASK;
                let s = s + u128::from(m) * u128::from(n0);
                let up = (s >> LIMB) as u64;
                // Lane 1 as this step finds it: after the move it is lane 0, with this step's
                // two low halves added, which the next `r` takes from the general-purpose
                // registers (the low 52 bits of a product only need the low 64). Reading it
                // before the vector work keeps the move and an extraction off the chain from
                // `m` to the next `m`, which is what bounds this loop at 2048 bits.
                let next = ops::lane1(x[0]);
                let (bv, mv) = (ops::splat(b_i), ops::splat(m));
                for j in 0..V {
                    x[j] = ops::madd_lo(x[j], ops::load(&a[j]), bv);
                    x[j] = ops::madd_lo(x[j], ops::load(&n[j]), mv);
                }
                // Down one lane: lane k takes lane k + 1, across the vectors.
                for j in 0..V {
                    let above = if j + 1 < V { x[j + 1] } else { zero };
                    x[j] = ops::down(above, x[j]);
                }
                r = up + next + (a1.wrapping_mul(b_i) & MASK) + (n1.wrapping_mul(m) & MASK);
                // The high halves land one lane up, which after the move is the same index.
                // Lane 0's copy is counted in `r` already (through `up`), and lane 0 is
                // shifted out unread.
                for j in 0..V {
                    x[j] = ops::madd_hi(x[j], ops::load(&a[j]), bv);
                    x[j] = ops::madd_hi(x[j], ops::load(&n[j]), mv);
                }
            }
            // Each lane gained at most four values below 2^52 per step for at most 8V <= 80
            // steps: it is below 2^61, so the 64-bit lanes never wrapped. Now carry them into
            // 52-bit limbs, over `t`.
            for (limbs, v) in t.iter_mut().zip(x) {
                *limbs = ops::store(v);
            }
            t[0][0] = r;
            let mut carry = 0;
            for limb in t.iter_mut().flatten() {
                let s = *limb + carry;
                *limb = s & MASK;
                carry = s >> LIMB;
            }
            // The value is below 2n < 2^(52 * 8V), so nothing is carried out of the top limb.
        }
    };
}

/// The IFMA engine: [`ops`](zmm::ops) are the AVX-512 instructions.
pub(crate) mod zmm {
    use super::{LIMB, Limbs, MASK, from_52_into, less_than_52, sub_assign_52, to_52_into};

    engine!(#[target_feature(enable = "avx512f,avx512ifma")]);

    /// Eight 52-bit limbs in the 64-bit lanes of a `zmm` register.
    pub(super) mod ops {
        use core::arch::x86_64::{
            __m512i, _mm_extract_epi64, _mm512_alignr_epi64, _mm512_castsi512_si128,
            _mm512_madd52hi_epu64, _mm512_madd52lo_epu64, _mm512_set1_epi64, _mm512_setzero_si512,
        };

        pub(crate) type Vector = __m512i;

        /// `acc + lo52(a * b)` in each lane, of the low 52 bits of `a` and `b`.
        #[target_feature(enable = "avx512f,avx512ifma")]
        #[inline]
        pub(crate) fn madd_lo(acc: Vector, a: Vector, b: Vector) -> Vector {
            _mm512_madd52lo_epu64(acc, a, b)
        }

        /// `acc + hi52(a * b)` in each lane: bits 52 to 103 of the product.
        #[target_feature(enable = "avx512f,avx512ifma")]
        #[inline]
        pub(crate) fn madd_hi(acc: Vector, a: Vector, b: Vector) -> Vector {
            _mm512_madd52hi_epu64(acc, a, b)
        }

        /// Lanes 1..8 of `v`, then lane 0 of `above`.
        #[target_feature(enable = "avx512f")]
        #[inline]
        pub(crate) fn down(above: Vector, v: Vector) -> Vector {
            _mm512_alignr_epi64::<1>(above, v)
        }

        /// `x` in every lane.
        #[target_feature(enable = "avx512f")]
        #[inline]
        pub(crate) fn splat(x: u64) -> Vector {
            _mm512_set1_epi64(x as i64)
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        pub(crate) fn zero() -> Vector {
            _mm512_setzero_si512()
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        pub(crate) fn lane1(v: Vector) -> u64 {
            _mm_extract_epi64::<1>(_mm512_castsi512_si128(v)) as u64
        }

        /// Eight limbs as a vector, the first in lane 0.
        #[inline(always)]
        pub(crate) fn load(x: &[u64; 8]) -> Vector {
            #[allow(unsafe_code)] // the crate denies it outside these blocks
            // SAFETY: `[u64; 8]` and `__m512i` are both 64 bytes of plain integer data, and
            // every bit pattern is a valid value of either; `transmute` checks the sizes at
            // compile time. (The load intrinsics take a raw pointer; this needs none.)
            unsafe {
                core::mem::transmute::<[u64; 8], Vector>(*x)
            }
        }

        /// The eight lanes of `v`, lane 0 first.
        #[inline(always)]
        pub(crate) fn store(v: Vector) -> [u64; 8] {
            #[allow(unsafe_code)] // the crate denies it outside these blocks
            // SAFETY: as in `load`: same size, plain integers, every bit pattern valid.
            unsafe {
                core::mem::transmute::<Vector, [u64; 8]>(v)
            }
        }
    }
}

/// The same engine on plain arrays: what each IFMA instruction computes, written out, so the
/// tests check the algorithm (the lane-0 shortcut, the moves, the carries, the conversions)
/// on CPUs without IFMA and hold the instructions to the same answers on CPUs with it.
#[cfg(test)]
pub(crate) mod emulated {
    use super::{LIMB, Limbs, MASK, from_52_into, less_than_52, sub_assign_52, to_52_into};

    engine!();

    pub(super) mod ops {
        use super::super::{LIMB, MASK};

        pub(crate) type Vector = [u64; 8];

        fn product(a: u64, b: u64) -> u128 {
            u128::from(a & MASK) * u128::from(b & MASK)
        }

        pub(crate) fn madd_lo(acc: Vector, a: Vector, b: Vector) -> Vector {
            core::array::from_fn(|k| acc[k].wrapping_add(product(a[k], b[k]) as u64 & MASK))
        }

        pub(crate) fn madd_hi(acc: Vector, a: Vector, b: Vector) -> Vector {
            core::array::from_fn(|k| acc[k].wrapping_add((product(a[k], b[k]) >> LIMB) as u64))
        }

        pub(crate) fn down(above: Vector, v: Vector) -> Vector {
            core::array::from_fn(|k| if k < 7 { v[k + 1] } else { above[0] })
        }

        pub(crate) fn splat(x: u64) -> Vector {
            [x; 8]
        }

        pub(crate) fn zero() -> Vector {
            [0; 8]
        }

        pub(crate) fn lane1(v: Vector) -> u64 {
            v[1]
        }

        pub(crate) fn load(x: &[u64; 8]) -> Vector {
            *x
        }

        pub(crate) fn store(v: Vector) -> [u64; 8] {
            v
        }
    }
}

/// `out` = `x`'s 52-bit limbs (every limb of `out` written: zeros above `x`).
fn to_52_into<const L: usize, const V: usize>(x: &[u64; L], out: &mut Limbs<V>) {
    for (i, limb) in out.iter_mut().flatten().enumerate() {
        let (word, shift) = ((LIMB as usize * i) / 64, (LIMB as usize * i) % 64);
        let mut v = x.get(word).map_or(0, |&lo| lo >> shift);
        // The limb straddles two words when fewer than 52 of its bits are in the first.
        if shift > 64 - LIMB as usize
            && let Some(&hi) = x.get(word + 1)
        {
            v |= hi << (64 - shift);
        }
        *limb = v & MASK;
    }
}

/// `out` = normalized 52-bit limbs `x` as 64-bit ones, for a value below `2^(64 L)`.
fn from_52_into<const L: usize, const V: usize>(x: &Limbs<V>, out: &mut [u64; L]) {
    *out = [0; L];
    for (i, &v) in x.iter().flatten().enumerate() {
        let (word, shift) = ((LIMB as usize * i) / 64, (LIMB as usize * i) % 64);
        if let Some(o) = out.get_mut(word) {
            *o |= v << shift;
        }
        if shift > 64 - LIMB as usize
            && let Some(o) = out.get_mut(word + 1)
        {
            *o |= v >> (64 - shift);
        }
    }
}

/// `a < b` for normalized 52-bit limbs, most significant first.
fn less_than_52<const V: usize>(a: &Limbs<V>, b: &Limbs<V>) -> bool {
    for (x, y) in a.iter().flatten().rev().zip(b.iter().flatten().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` for normalized 52-bit limbs, `a >= b`.
fn sub_assign_52<const V: usize>(a: &mut Limbs<V>, b: &Limbs<V>) {
    let mut borrow = 0;
    for (x, y) in a.iter_mut().flatten().zip(b.iter().flatten()) {
        let d = x.wrapping_sub(*y).wrapping_sub(borrow);
        *x = d & MASK;
        borrow = d >> 63;
    }
}

#[cfg(test)]
mod tests;
