//! The SHA-2 hashes of the JWS algorithms (FIPS 180-4), behind one small enum so the RSA and
//! HMAC code is written once for all three.

/// A SHA-2 hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // SHA-384/512 exist only for the families that use them
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

/// A digest of up to 64 bytes.
pub(crate) struct Digest {
    bytes: [u8; 64],
    len: usize,
}

impl Digest {
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl Hash {
    /// Output length in bytes.
    pub(crate) const fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// The digest of the concatenation of `parts`.
    pub(crate) fn digest(self, parts: &[&[u8]]) -> Digest {
        let mut out = Digest {
            bytes: [0; 64],
            len: self.len(),
        };
        fn run<D: sha2::Digest>(parts: &[&[u8]], out: &mut [u8]) {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            let h = d.finalize();
            if let Some(dst) = out.get_mut(..h.len()) {
                dst.copy_from_slice(&h);
            }
        }
        match self {
            Hash::Sha256 => run::<sha2::Sha256>(parts, &mut out.bytes),
            #[cfg(any(feature = "hmac-sha512", feature = "rsa-sha512", feature = "rsa-pss"))]
            Hash::Sha384 => run::<sha2::Sha384>(parts, &mut out.bytes),
            #[cfg(any(feature = "hmac-sha512", feature = "rsa-sha512", feature = "rsa-pss"))]
            Hash::Sha512 => run::<sha2::Sha512>(parts, &mut out.bytes),
            // Not built: no key of such an algorithm can be loaded, so this is unreachable;
            // an empty digest would fail every comparison anyway.
            #[cfg(not(any(feature = "hmac-sha512", feature = "rsa-sha512", feature = "rsa-pss")))]
            Hash::Sha384 | Hash::Sha512 => out.len = 0,
        }
        out
    }
}
