//! Article 9's accent fold in one pass (issue 17): `indexer.article9_lexicon.fold_accents`, the
//! copy of a fragment's text its lexicon is matched on, one ASCII character per character of the
//! text (so offsets hold). The Python fold encodes the text to Latin-1 with "?" for the rest,
//! then maps bytes through a 256-byte table; on a 145 kB fragment holding one character beyond
//! Latin-1 that cost ~3.5M instructions (the encoder's error path, the table, the decode).
//! Here: the text's code points, sixteen ASCII ones narrowed at a time (SSE2), each other one mapped.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `_SRC` and `_DST` of `indexer/article9_lexicon/__init__.py`: the accented letters and what
/// they fold to (case kept); every other character of U+0080..U+00FF folds to "?".
const SRC: [char; 55] = [
    'à', 'á', 'â', 'ã', 'ä', 'å', 'ç', 'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï', 'ñ', 'ò', 'ó', 'ô', 'õ', 'ö', 'ù', 'ú',
    'û', 'ü', 'ý', 'ÿ', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Ç', 'È', 'É', 'Ê', 'Ë', 'Ì', 'Í', 'Î', 'Ï', 'Ñ', 'Ò', 'Ó', 'Ô',
    'Õ', 'Ö', 'Ù', 'Ú', 'Û', 'Ü', 'Ý', 'æ', 'Æ',
];
const DST: &[u8; 55] = b"aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYaA";

const fn latin_table() -> [u8; 256] {
    let mut t = [b'?'; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = c as u8;
        c += 1;
    }
    let mut k = 0;
    while k < SRC.len() {
        t[SRC[k] as usize] = DST[k];
        k += 1;
    }
    t
}

static LATIN: [u8; 256] = latin_table();

/// The fold of one character (case kept): what `fold_accents` writes for it.
#[inline]
fn fold_char(c: u32) -> u8 {
    if c < 256 {
        return LATIN[c as usize];
    }
    match c {
        0x2019 => b'\'',
        0x153 => b'o',
        0x152 => b'O',
        _ => b'?',
    }
}

/// Sixteen code points narrowed to their bytes when all are ASCII (SSE2: four loads, their OR
/// tested, two signed packs and an unsigned one), else false and nothing written.
#[cfg(target_arch = "x86_64")]
#[inline]
fn ascii16(c: &[u32; 16], o: &mut [u8; 16]) -> bool {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the loads and the store are unaligned ones within the arrays
    unsafe {
        let p = c.as_ptr() as *const __m128i;
        let (a, b, d, e) = (_mm_loadu_si128(p), _mm_loadu_si128(p.add(1)), _mm_loadu_si128(p.add(2)),
                            _mm_loadu_si128(p.add(3)));
        let any = _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(d, e));
        let high = _mm_andnot_si128(_mm_set1_epi32(0x7f), any);
        if _mm_movemask_epi8(_mm_cmpeq_epi32(high, _mm_setzero_si128())) != 0xFFFF {
            return false;
        }
        let bytes = _mm_packus_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(d, e));
        _mm_storeu_si128(o.as_mut_ptr() as *mut __m128i, bytes);
    }
    true
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn ascii16(c: &[u32; 16], o: &mut [u8; 16]) -> bool {
    if c.iter().fold(0, |a, &x| a | x) >= 128 {
        return false;
    }
    for (o, &c) in o.iter_mut().zip(c) {
        *o = c as u8;
    }
    true
}

/// The fold of a text given as its code points: one byte per character. Sixteen at a time when
/// all are ASCII (a dump's text mostly is), else one by one.
pub fn fold_ucs4(cs: &[u32]) -> Vec<u8> {
    let mut out = vec![0u8; cs.len()];
    fold_into(cs, &mut out);
    out
}

