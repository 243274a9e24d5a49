//! "Is anything veiled here?" (`indexer.detect.unveil.may_be_veiled`) in the compiled core, so
//! that the sparse scan (prefilter.rs) answers it for the posts it leaves out instead of a second
//! pass in Python (RE2 over the whole batch: ~25 instructions a byte, as much as the rest of the
//! sparse path together).
//!
//! The needles are `unveil._VEIL_MATCH`'s, on the UTF-8 bytes read as Latin-1 (a byte a
//! character; RE2's `\s` is `[\t\n\x0c\r ]`):
//! - the UTF-8 of the odd characters: `\xc2[\xa0\xad]`, `\xe2\x80[\x87\x89-\x8d\xaf]`,
//!   `\xe2\x81\xa0`, `\xef\xbb\xbf`, `\xef\xbc[\x81-\xbf]`, `\xef\xbd[\x80-\x9e]`, `\xd9[\xa0-\xa9]`,
//!   `\xdb[\xb0-\xb9]`, `\xe1\xa0\x8e`, `\xe3\x80\x80`;
//! - an @ spelled out or set apart: `X {1,3}(?:AT|[aA]robase?|AROBASE) {1,3}Y`, `X {1,3}@ {0,3}Y`,
//!   `X@ {1,3}Y` (X: `[A-Za-z0-9_%+'-]`, Y: `[A-Za-z0-9]`);
//! - `%0[aA]`, `&#`, `\n` (a backslash and an n);
//! - a Greek or Cyrillic letter (`[\xce\xcf\xd0\xd1\xd3\xd4][\x80-\xbf]`) at most 64 bytes of
//!   `[^\s@]` before or after an @;
//! - a blob: 60 bytes of `[A-Za-z0-9+/]`, 10 groups of two hex digits and a space or a colon, or
//!   a line of 32+ bytes of `[A-Za-z0-9+/]` whose next line starts with 32 more.
//!
//! One pass: SSE2 finds the bytes a needle starts at (a lead byte >= 0xC2, `@ % & \`, a space
//! before `a`/`A`) and the runs long enough to hold a blob (runs of bytes no blob has in it:
//! bytes above `*` for base64, bytes below `g|0x20` for hex); each is then checked exactly.
//! `veiled_scalar` is the same definition a byte at a time (the tail of the pass, other CPUs, and
//! the tests' reference beside a `regex` spelling of the pattern). tests/test_native_veil.py
//! compares the answer with `unveil.veiled_among`'s.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

const B64_RUN: usize = 60; // `[A-Za-z0-9+/]{60}`
const WRAPPED: usize = 32; // `^[A-Za-z0-9+/]{32,}\n[A-Za-z0-9+/]{32}`
const HEX_GROUPS: usize = 10; // `(?:[0-9A-Fa-f][0-9A-Fa-f][ :]){10}`
const HEX_RUN: usize = 3 * HEX_GROUPS;
const NEAR_AT: usize = 64; // `[^\s@]{0,64}` between a Greek/Cyrillic letter and an @

#[inline(always)]
fn b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

#[inline(always)]
fn ws(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

#[inline(always)]
fn x_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'%' | b'+' | b'\'' | b'-')
}

#[inline(always)]
fn greek_or_cyrillic_lead(c: u8) -> bool {
    matches!(c, 0xCE | 0xCF | 0xD0 | 0xD1 | 0xD3 | 0xD4)
}

#[inline(always)]
fn cont(c: u8) -> bool {
    (0x80..=0xBF).contains(&c)
}

/// Bytes that no base64 run holds (a superset test: space, controls, `!"#$%&'()*`).
#[inline(always)]
fn b64_breaker(c: u8) -> bool {
    c <= b'*'
}

/// Bytes that no run of spaced hex bytes holds (letters g-z in either case, `[\]^_{|}~`, DEL
/// and every byte above 0x7F).
#[inline(always)]
fn hex_breaker(c: u8) -> bool {
    (c | 0x20) >= b'g'
}

