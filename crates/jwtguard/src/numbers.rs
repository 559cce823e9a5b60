//! Numbers in claims: NumericDate (RFC 7519 §2) and JSON integers, parsed from a number's
//! text (already checked against RFC 8259 §6's grammar) with exact decimal arithmetic.

use crate::error::Error;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Round {
    Down,
    Up,
}

/// A NumericDate (RFC 7519 §2: seconds since the epoch, non-integer values allowed) as a `u64`,
/// rounded as asked. Exact decimal arithmetic, no floating point: `1e3`, `1000.0`, `10e2` and
/// `1000` are all 1000, and `999.0000000000000000001` rounds up to 1000.
///
/// Negative values and values of 2^64 or more are [`Error::ClaimOutOfRange`].
pub(crate) fn numeric_date(text: &[u8], round: Round) -> Result<u64, Error> {
    // The form every issuer writes: a plain integer of at most 19 digits, which cannot
    // overflow a u64. Leading zeros cannot occur (validated JSON); "0" is 0.
    if !text.is_empty() && text.len() <= 19 && text.iter().all(u8::is_ascii_digit) {
        return Ok(text.iter().fold(0u64, |v, d| {
            v.wrapping_mul(10)
                .wrapping_add(u64::from(d.wrapping_sub(b'0')))
        }));
    }
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    // Split into significand digits (integer and fraction parts) and a decimal exponent.
    let exp_at = text
        .iter()
        .position(|b| matches!(b, b'e' | b'E'))
        .unwrap_or(text.len());
    let (mantissa, exponent) = text.split_at(exp_at);
    let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => (
            mantissa.get(..dot).unwrap_or(&[]),
            mantissa.get(dot.saturating_add(1)..).unwrap_or(&[]),
        ),
        None => (mantissa, &[][..]),
    };
    let digits_ok = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    if int_part.is_empty() || !digits_ok(int_part) || !digits_ok(frac_part) {
        return Err(Error::ClaimType);
    }
    // Decimal exponent, saturated: anything beyond ±10^6 behaves like ±infinity here.
    let mut e10: i64 = 0;
    if let Some((_, e)) = exponent.split_first() {
        let (sign, digits) = match e.split_first() {
            Some((b'-', d)) => (-1i64, d),
            Some((b'+', d)) => (1, d),
            _ => (1, e),
        };
        if digits.is_empty() || !digits_ok(digits) {
            return Err(Error::ClaimType);
        }
        for d in digits {
            e10 = e10
                .saturating_mul(10)
                .saturating_add(i64::from(d.wrapping_sub(b'0')))
                .min(1_000_000);
        }
        e10 = e10.saturating_mul(sign);
    }
    // The value is 0.DIGITS * 10^point, with DIGITS = int_part ++ frac_part.
    let ndigits = int_part.len().saturating_add(frac_part.len());
    let point = i64::try_from(int_part.len())
        .unwrap_or(i64::MAX)
        .saturating_add(e10);
    let all = int_part
        .iter()
        .chain(frac_part.iter())
        .map(|d| d.wrapping_sub(b'0')); // all ASCII digits, checked above
    let (mut value, mut fraction_nonzero) = (0u64, false);
    let whole_digits = usize::try_from(point.max(0)).unwrap_or(usize::MAX);
    for (i, d) in all.enumerate() {
        if i < whole_digits {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d)))
                .ok_or(Error::ClaimOutOfRange)?;
        } else if d != 0 {
            fraction_nonzero = true;
        }
    }
    // Zeros implied by a positive exponent beyond the written digits.
    let pad = whole_digits.saturating_sub(ndigits);
    if value != 0 && pad > 0 {
        let scale = u32::try_from(pad).ok().and_then(|p| 10u64.checked_pow(p));
        value = scale
            .and_then(|s| value.checked_mul(s))
            .ok_or(Error::ClaimOutOfRange)?;
    }
    if negative && (value != 0 || fraction_nonzero) {
        return Err(Error::ClaimOutOfRange);
    }
    if round == Round::Up && fraction_nonzero {
        value = value.checked_add(1).ok_or(Error::ClaimOutOfRange)?;
    }
    Ok(value)
}

