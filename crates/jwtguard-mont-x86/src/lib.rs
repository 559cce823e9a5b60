//! Montgomery arithmetic for x86-64, for jwtguard's RSA signature verification: two kernels,
//! picked at run time.
//!
//! - [`Ifma`]: the whole exponentiation in radix 2^52 with AVX-512 IFMA, eight limb products
//!   per instruction (module `ifma`): `s^65537` at 2048 bits in 6.9 µs against 14.2 µs with
//!   [`Adx`] on an AMD EPYC (Zen 4; `examples/speed.rs`), on the CPUs that have it (Intel since
//!   Ice Lake, AMD since Zen 4).
//! - [`Adx`]: Montgomery multiplication and squaring with `mulx`/`adcx`/`adox` (BMI2 and ADX,
//!   every x86-64 CPU since 2015). Safe Rust cannot reach this speed: LLVM does not emit
//!   `adcx`/`adox` from the `_addcarryx_u64` intrinsic (it saves and restores each carry), so a
//!   portable loop runs one carry chain where this runs two.
//!
//! The `unsafe` is the four `asm!` blocks in `kernel.rs`, the call into the IFMA engine and its
//! two conversions between arrays and vector registers, each with its SAFETY argument;
//! everything around them, and the whole API, is safe:
//! - [`Adx::detect`] and [`Ifma::detect`] are the only way to get an [`Adx`] or an [`Ifma`],
//!   and they return one only when CPUID reports the instructions (and, for AVX-512, the OS's
//!   support for the registers), through the `cpufeatures` crate, which caches the answer;
//! - [`Adx::mont_mul`], [`Adx::mont_sqr`] and [`Ifma::pow_into`] take fixed-size limb arrays, so
//!   every length the kernels rely on is checked by the type system (8-limb blocks: 2048, 3072
//!   and 4096 bits are 32, 48 and 64 limbs).
//!
//! **Not constant time.** The final subtraction branches on the result, and nothing here hides
//! timing. That is deliberate: RSA *verification* handles only public values (the public key and
//! the signature), so there is nothing to leak. Do not use this for private-key operations.
//!
//! Under Miri, and on other architectures, both `detect` functions always return `None` and no
//! kernel is compiled, so callers fall back to their portable code.
#![no_std]

// The tests use the standard library (and `tests/support`, which they share with the
// integration tests, names it from the crate root).
#[cfg(test)]
extern crate std;

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod ifma;
#[cfg(all(target_arch = "x86_64", not(miri)))]
mod kernel;

/// The largest operand this crate handles, in 64-bit limbs (4096 bits).
pub const MAX_LIMBS: usize = 64;

#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(adx_bmi2, "adx", "bmi2");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(avx512_ifma, "avx512f", "avx512ifma");