/// The odd characters' UTF-8 at `p` (a byte >= 0xC2 there).
#[inline]
fn odd_char(b: &[u8], p: usize) -> bool {
    let at = |k: usize| b.get(p + k).copied().unwrap_or(0);
    match b[p] {
        0xC2 => matches!(at(1), 0xA0 | 0xAD),
        0xE2 => match at(1) {
            0x80 => matches!(at(2), 0x87 | 0x89..=0x8D | 0xAF),
            0x81 => at(2) == 0xA0,
            _ => false,
        },
        0xEF => match at(1) {
            0xBB => at(2) == 0xBF,
            0xBC => matches!(at(2), 0x81..=0xBF),
            0xBD => matches!(at(2), 0x80..=0x9E),
            _ => false,
        },
        0xD9 => matches!(at(1), 0xA0..=0xA9),
        0xDB => matches!(at(1), 0xB0..=0xB9),
        0xE1 => at(1) == 0xA0 && at(2) == 0x8E,
        0xE3 => at(1) == 0x80 && at(2) == 0x80,
        _ => false,
    }
}

/// Spaces right before `p` and right after `p` (exclusive), each run whole, counted up to 4
/// (the needles take 3 at most).
#[inline]
fn spaces_before(b: &[u8], p: usize) -> usize {
    b[..p].iter().rev().take(4).take_while(|&&c| c == b' ').count()
}

#[inline]
fn spaces_after(b: &[u8], p: usize) -> usize {
    b[p + 1..].iter().take(4).take_while(|&&c| c == b' ').count()
}

/// `X {1,3}` ending right before `p`: the run of spaces before `p` is 1 to 3 long, an X before it.
#[inline]
fn x_then_spaces(b: &[u8], p: usize) -> bool {
    let s = spaces_before(b, p);
    (1..=3).contains(&s) && p > s && x_char(b[p - s - 1])
}