/// A JSON number written as an integer (no fraction or exponent) as an `i64`: other forms are
/// [`Error::ClaimType`], values outside `i64` [`Error::ClaimOutOfRange`].
pub(crate) fn integer(text: &[u8]) -> Result<i64, Error> {
    if text.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return Err(Error::ClaimType);
    }
    let (negative, digits) = match text.split_first() {
        Some((b'-', d)) => (true, d),
        _ => (false, text),
    };
    let mut value: i64 = 0;
    for d in digits {
        let d = i64::from(d.wrapping_sub(b'0'));
        value = value
            .checked_mul(10)
            .and_then(|v| {
                if negative {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or(Error::ClaimOutOfRange)?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_dates() {
        let ok = |t: &str, r| numeric_date(t.as_bytes(), r);
        use Round::*;
        assert_eq!(ok("0", Down), Ok(0));
        assert_eq!(ok("-0", Up), Ok(0));
        assert_eq!(ok("-0.0e5", Up), Ok(0));
        assert_eq!(ok("1516239022", Down), Ok(1516239022));
        assert_eq!(ok("1516239022.5", Down), Ok(1516239022));
        assert_eq!(ok("1516239022.5", Up), Ok(1516239023));
        assert_eq!(ok("1516239022.000", Up), Ok(1516239022));
        assert_eq!(ok("999.0000000000000000000000001", Up), Ok(1000));
        assert_eq!(ok("1e3", Down), Ok(1000));
        assert_eq!(ok("10E+2", Down), Ok(1000));
        assert_eq!(ok("1.5e1", Up), Ok(15));
        assert_eq!(ok("1.55e1", Up), Ok(16));
        assert_eq!(ok("15e-1", Down), Ok(1));
        assert_eq!(ok("15e-1", Up), Ok(2));
        assert_eq!(ok("1e-999999999999", Down), Ok(0));
        assert_eq!(ok("1e-999999999999", Up), Ok(1));
        assert_eq!(ok("0e999999999999", Down), Ok(0));
        assert_eq!(ok("18446744073709551615", Down), Ok(u64::MAX));
        assert_eq!(
            ok("18446744073709551615.5", Up),
            Err(Error::ClaimOutOfRange)
        );
        assert_eq!(
            ok("18446744073709551616", Down),
            Err(Error::ClaimOutOfRange)
        );
        assert_eq!(ok("1e20", Down), Err(Error::ClaimOutOfRange));
        assert_eq!(ok("1e19", Down), Ok(10_000_000_000_000_000_000));
        assert_eq!(ok("1e999999999999", Down), Err(Error::ClaimOutOfRange));
        assert_eq!(ok("-1", Down), Err(Error::ClaimOutOfRange));
        assert_eq!(ok("-0.5", Up), Err(Error::ClaimOutOfRange));
    }

    /// The fast path for integer dates agrees with the general parser's results.
    #[test]
    fn integer_dates() {
        for (text, want) in [
            ("0", 0u64),
            ("7", 7),
            ("1700000000", 1_700_000_000),
            ("9999999999999999999", 9_999_999_999_999_999_999),
        ] {
            assert_eq!(numeric_date(text.as_bytes(), Round::Down), Ok(want));
            assert_eq!(numeric_date(text.as_bytes(), Round::Up), Ok(want));
        }
        assert_eq!(
            numeric_date(b"99999999999999999999", Round::Down),
            Err(Error::ClaimOutOfRange)
        );
    }

    /// Integers: the JSON integer forms only, the whole `i64` range and no more.
    #[test]
    fn integers() {
        assert_eq!(integer(b"0"), Ok(0));
        assert_eq!(integer(b"-17"), Ok(-17));
        assert_eq!(integer(b"9223372036854775807"), Ok(i64::MAX));
        assert_eq!(integer(b"-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(integer(b"9223372036854775808"), Err(Error::ClaimOutOfRange));
        assert_eq!(
            integer(b"-9223372036854775809"),
            Err(Error::ClaimOutOfRange)
        );
        for form in [&b"1.0"[..], b"1e3", b"1E3"] {
            assert_eq!(integer(form), Err(Error::ClaimType));
        }
    }
}
