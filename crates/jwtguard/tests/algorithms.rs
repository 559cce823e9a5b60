//! The algorithm families beyond HS256/RS256 (issue 17) end to end: the RFC vectors, tokens
//! minted by the reference crates (`rsa`, `p256`/`p384`, `ed25519-dalek`) and checked against
//! their own verify, and the attack catalogue (algorithm confusion across families, psychic
//! ECDSA signatures, DER signatures, Ed25519 small-order and non-canonical inputs).
#![cfg(all(
    feature = "hmac-sha512",
    feature = "rsa-sha512",
    feature = "rsa-pss",
    feature = "ecdsa",
    feature = "eddsa",
    feature = "rsa-4096"
))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::rsa_keys::{data, private_key};
use jwtguard::alg::{EcKey, Ed25519Key};
use jwtguard::{Algorithm, Error, KeyRing, Policy, TokenBuf, UntrustedToken, Verifier};
use rand::{RngCore, SeedableRng};
use rsa::pkcs8::EncodePublicKey;

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}

/// The signature layer alone: parse, then verify against `keys`.
fn sig_check<const N: usize>(keys: &KeyRing<N>, token: &str) -> Result<(), Error> {
    let mut buf = TokenBuf::new();
    UntrustedToken::parse(token.as_bytes(), &mut buf)?
        .verify_signature(keys)
        .map(|_| ())
}

// ---- RFC vectors ----