/// ` {lo,3}Y` right after `p` (the run of spaces after `p` is whole: Y is not a space).
#[inline]
fn spaces_then_y(b: &[u8], p: usize, lo: usize) -> bool {
    let t = spaces_after(b, p);
    (lo..=3).contains(&t) && b.get(p + 1 + t).is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The needles that hold an @ at `p`.
fn at_sign(b: &[u8], p: usize) -> bool {
    // `X {1,3}@ {0,3}Y` and `X@ {1,3}Y`
    if x_then_spaces(b, p) && spaces_then_y(b, p, 0) {
        return true;
    }
    if p > 0 && x_char(b[p - 1]) && spaces_then_y(b, p, 1) {
        return true;
    }
    // a Greek or Cyrillic letter near the @ (most addresses have none: one vector test)
    let near = &b[p.saturating_sub(NEAR_AT + 2)..b.len().min(p + NEAR_AT + 3)];
    if !near.iter().fold(false, |a, &c| a | (c.wrapping_sub(0xCE) <= 6)) {
        return false;
    }
    // `L C [^\s@]{0,64} @`: L at j, C at j+1, the bytes j+2..p none of `\s@`
    let mut j = p;
    while j >= 2 && p - j <= NEAR_AT {
        // here b[j..p] is clean; try the letter at j-2
        if greek_or_cyrillic_lead(b[j - 2]) && cont(b[j - 1]) {
            return true;
        }
        let c = b[j - 1];
        if ws(c) || c == b'@' {
            break;
        }
        j -= 1;
    }
    // `@ [^\s@]{0,64} L C`: L at j, b[p+1..j] clean
    let mut j = p + 1;
    while j + 1 < b.len() && j - (p + 1) <= NEAR_AT {
        if greek_or_cyrillic_lead(b[j]) && cont(b[j + 1]) {
            return true;
        }
        if ws(b[j]) || b[j] == b'@' {
            break;
        }
        j += 1;
    }
    false
}

/// `X {1,3}(?:AT|[aA]robase?|AROBASE) {1,3}Y` with its word at `p + 1` (a space at `p`).
fn spelled_at(b: &[u8], p: usize) -> bool {
    let w = &b[p + 1..];
    if !matches!(w.get(1), Some(b'T' | b'r' | b'R')) {
        return false; // most words after a space are none of them
    }
    [&b"AT"[..], b"arobase", b"Arobase", b"AROBASE", b"arobas", b"Arobas"]
        .iter()
        .any(|word| w.starts_with(word) && spaces_then_y(b, p + word.len(), 1))
        && x_then_spaces(b, p + 1)
}

/// A needle that starts at the byte `p` (not the runs).
#[inline]
fn point(b: &[u8], p: usize) -> bool {
    match b[p] {
        b'@' => at_sign(b, p),
        b'%' => b.get(p + 1) == Some(&b'0') && matches!(b.get(p + 2), Some(b'a' | b'A')),
        b'&' => b.get(p + 1) == Some(&b'#'),
        b'\\' => b.get(p + 1) == Some(&b'n'),
        b' ' => matches!(b.get(p + 1), Some(b'a' | b'A')) && spelled_at(b, p),
        c if c >= 0xC2 => odd_char(b, p),
        _ => false,
    }
}

/// A blob in the maximal run `[s, e)` of bytes that are not `b64_breaker`s.
fn b64_run(b: &[u8], s: usize, e: usize) -> bool {
    if e - s >= WRAPPED
        && (s == 0 || b[s - 1] == b'\n')
        && b.get(e) == Some(&b'\n')
        && b[s..e].iter().all(|&c| b64(c))
        && b.len() >= e + 1 + WRAPPED
        && b[e + 1..e + 1 + WRAPPED].iter().all(|&c| b64(c))
    {
        return true;
    }
    if e - s >= B64_RUN {
        let mut run = 0;
        for &c in &b[s..e] {
            run = if b64(c) { run + 1 } else { 0 };
            if run >= B64_RUN {
                return true;
            }
        }
    }
    false
}

/// Ten spaced hex bytes in the maximal run `[s, e)` of bytes that are not `hex_breaker`s.
fn hex_run(b: &[u8], s: usize, e: usize) -> bool {
    if e - s < HEX_RUN {
        return false;
    }
    let group = |q: usize| {
        b[q].is_ascii_hexdigit() && b[q + 1].is_ascii_hexdigit() && matches!(b[q + 2], b' ' | b':')
    };
    // chain[q % 3]: groups in a row ending right before q, along the stride of q
    let mut chain = [0usize; 3];
    let mut q = s;
    while q + 3 <= e {
        let r = q % 3;
        chain[r] = if group(q) { chain[r] + 1 } else { 0 };
        if chain[r] >= HEX_GROUPS {
            return true;
        }
        q += 1;
    }
    false
}

/// Whether `unveil.may_be_veiled` holds for `b`, a byte at a time (see the module).
pub fn veiled_scalar(b: &[u8]) -> bool {
    let n = b.len();
    let (mut r64, mut rhex) = (0usize, 0usize); // current runs' lengths
    for p in 0..n {
        let c = b[p];
        if matches!(c, b'@' | b'%' | b'&' | b'\\' | b' ') || c >= 0xC2 {
            if point(b, p) {
                return true;
            }
        }
        if b64_breaker(c) {
            if r64 >= WRAPPED && b64_run(b, p - r64, p) {
                return true;
            }
            r64 = 0;
        } else {
            r64 += 1;
        }
        if hex_breaker(c) {
            if rhex >= HEX_RUN && hex_run(b, p - rhex, p) {
                return true;
            }
            rhex = 0;
        } else {
            rhex += 1;
        }
    }
    (r64 >= WRAPPED && b64_run(b, n - r64, n)) || (rhex >= HEX_RUN && hex_run(b, n - rhex, n))
}

/// Whether `unveil.may_be_veiled` holds for `b`: AVX2 where the CPU has it, else SSE2 (x86-64),
/// else a byte at a time.
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn veiled(b: &[u8]) -> bool {
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above; the answer is cached by std)
        unsafe { veiled_avx2(b) }
    } else {
        veiled_sse2(b)
    }
}

/// One block's run of bytes that are not breakers (`k`: a bit a breaker, `w` lanes), carried in
/// `carry`: the run that ends at the block's first breaker (the carried run and this block's
/// head) is the only one that can be long (a run between two breakers of one block is shorter
/// than the block; `internal` is called when it can reach `t`). True when `long` says a run
/// of at least `t` bytes holds a needle.
#[inline(always)]
fn runs(k: u32, w: usize, at: usize, carry: &mut usize, t: usize, b: &[u8], long: fn(&[u8], usize, usize) -> bool)
        -> bool {
    if k == 0 {
        *carry += w;
        return false;
    }
    let end = k.trailing_zeros() as usize;
    let len = *carry + end;
    if len >= t && long(b, at + end - len, at + end) {
        return true;
    }
    let top = 31 - k.leading_zeros() as usize; // the last breaker
    *carry = w - 1 - top;
    // a run between the first and the last breaker (only when `t` fits in between)
    if top > end + t && (k & !(1u32 << end)).trailing_zeros() as usize == top && long(b, at + end + 1, at + top) {
        return true;
    }
    false
}