/// A proof that the running CPU has some instructions: a type with a private field whose only
/// constructor, `detect`, asks `cpufeatures` (which runs CPUID once, then reads a cached flag).
/// Under Miri and on other architectures `detect` is always `None`.
macro_rules! cpu_proof {
    ($(#[$doc:meta])* $name:ident, $flag:ident, $(#[$detect:meta])*) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name {
            _detected: (),
        }

        impl $name {
            $(#[$detect])*
            #[inline]
            pub fn detect() -> Option<Self> {
                #[cfg(all(target_arch = "x86_64", not(miri)))]
                if $flag::get() {
                    return Some(Self { _detected: () });
                }
                None
            }
        }
    };
}

cpu_proof!(
    /// Proof that the running CPU has ADX and BMI2: the kernel's instructions are available.
    ///
    /// Its field is private, so the only way to obtain one is [`Adx::detect`].
    Adx,
    adx_bmi2,
    /// `Some` when this CPU supports ADX and BMI2. The first call runs CPUID; later calls read
    /// a cached flag.
);

cpu_proof!(
    /// Proof that the running CPU has AVX-512F and AVX-512 IFMA, and that the OS saves the
    /// vector state (`cpufeatures` checks XCR0): the instructions of [`Ifma::pow_into`] are
    /// available.
    ///
    /// Its field is private, so the only way to obtain one is [`Ifma::detect`].
    Ifma,
    avx512_ifma,
    /// `Some` when this CPU supports AVX-512F and AVX-512 IFMA (Intel since Ice Lake and
    /// Sapphire Rapids, AMD since Zen 4). The first call runs CPUID; later calls read a cached
    /// flag.
);

impl Adx {
    /// `a * b * 2^(-64 L) mod n`.
    ///
    /// Requires `n` odd, `n0 = -n^-1 mod 2^64` and `a, b < n`; then the result is below `n`,
    /// the same value as any other Montgomery multiplication. Other inputs give an unspecified
    /// value, never undefined behaviour. `L` is a multiple of 8 up to [`MAX_LIMBS`] (a
    /// compile-time check).
    #[inline]
    pub fn mont_mul<const L: usize>(
        self,
        a: &[u64; L],
        b: &[u64; L],
        n: &[u64; L],
        n0: u64,
    ) -> [u64; L] {
        const {
            assert!(
                L > 0 && L.is_multiple_of(8) && L <= MAX_LIMBS,
                "L: 8, 16, ..., 64 limbs"
            )
        };
        // The running total lives in a window t[i..i + L + 2] that moves up one word per row,
        // so no row shifts anything. After row i, t[..=i] is zero and the value is below 2n
        // (Koç et al., §4), so after the last row it is t[L..=2L], t[2L] being at most 1.
        let mut t = [0u64; 2 * MAX_LIMBS + 2];
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        for (i, &b_i) in b.iter().enumerate() {
            kernel::row(self, &mut t[i..i + L + 2], a, b_i, n, n0);
        }
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        let _ = (a, b, n0); // unreachable: no `Adx` exists on these builds
        let mut out = [0u64; L];
        out.copy_from_slice(&t[L..2 * L]);
        if t[2 * L] != 0 || !less_than(&out, n) {
            sub_assign(&mut out, n);
        }
        out
    }

    /// `a^2 * 2^(-64 L) mod n`, with the requirements of [`Adx::mont_mul`].
    ///
    /// Separated operand scanning (Koç et al. §3): each cross product `a_i a_j` (`i < j`) once,
    /// doubled together with the diagonal `a_i^2`, then `L` reduction rows. That is
    /// `L(L-1)/2 + L + L^2` limb products against `2 L^2` for [`Adx::mont_mul`]: 24% fewer at
    /// 32 limbs, and 16 of the 17 multiplications of an RSA verify with e = 65537 are squarings.
    #[inline]
    pub fn mont_sqr<const L: usize>(self, a: &[u64; L], n: &[u64; L], n0: u64) -> [u64; L] {
        const {
            assert!(
                L > 0 && L.is_multiple_of(8) && L <= MAX_LIMBS,
                "L: 8, 16, ..., 64 limbs"
            )
        };
        let mut t = [0u64; 2 * MAX_LIMBS + 10];
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            // Row i adds a_i * a[i+1..L] at word 2i + 1. The kernel works in whole 8-limb
            // blocks, so the row reads on into zero padding: up to 7 products of 0 per row, and
            // it writes up to word L + i + 9 < 2 * MAX_LIMBS + 10. Words from 2L up stay zero,
            // because the sum of the cross products is below 2^(128 L - 1).
            let mut padded = [0u64; MAX_LIMBS + 8];
            padded[..L].copy_from_slice(a);
            for (i, &a_i) in a.iter().enumerate().take(L - 1) {
                let blocks = (L - 1 - i).div_ceil(8);
                kernel::mul_add(self, &mut t[2 * i + 1..], &padded[i + 1..], a_i, blocks);
            }
            kernel::double_add_squares(self, &mut t[..2 * L], a);
            // Reduction: row i zeroes word i; its carry out of word i + L goes into the next
            // row's top word, and the last one is the result's bit 64L (the value is below 2n).
            let mut carry = 0;
            for i in 0..L {
                carry = kernel::reduce_row(self, &mut t[i..i + L + 1], n, n0, carry);
            }
            t[2 * L] = carry;
        }
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        let _ = (a, n0); // unreachable: no `Adx` exists on these builds
        let mut out = [0u64; L];
        out.copy_from_slice(&t[L..2 * L]);
        if t[2 * L] != 0 || !less_than(&out, n) {
            sub_assign(&mut out, n);
        }
        out
    }
}

impl Ifma {
    /// `out = s^e mod n`, for `s < n` and `e >= 1`, with `n` odd, its top word not zero,
    /// `n0 = -n^-1 mod 2^64` and `rr = 2^(128 L) mod n` (what [`Adx::mont_mul`] and the core's
    /// Montgomery code use).
    ///
    /// The whole exponentiation runs in radix 2^52 with IFMA (the module `ifma` says how), one
    /// conversion in and out. False, and `out` untouched, for sizes other than 2048, 3072 and
    /// 4096 bits (32, 48 and 64 limbs), which callers serve with [`Adx`]. Other inputs than the
    /// above give an unspecified value, never undefined behaviour. Not constant time, like
    /// [`Adx`]: public values only. The result goes into the caller's `out` (a 4096-bit one is
    /// 512 bytes, which a stack-conscious caller already has).
    #[inline]
    pub fn pow_into<const L: usize>(
        self,
        s: &[u64; L],
        e: u32,
        rr: &[u64; L],
        n: &[u64; L],
        n0: u64,
        out: &mut [u64; L],
    ) -> bool {
        // Eight-limb vectors, enough for 52 * 8V >= 64 L + 2 bits (so that R > 4n).
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            #[allow(unsafe_code)] // the crate denies it outside these blocks
            // SAFETY: `zmm::pow` is `#[target_feature(enable = "avx512f,avx512ifma")]`; `self`
            // exists only because `detect` saw both features and the OS's support for their
            // registers. The function takes only references to initialized arrays whose
            // lengths its types fix, and it has no other preconditions.
            unsafe {
                match L {
                    32 => ifma::zmm::pow::<L, 5>(s, e, rr, n, n0, out),
                    48 => ifma::zmm::pow::<L, 8>(s, e, rr, n, n0, out),
                    64 => ifma::zmm::pow::<L, 10>(s, e, rr, n, n0, out),
                    _ => return false,
                }
            }
            true
        }
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        {
            let _ = (s, e, rr, n, n0, out); // unreachable: no `Ifma` exists on these builds
            false
        }
    }
}

/// `a < b`, most significant word first.
fn less_than<const L: usize>(a: &[u64; L], b: &[u64; L]) -> bool {
    for (x, y) in a.iter().zip(b).rev() {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b`, dropping the final borrow: the caller knows the true difference is below `2^(64L)`.
fn sub_assign<const L: usize>(a: &mut [u64; L], b: &[u64; L]) {
    let mut borrow = false;
    for (x, y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(*y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *x = d2;
        borrow = b1 | b2;
    }
}