/// RFC 7520 §4.2 (PS384 over the Tolkien payload, with the §3.3 RSA key): the key is bound
/// by the JWK's `alg`; without it the key is RS256's and does not answer PS384.
#[test]
fn rfc7520_4_2_ps384() {
    let n = "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw";
    let token = "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4.cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw";
    let jwk = |alg: &str| {
        format!(
            r#"{{"kty":"RSA","kid":"bilbo.baggins@hobbiton.example","use":"sig","n":"{n}","e":"AQAB"{alg}}}"#
        )
    };
    let mut ps = KeyRing::<1>::new();
    ps.add_jwk(jwk(r#","alg":"PS384""#).as_bytes()).unwrap();
    assert_eq!(sig_check(&ps, token), Ok(()));
    let mut rs = KeyRing::<1>::new();
    rs.add_jwk(jwk("").as_bytes()).unwrap();
    assert_eq!(sig_check(&rs, token), Err(Error::AlgorithmMismatch));
    // One bit of the signature, and it fails.
    let at = token.len() - 20;
    let flipped = if &token[at..=at] == "A" { "B" } else { "A" };
    let t = format!("{}{flipped}{}", &token[..at], &token[at + 1..]);
    assert_eq!(sig_check(&ps, &t), Err(Error::InvalidSignature));
}

/// RFC 7515 A.3: ES256, with the key as a JWK (kty EC, P-256).
#[test]
fn rfc7515_a3_es256() {
    let jwk = br#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    let mut ring = KeyRing::<1>::new();
    ring.add_jwk(jwk).unwrap();
    assert_eq!(sig_check(&ring, token), Ok(()));
    // The whole chain: a policy for joe's token, just before its exp.
    static POLICY: Policy<'static> = Policy::new()
        .issuers(&["joe"])
        .without_audience()
        .require_sub(false);
    let v = Verifier::new(ring, POLICY);
    let mut buf = TokenBuf::new();
    let claims = v.verify(token.as_bytes(), 1_300_819_379, &mut buf).unwrap();
    assert_eq!(claims.boolean("http://example.com/is_root"), Ok(None));
    assert!(claims.value("http://example").is_none());
}

/// RFC 7515 A.3's key as a SEC 1 point (`04 || x || y`), the loader a device without key
/// formats uses: the same verdict as the JWK, and the point checked as the JWK's is.
#[test]
fn rfc7515_a3_es256_from_a_sec1_point() {
    let x = unb64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
    let y = unb64("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
    let mut point = vec![4u8];
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    let mut ring = KeyRing::<2>::new();
    ring.add_ec_point(Algorithm::ES256, Some("a3"), &point)
        .unwrap();
    assert_eq!(sig_check(&ring, token), Ok(()));
    // Off the curve, the identity's encoding, the other curve's algorithm, a non-EC one.
    let mut off = point.clone();
    off[64] ^= 1;
    assert_eq!(
        ring.add_ec_point(Algorithm::ES256, Some("off"), &off),
        Err(Error::InvalidPublicKey)
    );
    assert_eq!(
        ring.add_ec_point(Algorithm::ES256, Some("id"), &[0]),
        Err(Error::InvalidPublicKey)
    );
    assert_eq!(
        ring.add_ec_point(Algorithm::ES384, Some("p"), &point),
        Err(Error::InvalidPublicKey)
    );
    assert_eq!(
        ring.add_ec_point(Algorithm::RS256, Some("r"), &point),
        Err(Error::KeyTypeMismatch)
    );
}

/// RFC 8037 A.4/A.5: Ed25519 over a non-JSON payload, with the A.2 public key as a JWK.
#[test]
fn rfc8037_a4_eddsa() {
    let jwk = br#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let token = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    let mut ring = KeyRing::<1>::new();
    ring.add_jwk(jwk).unwrap();
    assert_eq!(sig_check(&ring, token), Ok(()));
    // The payload is not a claims set: the signature holds, the claims do not parse.
    let mut buf = TokenBuf::new();
    let verified = UntrustedToken::parse(token.as_bytes(), &mut buf)
        .unwrap()
        .verify_signature(&ring)
        .unwrap();
    assert_eq!(verified.algorithm(), Algorithm::EdDSA);
    assert!(verified.claims().is_err());
    // A.5: the private key in a JWK is refused.
    let private = br#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    assert_eq!(KeyRing::<1>::new().add_jwk(private), Err(Error::PrivateKey));
}

// ---- differential: tokens minted by the reference crates ----

const HEADER_PAYLOAD: &str = r#"{"sub":"u","exp":4000000000}"#;

/// Mint `n` tokens of `alg` with `sign`, and check each (and a one-bit-flipped copy of each)
/// gives jwtguard the reference verifier's verdict.
fn differential<const N: usize>(
    alg: Algorithm,
    ring: &KeyRing<N>,
    n: usize,
    mut sign: impl FnMut(&[u8]) -> Vec<u8>,
    reference: impl Fn(&[u8], &[u8]) -> bool,
) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
    for i in 0..n {
        let header = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name());
        let payload = format!(
            r#"{{"sub":"u{i}","exp":4000000000,"n":{}}}"#,
            rng.next_u32()
        );
        let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
        let sig = sign(input.as_bytes());
        assert!(
            reference(input.as_bytes(), &sig),
            "reference rejects its own"
        );
        let token = format!("{input}.{}", b64(&sig));
        assert_eq!(sig_check(ring, &token), Ok(()), "{alg:?} #{i}");
        let mut bad = sig.clone();
        let bit = (rng.next_u32() as usize) % (bad.len() * 8);
        bad[bit / 8] ^= 1 << (bit % 8);
        let token = format!("{input}.{}", b64(&bad));
        let want = reference(input.as_bytes(), &bad);
        assert_eq!(
            sig_check(ring, &token).is_ok(),
            want,
            "{alg:?} #{i} flipped"
        );
    }
}

#[test]
fn rsa_pkcs1_and_pss_against_the_rsa_crate() {
    use rsa::pkcs1v15::{Signature as P1Sig, SigningKey as P1Signing, VerifyingKey as P1Verifying};
    use rsa::pss::{BlindedSigningKey, Signature as PssSig, VerifyingKey as PssVerifying};
    use rsa::sha2::{Sha256, Sha384, Sha512};
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer, Verifier as _};
    for bits in [2048, 3072, 4096] {
        let key = private_key(bits);
        let der = key.to_public_key().to_public_key_der().unwrap();
        macro_rules! pkcs1 {
            ($alg:expr, $h:ty) => {{
                let mut ring = KeyRing::<1>::new();
                ring.add_der($alg, None, der.as_bytes()).unwrap();
                let signer = P1Signing::<$h>::new(key.clone());
                let verifier = P1Verifying::<$h>::new(key.to_public_key());
                differential(
                    $alg,
                    &ring,
                    4,
                    |m| signer.sign(m).to_vec(),
                    |m, s| P1Sig::try_from(s).is_ok_and(|s| verifier.verify(m, &s).is_ok()),
                );
            }};
        }
        macro_rules! pss {
            ($alg:expr, $h:ty) => {{
                let mut ring = KeyRing::<1>::new();
                ring.add_der($alg, None, der.as_bytes()).unwrap();
                // `new` salts with the hash's length, as RFC 7518 §3.5 requires.
                let signer = BlindedSigningKey::<$h>::new(key.clone());
                let verifier = PssVerifying::<$h>::new(key.to_public_key());
                let mut rng = rand::rngs::StdRng::seed_from_u64(bits as u64);
                differential(
                    $alg,
                    &ring,
                    4,
                    |m| signer.sign_with_rng(&mut rng, m).to_vec(),
                    |m, s| PssSig::try_from(s).is_ok_and(|s| verifier.verify(m, &s).is_ok()),
                );
            }};
        }
        pkcs1!(Algorithm::RS384, Sha384);
        pkcs1!(Algorithm::RS512, Sha512);
        pss!(Algorithm::PS256, Sha256);
        pss!(Algorithm::PS384, Sha384);
        pss!(Algorithm::PS512, Sha512);
    }
}