/// `fold_ucs4` into `out`, as long as `cs`.
fn fold_into(cs: &[u32], out: &mut [u8]) {
    let mut outs = out.chunks_exact_mut(16);
    let mut ins = cs.chunks_exact(16);
    for (o, c) in (&mut outs).zip(&mut ins) {
        let c: &[u32; 16] = c.try_into().unwrap();
        let o: &mut [u8; 16] = o.try_into().unwrap();
        if !ascii16(c, o) {
            for (o, &c) in o.iter_mut().zip(c) {
                *o = fold_char(c);
            }
        }
    }
    for (o, &c) in outs.into_remainder().iter_mut().zip(ins.remainder()) {
        *o = fold_char(c);
    }
}

/// Code points read per step: the widening copy's buffer stays 4 MB whatever the fragment's size
/// (a whole copy is four bytes a character: 256 MB for a 64 MiB fragment); a fragment up to a
/// million characters is read whole (a slice is a copy with its own maximum-character scan).
const STEP: isize = 1 << 20;

/// fold_accents(text) -> str: `article9_lexicon.fold_accents(text)`. The text is read as its
/// code points (`PyUnicode_AsUCS4`, a widening copy; a text over `STEP` a slice at a time): asking for
/// its UTF-8 made CPython encode a 145 kB fragment character by character (1.7M instructions)
/// and keep that copy on the `str`. A lone surrogate is a code point like any other here: "?",
/// as the Latin-1 encode's "replace" makes it.
#[pyfunction]
pub fn fold_accents<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    let py = text.py();
    // SAFETY: `text` is a str; each slice is a new str of at most STEP code points, all written
    // into the buffer by AsUCS4 before it is read
    let n = unsafe { ffi::PyUnicode_GetLength(text.as_ptr()) };
    if n < 0 {
        return Err(PyErr::fetch(py));
    }
    let mut out = vec![0u8; n as usize];
    let mut buf: Vec<u32> = Vec::with_capacity(n.min(STEP) as usize);
    let mut at = 0;
    while at < n {
        let end = (at + STEP).min(n);
        let piece = if at == 0 && end == n {
            text.clone().into_any()
        } else {
            unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_Substring(text.as_ptr(), at, end))? }
        };
        if unsafe { ffi::PyUnicode_AsUCS4(piece.as_ptr(), buf.as_mut_ptr(), end - at, 0) }.is_null() {
            return Err(PyErr::fetch(py));
        }
        unsafe { buf.set_len((end - at) as usize) };
        fold_into(&buf, &mut out[at as usize..end as usize]);
        buf.clear();
        at = end;
    }
    // SAFETY: `out` is ASCII, `len` bytes long
    let s = unsafe { ffi::PyUnicode_DecodeASCII(out.as_ptr().cast(), out.len() as ffi::Py_ssize_t, std::ptr::null()) };
    Ok(unsafe { Bound::from_owned_ptr_or_err(py, s)?.cast_into_unchecked::<PyString>() })
}

#[cfg(test)]
mod tests {
    use super::{fold_char, fold_ucs4};

    fn fold(s: &str) -> Vec<u8> {
        fold_ucs4(&s.chars().map(|c| c as u32).collect::<Vec<_>>())
    }

    /// One byte per character, ASCII kept, and each character's fold wherever it sits (the
    /// sixteen-character chunks' edges).
    #[test]
    fn one_byte_per_character() {
        let chars = ['a', 'Z', '\n', '\u{7f}', 'é', 'É', 'ÿ', 'æ', '×', '\u{80}', 'ł', '\u{2019}', 'œ', 'Œ', '€', '😀',
                     '\u{ffff}', '\u{10ffff}'];
        for pad in 0..40 {
            for &c in &chars {
                let s: String = "x".repeat(pad) + &c.to_string() + &"y".repeat(pad % 17);
                let got = fold(&s);
                assert_eq!(got.len(), s.chars().count());
                assert!(got.is_ascii());
                assert_eq!(got[pad], fold_char(c as u32), "{c:?} at {pad}");
                assert!(got[..pad].iter().all(|&b| b == b'x'));
                assert!(got[pad + 1..].iter().all(|&b| b == b'y'));
            }
        }
        assert_eq!(fold("Élève œuvre l’été à Łódź"), b"Eleve ouvre l'ete a ?od?");
        assert_eq!(fold_ucs4(&[0xD800, 0x41, 0xDFFF]), b"?A?");
    }
}