/// `veiled` with AVX2: 32 bytes a step, the last block read overlapping the one before it.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn veiled_avx2(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    let n = b.len();
    if n < 33 {
        return veiled_scalar(b);
    }
    let (mut r64, mut rhex) = (0usize, 0usize); // runs carried into the next block
    let (at, pc, amp, bsl, sp, la) = (
        _mm256_set1_epi8(b'@' as i8), _mm256_set1_epi8(b'%' as i8), _mm256_set1_epi8(b'&' as i8),
        _mm256_set1_epi8(b'\\' as i8), _mm256_set1_epi8(b' ' as i8), _mm256_set1_epi8(b'a' as i8));
    let (lead, c3, star, g, low) = (_mm256_set1_epi8(0xC2u8 as i8), _mm256_set1_epi8(0xC3u8 as i8),
                                    _mm256_set1_epi8(b'*' as i8), _mm256_set1_epi8(b'g' as i8), _mm256_set1_epi8(0x20));
    // the bytes a needle starts at: `@ % & \`, a lead byte above 0xC2 but 0xC3 (the Latin-1
    // letters' lead, most of French text's non-ASCII bytes: no needle starts there), a space
    // before `a`/`A` (`w`: the next bytes); and the two runs' breakers
    let masks = |v: __m256i, w: __m256i| -> (u32, u32, u32) {
        let pts = _mm256_or_si256(
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, at), _mm256_cmpeq_epi8(v, pc)),
                            _mm256_or_si256(_mm256_cmpeq_epi8(v, amp), _mm256_cmpeq_epi8(v, bsl))),
            _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(v, c3), _mm256_cmpeq_epi8(_mm256_max_epu8(v, lead), v)),
                            _mm256_and_si256(_mm256_cmpeq_epi8(v, sp),
                                             _mm256_cmpeq_epi8(_mm256_or_si256(w, low), la))));
        let v20 = _mm256_or_si256(v, low);
        (_mm256_movemask_epi8(pts) as u32,
         _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(v, star), v)) as u32,
         _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v20, g), v20)) as u32)
    };
    let mut i = 0usize;
    while i + 33 <= n {
        // SAFETY: i + 33 <= n: both loads are within b (unaligned loads)
        let v = _mm256_loadu_si256(b.as_ptr().add(i) as *const __m256i);
        let w = _mm256_loadu_si256(b.as_ptr().add(i + 1) as *const __m256i);
        let (mut m, k64, khex) = masks(v, w);
        while m != 0 {
            let p = i + m.trailing_zeros() as usize;
            m &= m - 1;
            if point(b, p) {
                return true;
            }
        }
        if runs(k64, 32, i, &mut r64, WRAPPED, b, b64_run) || runs(khex, 32, i, &mut rhex, HEX_RUN, b, hex_run) {
            return true;
        }
        i += 32;
    }
    // the last 1 to 32 bytes: the block of the last 32, its lanes before `i` already seen; the
    // next bytes shifted in from the block itself (a zero after the last byte)
    let j = n - 32;
    let sh = i - j;
    let v = _mm256_loadu_si256(b.as_ptr().add(j) as *const __m256i);
    let w = _mm256_alignr_epi8(_mm256_permute2x128_si256(v, v, 0x81), v, 1);
    let (m, k64, khex) = masks(v, w);
    let mut m = if sh >= 32 { 0 } else { m >> sh << sh };
    while m != 0 {
        let p = j + m.trailing_zeros() as usize;
        m &= m - 1;
        if point(b, p) {
            return true;
        }
    }
    let (w, at) = (32 - sh, i);
    if runs(k64 >> sh, w, at, &mut r64, WRAPPED, b, b64_run) || runs(khex >> sh, w, at, &mut rhex, HEX_RUN, b, hex_run) {
        return true;
    }
    (r64 >= WRAPPED && b64_run(b, n - r64, n)) || (rhex >= HEX_RUN && hex_run(b, n - rhex, n))
}