#[test]
fn ecdsa_against_p256_and_p384() {
    use p256::ecdsa::signature::{Signer, Verifier as _};
    use p256::pkcs8::EncodePublicKey as _;
    let mut seed = [0u8; 32];
    rand_chacha::ChaCha8Rng::seed_from_u64(256).fill_bytes(&mut seed);
    let sk = p256::ecdsa::SigningKey::from_slice(&seed).unwrap();
    let vk = *sk.verifying_key();
    let mut ring = KeyRing::<1>::new();
    ring.add_der(
        Algorithm::ES256,
        None,
        vk.to_public_key_der().unwrap().as_bytes(),
    )
    .unwrap();
    differential(
        Algorithm::ES256,
        &ring,
        32,
        |m| {
            let s: p256::ecdsa::Signature = sk.sign(m);
            s.to_bytes().to_vec()
        },
        |m, s| p256::ecdsa::Signature::from_slice(s).is_ok_and(|s| vk.verify(m, &s).is_ok()),
    );
    let mut seed = [0u8; 48];
    rand_chacha::ChaCha8Rng::seed_from_u64(384).fill_bytes(&mut seed);
    let sk = p384::ecdsa::SigningKey::from_slice(&seed).unwrap();
    let vk = *sk.verifying_key();
    let mut ring = KeyRing::<1>::new();
    let pem = vk.to_public_key_pem(p384::pkcs8::LineEnding::LF).unwrap();
    ring.add_pem(Algorithm::ES384, None, pem.as_bytes())
        .unwrap();
    differential(
        Algorithm::ES384,
        &ring,
        32,
        |m| {
            let s: p384::ecdsa::Signature = sk.sign(m);
            s.to_bytes().to_vec()
        },
        |m, s| p384::ecdsa::Signature::from_slice(s).is_ok_and(|s| vk.verify(m, &s).is_ok()),
    );
}

#[test]
fn eddsa_against_ed25519_dalek() {
    use ed25519_dalek::pkcs8::EncodePublicKey as _;
    use ed25519_dalek::{Signer, SigningKey};
    let mut seed = [0u8; 32];
    rand_chacha::ChaCha8Rng::seed_from_u64(25519).fill_bytes(&mut seed);
    let sk = SigningKey::from_bytes(&seed);
    let vk = sk.verifying_key();
    let mut ring = KeyRing::<1>::new();
    ring.add_der(
        Algorithm::EdDSA,
        None,
        vk.to_public_key_der().unwrap().as_bytes(),
    )
    .unwrap();
    differential(
        Algorithm::EdDSA,
        &ring,
        32,
        |m| sk.sign(m).to_bytes().to_vec(),
        |m, s| {
            <&[u8; 64]>::try_from(s).is_ok_and(|s| {
                vk.verify_strict(m, &ed25519_dalek::Signature::from_bytes(s))
                    .is_ok()
            })
        },
    );
}

// ---- attack catalogue ----

