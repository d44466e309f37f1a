//! A fast `f32` parser for plain decimal numbers in byte slices.
//!
//! Text embedding files are ~90% digits, and `str::parse::<f32>` (plus the UTF-8 check and
//! allocation a naive loader adds) is what makes Python and naive Rust loaders slow. Values
//! written by word2vec, GloVe, fastText and Rust's `{}` are plain `[-]digits[.digits]`; those
//! take the fast path below, which is correctly rounded. Anything else (exponents, `inf`,
//! more than 19 digits, subnormals, rare double-rounding ties) falls back to the standard
//! library, so the result is always what `str::parse::<f32>` would give.

/// Exact powers of ten representable in an `f64` (10^0 ..= 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses one token as `f32`; `None` if it is not a number at all. May return NaN or
/// infinity (for `nan`, `inf`, `1e99`): callers decide whether those are acceptable.
#[inline]
pub fn parse_f32(token: &[u8]) -> Option<f32> {
    match parse_plain(token) {
        Some(value) => Some(value),
        None => std::str::from_utf8(token).ok()?.parse::<f32>().ok(),
    }
}

/// The fast path: `[+-]digits[.digits]` with at most 19 significant-ish digits.
///
/// The digits form an integer mantissa `m < 2^53` (exact in `f64`) and the fraction length `k
/// <= 22` makes `10^k` exact too, so `m / 10^k` is one correctly rounded `f64` operation
/// (Clinger's fast path). Rounding that `f64` to `f32` is then correct unless the `f64` sits
/// exactly on an `f32` rounding midpoint (the true value could be on either side) or in the
/// `f32` subnormal range (fewer mantissa bits): those cases return `None` for the slow path.
#[inline]
fn parse_plain(token: &[u8]) -> Option<f32> {
    match parse_prefix(token) {
        Some((value, consumed)) if consumed == token.len() => Some(value),
        _ => None,
    }
}

/// Parses a plain decimal at the start of `bytes`, returning the value and how many bytes it
/// used; `None` when the fast path cannot give the correctly rounded result (see above).
/// Lets the text parser read a number and find its end in a single pass.
#[inline]
pub(crate) fn parse_prefix(bytes: &[u8]) -> Option<(f32, usize)> {
    let (negative, mut i) = match bytes.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut mantissa: u64 = 0;
    let int_start = i;
    i = read_digits(bytes, i, &mut mantissa);
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        i = read_digits(bytes, i, &mut mantissa);
        frac_digits = i - frac_start;
    }
    if int_digits + frac_digits == 0 || int_digits + frac_digits > 19 {
        return None;
    }
    if mantissa >= 1 << 53 || frac_digits >= POW10.len() {
        return None;
    }
    let wide = mantissa as f64 / POW10[frac_digits];
    if wide != 0.0 {
        let low_bits = wide.to_bits() & ((1 << 29) - 1);
        if low_bits == 1 << 28 || wide < f64::from(f32::MIN_POSITIVE) {
            return None;
        }
    }
    let value = wide as f32;
    Some((if negative { -value } else { value }, i))
}

/// Appends the decimal digits at `bytes[i..]` to `mantissa`; returns the index after them.
///
/// Four digits at a time where possible (SWAR, as in fast_float): the `mantissa * 10 + d`
/// chain is the bottleneck of number parsing, and this shortens it fourfold. Wrapping
/// arithmetic is harmless: callers reject more than 19 digits before using the mantissa.
#[inline(always)]
fn read_digits(bytes: &[u8], mut i: usize, mantissa: &mut u64) -> usize {
    while let Some(chunk) = bytes.get(i..i + 4) {
        let v = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        // Every byte in b'0'..=b'9'?
        if (v.wrapping_add(0x4646_4646) | v.wrapping_sub(0x3030_3030)) & 0x8080_8080 != 0 {
            break;
        }
        let v = v.wrapping_sub(0x3030_3030);
        // Bytes 0 and 2 become the two-digit numbers d0d1 and d2d3 (no carries: <= 99).
        let v = v.wrapping_mul(10).wrapping_add(v >> 8);
        let four = (v & 0xFF) * 100 + ((v >> 16) & 0xFF);
        *mantissa = mantissa.wrapping_mul(10_000).wrapping_add(u64::from(four));
        i += 4;
    }
    while let Some(&byte) = bytes.get(i) {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_f32(b"0"), Some(0.0));
        assert_eq!(parse_f32(b"-0.5"), Some(-0.5));
        assert_eq!(parse_f32(b"+3.25"), Some(3.25));
        assert_eq!(parse_f32(b".5"), Some(0.5));
        assert_eq!(parse_f32(b"5."), Some(5.0));
        assert_eq!(parse_f32(b"0.1"), Some(0.1));
        assert_eq!(parse_f32(b"-0"), Some(-0.0));
        assert_eq!(parse_f32(b"12345678.9012"), Some(12345678.9012));
        assert_eq!(parse_f32(b"0.0009876"), Some(0.0009876));
        assert_eq!(parse_f32(b"1234/"), None);
        assert_eq!(parse_f32(b"12:45"), None);
    }

    #[test]
    fn unusual_syntax_falls_back() {
        assert_eq!(parse_f32(b"1e-3"), Some(1e-3));
        assert_eq!(parse_f32(b"2.5E2"), Some(250.0));
        assert!(parse_f32(b"inf").is_some_and(f32::is_infinite));
        assert!(parse_f32(b"NaN").is_some_and(f32::is_nan));
        assert_eq!(
            parse_f32(b"0.0000000000000000000000000000000000000001"),
            Some(1e-40)
        );
        assert_eq!(parse_f32(b"123456789012345678901234"), Some(1.2345679e23));
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            &b""[..],
            b"-",
            b".",
            b"1.2.3",
            b"abc",
            b"1,5",
            b"--1",
            b"0x10",
            b"\xff",
        ] {
            assert_eq!(parse_f32(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    proptest! {
        #[test]
        fn display_round_trips_exactly(bits in any::<u32>()) {
            let value = f32::from_bits(bits);
            prop_assume!(value.is_finite());
            let text = format!("{value}");
            prop_assert_eq!(parse_f32(text.as_bytes()).map(f32::to_bits), Some(value.to_bits()));
        }

        #[test]
        fn agrees_with_std(int in 0u64..100_000, frac in 0u64..100_000_000, digits in 1usize..10) {
            let text = format!("-{int}.{frac:0digits$}");
            prop_assert_eq!(parse_f32(text.as_bytes()), text.parse::<f32>().ok());
        }
    }
}