/// `veiled` with SSE2 (part of x86-64), 16 bytes a step.
#[cfg(target_arch = "x86_64")]
pub fn veiled_sse2(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    let n = b.len();
    if n < 32 {
        return veiled_scalar(b);
    }
    let (mut r64, mut rhex) = (0usize, 0usize); // runs carried into the next block
    let mut i = 0usize;
    // SAFETY: SSE2 is part of the x86-64 baseline; loads are unaligned and within b (i + 17 <= n)
    unsafe {
        let (at, pc, amp, bsl, sp, la) = (
            _mm_set1_epi8(b'@' as i8), _mm_set1_epi8(b'%' as i8), _mm_set1_epi8(b'&' as i8),
            _mm_set1_epi8(b'\\' as i8), _mm_set1_epi8(b' ' as i8), _mm_set1_epi8(b'a' as i8));
        let (lead, star, g, low) = (_mm_set1_epi8(0xC2u8 as i8), _mm_set1_epi8(b'*' as i8), _mm_set1_epi8(b'g' as i8),
                                    _mm_set1_epi8(0x20));
        while i + 17 <= n {
            let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
            let w = _mm_loadu_si128(b.as_ptr().add(i + 1) as *const __m128i);
            let pts = _mm_or_si128(
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, at), _mm_cmpeq_epi8(v, pc)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, bsl))),
                _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, lead), v),
                             _mm_and_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(_mm_or_si128(w, low), la))));
            let mut m = _mm_movemask_epi8(pts) as u32;
            while m != 0 {
                let p = i + m.trailing_zeros() as usize;
                m &= m - 1;
                if point(b, p) {
                    return true;
                }
            }
            let k64 = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, star), v)) as u32;
            let v20 = _mm_or_si128(v, low);
            let khex = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v20, g), v20)) as u32;
            // a run long enough for a blob crosses a block's edge: only the run carried in can
            // end long in this block (one that starts here ends before 16 bytes)
            if k64 == 0 {
                r64 += 16;
            } else {
                let end = k64.trailing_zeros() as usize;
                let len = r64 + end;
                if len >= WRAPPED && b64_run(b, i + end - len, i + end) {
                    return true;
                }
                r64 = k64.leading_zeros() as usize - 16;
            }
            if khex == 0 {
                rhex += 16;
            } else {
                let end = khex.trailing_zeros() as usize;
                let len = rhex + end;
                if len >= HEX_RUN && hex_run(b, i + end - len, i + end) {
                    return true;
                }
                rhex = khex.leading_zeros() as usize - 16;
            }
            i += 16;
        }
    }
    for p in i..n {
        let c = b[p];
        if (matches!(c, b'@' | b'%' | b'&' | b'\\' | b' ') || c >= 0xC2) && point(b, p) {
            return true;
        }
        if b64_breaker(c) {
            if r64 >= WRAPPED && b64_run(b, p - r64, p) {
                return true;
            }
            r64 = 0;
        } else {
            r64 += 1;
        }
        if hex_breaker(c) {
            if rhex >= HEX_RUN && hex_run(b, p - rhex, p) {
                return true;
            }
            rhex = 0;
        } else {
            rhex += 1;
        }
    }
    (r64 >= WRAPPED && b64_run(b, n - r64, n)) || (rhex >= HEX_RUN && hex_run(b, n - rhex, n))
}

#[cfg(not(target_arch = "x86_64"))]
pub fn veiled(b: &[u8]) -> bool {
    veiled_scalar(b)
}

/// veiled(data: bytes) -> bool: `unveil.may_be_veiled(data)` (what `detect()` asks of each input
/// on the core's engine: RE2 read a dump's whole bytes at ~25 instructions a byte).
#[pyfunction(name = "veiled")]
pub fn veiled_py(data: &[u8]) -> bool {
    veiled(data)
}