/// Algorithm confusion across families (RFC 8725 §2.1): a key answers only the algorithm it
/// was loaded for, and a key of one type cannot be loaded for another family.
#[test]
fn algorithm_confusion_across_families() {
    use p256::pkcs8::EncodePublicKey as _;
    let rsa_der = data("rsa2048.spki.der");
    let rsa_pem = data("rsa2048.pub.pem");
    let ec = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap();
    let ec_der = ec.verifying_key().to_public_key_der().unwrap();
    let ec_pem = ec
        .verifying_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .unwrap();
    let mut r = KeyRing::<8>::new();
    // Public keys are not HMAC secrets, in any encoding.
    for secret in [
        &rsa_der[..],
        &rsa_pem[..],
        ec_der.as_bytes(),
        ec_pem.as_bytes(),
    ] {
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let got = r.add_hmac(alg, None, secret);
            assert!(
                matches!(got, Err(Error::SecretIsKey | Error::KeyTooShort)),
                "{alg:?} {got:?}"
            );
        }
    }
    // Keys of one type are refused for another family's algorithm.
    for alg in [Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA] {
        assert_eq!(
            r.add_der(alg, None, &rsa_der),
            Err(Error::KeyTypeMismatch),
            "{alg:?}"
        );
    }
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES384,
        Algorithm::HS256,
    ] {
        assert_eq!(
            r.add_der(alg, None, ec_der.as_bytes()),
            Err(Error::KeyTypeMismatch),
            "{alg:?}"
        );
    }
    assert_eq!(
        r.add_hmac(Algorithm::RS256, None, &[b'k'; 64]),
        Err(Error::KeyTypeMismatch)
    );
    // One RSA key, loaded twice under two kids: once for RS256, once for PS256. Each answers
    // only its own algorithm, whichever the header claims.
    r.add_der(Algorithm::RS256, Some("rs"), &rsa_der).unwrap();
    r.add_pem(Algorithm::PS256, Some("ps"), &rsa_pem).unwrap();
    let key = private_key(2048);
    let sign = |alg: &str, kid: &str| {
        use rsa::pkcs1v15::SigningKey as P1Signing;
        use rsa::pss::BlindedSigningKey;
        use rsa::sha2::Sha256;
        use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
        let h = format!(r#"{{"alg":"{alg}","kid":"{kid}"}}"#);
        let input = format!("{}.{}", b64(h.as_bytes()), b64(HEADER_PAYLOAD.as_bytes()));
        let sig = if alg == "RS256" {
            P1Signing::<Sha256>::new(key.clone())
                .sign(input.as_bytes())
                .to_vec()
        } else {
            let mut rng = rand::rngs::StdRng::seed_from_u64(1);
            BlindedSigningKey::<Sha256>::new(key.clone())
                .sign_with_rng(&mut rng, input.as_bytes())
                .to_vec()
        };
        format!("{input}.{}", b64(&sig))
    };
    assert_eq!(sig_check(&r, &sign("RS256", "rs")), Ok(()));
    assert_eq!(sig_check(&r, &sign("PS256", "ps")), Ok(()));
    assert_eq!(
        sig_check(&r, &sign("PS256", "rs")),
        Err(Error::AlgorithmMismatch)
    );
    assert_eq!(
        sig_check(&r, &sign("RS256", "ps")),
        Err(Error::AlgorithmMismatch)
    );
    // A PS256 signature presented as RS256 (to the RS256 key), and back: the schemes differ.
    let ps_as_rs = sign("PS256", "ps").replace(
        &b64(br#"{"alg":"PS256","kid":"ps"}"#),
        &b64(br#"{"alg":"RS256","kid":"rs"}"#),
    );
    assert_eq!(sig_check(&r, &ps_as_rs), Err(Error::InvalidSignature));
}

/// P-256's group order, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// `a - b` for 32-byte big-endian integers, `a >= b`.
fn sub_be(a: &[u8; 32], b: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = (d + 256 * borrow) as u8;
    }
    out
}

/// ECDSA: `r` or `s` zero or at least the order (CVE-2022-21449's `r = s = 0` among them), a
/// DER signature, and high `s` (accepted: RFC 7518 does not restrict it).
#[test]
fn ecdsa_signature_edge_cases() {
    use p256::ecdsa::signature::Signer;
    let sk = p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap();
    let point = sk.verifying_key().to_sec1_point(false);
    let key = EcKey::from_sec1(Algorithm::ES256, point.as_bytes()).unwrap();
    let msg = b"eyJhbGciOiJFUzI1NiJ9.e30";
    let sig: p256::ecdsa::Signature = sk.sign(msg);
    let rs = sig.to_bytes();
    assert_eq!(key.verify(msg, &rs), Ok(()));
    let (r, s) = rs.split_at(32);
    let zero = [0u8; 32];
    for (name, r2, s2) in [
        ("r = s = 0 (psychic)", &zero[..], &zero[..]),
        ("r = 0", &zero[..], s),
        ("s = 0", r, &zero[..]),
        ("r = n", &P256_N[..], s),
        ("s = n", r, &P256_N[..]),
        ("r = s = n", &P256_N[..], &P256_N[..]),
        ("all ones", &[0xff; 32][..], &[0xff; 32][..]),
    ] {
        let forged = [r2, s2].concat();
        assert_eq!(
            key.verify(msg, &forged),
            Err(Error::InvalidSignature),
            "{name}"
        );
    }
    // The same signature DER-encoded (what OpenSSL emits): another length, never decoded.
    let der = sig.to_der();
    assert_eq!(key.verify(msg, der.as_bytes()), Err(Error::SignatureLength));
    // High s: (r, n - s) is the same signature's twin and verifies.
    let high = [r, &sub_be(&P256_N, s)[..]].concat();
    assert_eq!(key.verify(msg, &high), Ok(()));
    // A point not on the curve, and the identity, are refused at load.
    let mut off = point.as_bytes().to_vec();
    off[64] ^= 1;
    assert_eq!(
        EcKey::from_sec1(Algorithm::ES256, &off).err(),
        Some(Error::InvalidPublicKey)
    );
    assert_eq!(
        EcKey::from_sec1(Algorithm::ES256, &[0]).err(),
        Some(Error::InvalidPublicKey)
    );
    let jwk_off = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64(&off[1..33]),
        b64(&off[33..])
    );
    assert_eq!(
        KeyRing::<1>::new().add_jwk(jwk_off.as_bytes()),
        Err(Error::InvalidPublicKey)
    );
}

