//! Base64url decoding (RFC 4648 §5) of whole blocks with SSSE3 or AVX2, for the segments of a
//! JSON Web Token (RFC 7515 §2).
//!
//! This crate decodes the *bulk* of a segment and leaves its end, and anything it does not
//! like, to the caller's scalar decoder:
//! - [`Simd::decode_prefix`] decodes blocks of 32 characters (AVX2) or 16 (SSSE3) from the
//!   front of the input, and stops before the first block that holds a byte outside the
//!   base64url alphabet (`A`-`Z`, `a`-`z`, `0`-`9`, `-`, `_`), or that does not fit the output;
//! - it returns how many characters it consumed, always a multiple of 16, so the bytes written
//!   are exactly `consumed / 4 * 3`: every 4 characters of a block are one whole quantum, which
//!   decodes to 3 bytes whatever they are. There are no padding characters and no unused bits
//!   inside a block, so nothing here decides canonicity: the last 2 or 3 characters of a
//!   segment, where the unused low bits must be zero (RFC 4648 §3.5), and every error, are the
//!   caller's to decode and report. Strictness is therefore exactly the scalar decoder's.
//!
//! The `unsafe` is in `kernel.rs`: the unaligned loads and stores (each on a slice whose length
//! the same function checked) and the calls into its `#[target_feature]` functions, which are
//! only made through a [`Simd`], proof that CPUID reported the feature.
//!
//! **Not constant time.** The loop stops at the first invalid block, so its running time
//! depends on the input. A token's segments are public; do not decode secrets with this.
//!
//! Under Miri, and on other architectures, [`Simd::detect`] always returns `None` and no vector
//! code is compiled, so callers use their scalar decoder alone.
#![no_std]

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod kernel;

#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(avx2, "avx2");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(ssse3, "ssse3");

/// Proof that the running CPU has the vector instructions of one code path.
///
/// Its fields are private, so the only ways to obtain one are [`Simd::detect`], [`Simd::avx2`]
/// and [`Simd::ssse3`], each of which asks CPUID first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Simd {
    level: Level,
}

/// The widest code path the CPU allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// 32 characters per step (AVX2), then one 16-character step when 16 to 31 remain.
    Avx2,
    /// 16 characters per step (SSSE3, which every x86-64 CPU since 2006 has).
    Ssse3,
}

impl Simd {
    /// The widest path this CPU supports: AVX2, else SSSE3, else `None`. The first call runs
    /// CPUID; later calls read a cached flag.
    #[inline]
    pub fn detect() -> Option<Self> {
        Self::avx2().or_else(Self::ssse3)
    }

    /// The AVX2 path, when this CPU (and its OS) support it: for tests and benches that run
    /// each path.
    #[inline]
    pub fn avx2() -> Option<Self> {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        if avx2::get() && ssse3::get() {
            return Some(Self { level: Level::Avx2 });
        }
        None
    }

    /// The SSSE3 path, when this CPU supports it.
    #[inline]
    pub fn ssse3() -> Option<Self> {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        if ssse3::get() {
            return Some(Self {
                level: Level::Ssse3,
            });
        }
        None
    }

    /// Characters per step of the widest loop: 32 (AVX2) or 16 (SSSE3).
    #[inline]
    pub fn block_chars(self) -> usize {
        match self.level {
            Level::Avx2 => 32,
            Level::Ssse3 => 16,
        }
    }

    /// Decodes whole blocks of `input` into the front of `out`, and returns the number of
    /// characters consumed: a multiple of 16, after which `out[..consumed / 4 * 3]` holds their
    /// bytes and the rest of `out` is untouched.
    ///
    /// It stops before the first 16-character block that holds a byte outside the base64url
    /// alphabet, or whose 12 bytes do not fit in `out`, or that is not whole. The caller
    /// decodes `input[consumed..]` with its scalar decoder, which reports any error.
    #[inline]
    pub fn decode_prefix(self, input: &[u8], out: &mut [u8]) -> usize {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        return match self.level {
            Level::Avx2 => kernel::decode_avx2(self, input, out),
            Level::Ssse3 => kernel::decode_ssse3(self, input, out),
        };
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        {
            let _ = (input, out); // unreachable: no `Simd` exists on these builds
            0
        }
    }
}

#[cfg(test)]
mod tests;