/// veiled_among(items: list[bytes]) -> [index]: the items `unveil.may_be_veiled` holds for, in
/// order (`unveil.veiled_among`'s answer; what `sparse_scan` asks of the posts it leaves out).
/// An item that is not bytes is an error.
#[pyfunction]
pub fn veiled_among(items: Bound<'_, PyList>) -> PyResult<Vec<usize>> {
    let mut out = Vec::new();
    for (k, it) in items.iter().enumerate() {
        if veiled(it.cast::<PyBytes>()?.as_bytes()) {
            out.push(k);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::bytes::Regex;

    /// `unveil._VEIL_MATCH` spelled for the `regex` crate (bytes, no Unicode; `\s` written out
    /// as RE2's, which has no \v).
    fn reference() -> Regex {
        Regex::new(concat!(
            r"(?s-u)\xc2[\xa0\xad]|\xe2\x80[\x87\x89-\x8d\xaf]|\xe2\x81\xa0|\xef\xbb\xbf|\xef\xbc[\x81-\xbf]",
            r"|\xef\xbd[\x80-\x9e]|\xd9[\xa0-\xa9]|\xdb[\xb0-\xb9]|\xe1\xa0\x8e|\xe3\x80\x80",
            r"|[A-Za-z0-9_%+'-] {1,3}(?:AT|[aA]robase?|AROBASE) {1,3}[A-Za-z0-9]|[A-Za-z0-9_%+'-] {1,3}@ {0,3}[A-Za-z0-9]",
            r"|[A-Za-z0-9_%+'-]@ {1,3}[A-Za-z0-9]|%0[aA]|&#|\\n",
            r"|[\xce\xcf\xd0\xd1\xd3\xd4][\x80-\xbf][^\t\n\x0c\r @]{0,64}@|@[^\t\n\x0c\r @]{0,64}[\xce\xcf\xd0\xd1\xd3\xd4][\x80-\xbf]",
            r"|[A-Za-z0-9+/]{60}|(?:[0-9A-Fa-f][0-9A-Fa-f][ :]){10}|(?m:^[A-Za-z0-9+/]{32,}\n[A-Za-z0-9+/]{32})",
        ))
        .unwrap()
    }

    /// A small deterministic generator (xorshift) of texts made of the needles' pieces.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, xs: &[&'a [u8]]) -> &'a [u8] {
            xs[(self.next() % xs.len() as u64) as usize]
        }
        fn text(&mut self) -> Vec<u8> {
            const PIECES: &[&[u8]] = &[
                b" ", b"  ", b"   ", b"    ", b"\n", b"\t", b"\r", b"\x0c", b"\x0b", b"@", b"a", b"A", b"T", b"AT", b"at",
                b"arobase", b"Arobas", b"AROBASE", b"AROBAS", b"robase", b"x", b"Z", b"0", b"9", b"_", b"%", b"+", b"'",
                b"-", b".", b"/", b":", b"%0", b"%0a", b"%0A", b"%40", b"&", b"&#", b"\\", b"\\n", b"n", b"de ",
                b"ad:", b"f0 ", b"ff", b"0F", b"g", b"\xc2", b"\xc2\xa0", b"\xc2\xad", b"\xc2\xa9", b"\xc3\xa9", b"\xe2\x80",
                b"\xe2\x80\x8b", b"\xe2\x80\x99", b"\xe2\x80\xaf", b"\xe2\x81\xa0", b"\xef\xbb\xbf", b"\xef\xbc\x90",
                b"\xef\xbd\x9e", b"\xef\xbd\x9f", b"\xd9\xa3", b"\xdb\xb5", b"\xe1\xa0\x8e", b"\xe3\x80\x80", b"\xd0\xb0",
                b"\xce\xbf", b"\xd4\x81", b"\xd2\xb0", b"\xff", b"\x80", b"\xbf",
                b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", b"0123456789abcdef0123456789abcdef",
                b"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo+/", b"de ad be ef 00 11 22 33 44 ", b"0a:1b:2c:3d:4e:5f:",
                b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
            ];
            const PROSE: &[&[u8]] = &[b" ", b"le ", b"texte", b", ", b"\n", b"12", b"\xc3\xa9", b"http://x.fr/", b"abcdef"];
            let len = (self.next() % 40) as usize;
            let mut out = Vec::new();
            for _ in 0..len {
                // prose between the pieces, so that about half the texts hold a needle
                let p = if self.next() % 3 == 0 { self.pick(PIECES) } else { self.pick(PROSE) };
                out.extend_from_slice(p);
            }
            out
        }
    }

    #[test]
    fn same_answer_as_the_pattern_on_random_pieces() {
        let re = reference();
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let mut hits = 0;
        for _ in 0..200_000 {
            let t = g.text();
            let want = re.is_match(&t);
            assert_eq!(veiled_scalar(&t), want, "scalar on {:?}", String::from_utf8_lossy(&t));
            assert_eq!(veiled(&t), want, "veiled on {:?}", String::from_utf8_lossy(&t));
            #[cfg(target_arch = "x86_64")]
            assert_eq!(veiled_sse2(&t), want, "sse2 on {:?}", String::from_utf8_lossy(&t));
            hits += want as usize;
        }
        assert!(hits > 40_000 && hits < 160_000, "{hits}"); // both answers are well represented
    }

    #[test]
    fn needles_at_every_offset() {
        // each needle alone in prose, at every offset of a 16-byte block and at the end
        let re = reference();
        let needles: &[&[u8]] = &[
            b"\xc2\xa0", b"\xe2\x80\x8b", b"\xef\xbc\x90", b"\xd9\xa5", b"\xe3\x80\x80", b"jean AT orange", b"x arobase y",
            b"x @ y", b"x@ y", b"x  @y", b"%0A", b"&#64;", b"\\n", b"p\xd0\xb0ul@yahoo", b"paul@yah\xd0\xbeo",
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVmZ2hpamts",
            b"de ad be ef 00 11 22 33 44 55 ", b"\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
        ];
        for nd in needles {
            for off in 0..40 {
                for tail in [0usize, 1, 7, 33] {
                    let mut t = b"Bonjour, voici le texte ".repeat(3)[..off].to_vec();
                    t.extend_from_slice(b" ");
                    t.extend_from_slice(nd);
                    t.extend_from_slice(&b" et la suite du texte ici."[..tail.min(25)]);
                    assert!(re.is_match(&t), "{:?}", String::from_utf8_lossy(&t));
                    assert!(veiled(&t), "{:?}", String::from_utf8_lossy(&t));
                    assert!(veiled_scalar(&t), "{:?}", String::from_utf8_lossy(&t));
                    #[cfg(target_arch = "x86_64")]
                    assert!(veiled_sse2(&t), "{:?}", String::from_utf8_lossy(&t));
                }
            }
        }
    }

    #[test]
    fn runs_at_every_offset_between_breakers() {
        // a blob's run alone between two breakers, at every offset of a block (one block of 32
        // can hold the 30 bytes of spaced hex between two breakers), and one byte short of it
        let re = reference();
        let runs: &[&[u8]] = &[
            b"de ad be ef 00 11 22 33 44 55 ", b"de ad be ef 00 11 22 33 44 5", b"de:ad:be:ef:00:11:22:33:44:55:",
            b"QUJD", b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVmZ2hpamts",
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVmZ2hpamt",
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\nQUJDREVGR0hJSktMTU5PUFFSU1RVVld",
        ];
        for r in runs {
            for off in 0..70 {
                for tail in 0..40 {
                    for (fill, nl) in [(b'~', b'\n'), (b'!', b'\n'), (b'.', b'\n')] {
                        let mut t = vec![fill; off];
                        if off > 0 && r.contains(&b'\n') {
                            t[off - 1] = nl;
                        }
                        t.extend_from_slice(r);
                        t.extend(std::iter::repeat_n(fill, tail));
                        let want = re.is_match(&t);
                        assert_eq!(veiled(&t), want, "{:?}", String::from_utf8_lossy(&t));
                        assert_eq!(veiled_scalar(&t), want, "{:?}", String::from_utf8_lossy(&t));
                        #[cfg(target_arch = "x86_64")]
                        assert_eq!(veiled_sse2(&t), want, "{:?}", String::from_utf8_lossy(&t));
                    }
                }
            }
        }
    }

    #[test]
    fn prose_is_not_veiled() {
        let t = "Bonjour à tous, je cherche un accès. Écrivez-moi sur le forum: réponse rapide, merci !\n\n> cité\n"
            .repeat(20);
        assert!(!veiled(t.as_bytes()));
        assert!(!reference().is_match(t.as_bytes()));
    }
}