/// Ed25519 strictness: small-order keys refused at load, a non-reduced `S` and a small-order
/// `R` refused at verify.
#[test]
fn ed25519_small_order_and_non_canonical() {
    use ed25519_dalek::{Signer, SigningKey};
    // Small-order points: the identity (y = 1) and the point of order 2 (y = -1).
    let identity = {
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    };
    let order2 = {
        let mut b = [0xffu8; 32];
        b[0] = 0xec;
        b[31] = 0x7f;
        b
    };
    for weak in [identity, order2] {
        assert_eq!(Ed25519Key::from_bytes(&weak).err(), Some(Error::WeakKey));
        let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64(&weak));
        assert_eq!(
            KeyRing::<1>::new().add_jwk(jwk.as_bytes()),
            Err(Error::WeakKey)
        );
    }
    let sk = SigningKey::from_bytes(&[5; 32]);
    let key = Ed25519Key::from_bytes(sk.verifying_key().as_bytes()).unwrap();
    let msg = b"eyJhbGciOiJFZERTQSJ9.e30";
    let sig = sk.sign(msg).to_bytes();
    assert_eq!(key.verify(msg, &sig), Ok(()));
    // S + L: the same scalar, not reduced (RFC 8032 §5.1.7 requires S < L).
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut malleated = sig;
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(malleated[32 + i]) + u16::from(L[i]) + carry;
        malleated[32 + i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(key.verify(msg, &malleated), Err(Error::InvalidSignature));
    // R of small order: each of the eight 8-torsion points.
    for t in curve25519_dalek::constants::EIGHT_TORSION.iter() {
        let mut small_r = sig;
        small_r[..32].copy_from_slice(t.compress().as_bytes());
        assert_eq!(key.verify(msg, &small_r), Err(Error::InvalidSignature));
    }
    // Not 64 bytes.
    assert_eq!(key.verify(msg, &sig[..63]), Err(Error::SignatureLength));
}

/// A key loaded without `alg` gets the documented default binding, and a JWK `alg` binds it.
#[test]
fn jwk_default_and_explicit_bindings() {
    let n = unb64(
        "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
    );
    let jwks = format!(
        r#"{{"keys":[
            {{"kty":"RSA","kid":"rs","n":"{n}","e":"AQAB"}},
            {{"kty":"RSA","kid":"r5","alg":"RS512","n":"{n}","e":"AQAB"}},
            {{"kty":"oct","kid":"h3","alg":"HS384","k":"{k48}"}},
            {{"kty":"oct","kid":"h5","alg":"HS512","k":"{k48}"}},
            {{"kty":"EC","kid":"k1","crv":"secp256k1","x":"AA","y":"AA"}},
            {{"kty":"OKP","kid":"x","crv":"X25519","x":"AA"}}
        ]}}"#,
        n = b64(&n),
        k48 = b64(&[0x5a; 48]),
    );
    let mut ring = KeyRing::<8>::new();
    let report = ring.add_jwks(jwks.as_bytes()).unwrap();
    // HS512 needs 64 bytes: that key is rejected, the two other curves skipped.
    assert_eq!(
        (report.loaded, report.skipped, report.rejected),
        (3, 2, 1),
        "{report:?}"
    );
    assert_eq!(report.first_rejection, Some(Error::KeyTooShort));
}
