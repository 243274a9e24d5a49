//! Keyed tokens: HMAC-SHA256(K, SHA-256("v1|<type>|<canonical>"))[:16], as
//! `indexer.tokens.token` (sha2 uses the CPU's SHA extensions when it has them).

use hmac::{Hmac, Mac};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// One match key, keyed once (the ipad/opad states), copied per token.
#[pyclass(module = "vigie_native", frozen)]
pub struct Tokenizer {
    mac: HmacSha256,
    /// the SHA-256 states after the key's ipad and opad blocks (a key of at most 64 bytes)
    pads: Option<([u32; 8], [u32; 8])>,
    /// pair the compressions of two tokens with the SHA extensions (`compress2`)
    ni: bool,
}

const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// One 64-byte block through the compression function, from `state`.
#[inline]
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::compress256(state, std::slice::from_ref(sha2::digest::generic_array::GenericArray::from_slice(block)));
}

/// The last block of a 32-byte message that follows one 64-byte block (HMAC's inner and outer
/// hashes): the digest, the 0x80 end mark, the bit length 768.
#[inline]
fn after_pad(state: &[u32; 8]) -> [u8; 64] {
    let mut b = [0u8; 64];
    for (k, w) in state.iter().enumerate() {
        b[4 * k..4 * k + 4].copy_from_slice(&w.to_be_bytes());
    }
    b[32] = 0x80;
    b[62] = 0x03; // 768 bits, big-endian in the last 8 bytes
    b
}

// ------------------------------------------------------------- two tokens at once (SHA-NI)
/// SHA-256's round constants.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// Two independent compressions with the SHA extensions, their rounds interleaved: a round
/// instruction waits for the one before it in the same hash, so one hash alone leaves the
/// unit idle between them (a token is three dependent compressions: ~110 cycles each alone).
/// The same steps as the sha2 crate's SHA-NI `digest_blocks`, for one block of each.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn compress2_ni(s1: &mut [u32; 8], b1: &[u8; 64], s2: &mut [u32; 8], b2: &[u8; 64]) {
    use std::arch::x86_64::*;
    let mask = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0Bu64 as i64, 0x0405_0607_0001_0203u64 as i64);
    macro_rules! load_state {
        ($s:expr) => {{
            let p = $s.as_ptr() as *const __m128i;
            let dcba = _mm_loadu_si128(p);
            let efgh = _mm_loadu_si128(p.add(1));
            let cdab = _mm_shuffle_epi32(dcba, 0xB1);
            let efgh = _mm_shuffle_epi32(efgh, 0x1B);
            (_mm_alignr_epi8(cdab, efgh, 8), _mm_blend_epi16(efgh, cdab, 0xF0))
        }};
    }
    macro_rules! store_state {
        ($s:expr, $abef:expr, $cdgh:expr) => {{
            let feba = _mm_shuffle_epi32($abef, 0x1B);
            let dchg = _mm_shuffle_epi32($cdgh, 0xB1);
            let p = $s.as_mut_ptr() as *mut __m128i;
            _mm_storeu_si128(p, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(p.add(1), _mm_alignr_epi8(dchg, feba, 8));
        }};
    }
    let (mut abef1, mut cdgh1) = load_state!(s1);
    let (mut abef2, mut cdgh2) = load_state!(s2);
    let (save_abef1, save_cdgh1, save_abef2, save_cdgh2) = (abef1, cdgh1, abef2, cdgh2);
    let p1 = b1.as_ptr() as *const __m128i;
    let p2 = b2.as_ptr() as *const __m128i;
    let mut w1 = [_mm_setzero_si128(); 4];
    let mut w2 = [_mm_setzero_si128(); 4];
    for k in 0..4 {
        w1[k] = _mm_shuffle_epi8(_mm_loadu_si128(p1.add(k)), mask);
        w2[k] = _mm_shuffle_epi8(_mm_loadu_si128(p2.add(k)), mask);
    }
    for i in 0..16 {
        let j = i & 3;
        if i >= 4 {
            // w[i] = schedule(w[i-4], w[i-3], w[i-2], w[i-1]), in a ring of four
            let (a, b, c, d) = (j, (i + 1) & 3, (i + 2) & 3, (i + 3) & 3);
            let t1 = _mm_sha256msg1_epu32(w1[a], w1[b]);
            let t2 = _mm_alignr_epi8(w1[d], w1[c], 4);
            w1[a] = _mm_sha256msg2_epu32(_mm_add_epi32(t1, t2), w1[d]);
            let t1 = _mm_sha256msg1_epu32(w2[a], w2[b]);
            let t2 = _mm_alignr_epi8(w2[d], w2[c], 4);
            w2[a] = _mm_sha256msg2_epu32(_mm_add_epi32(t1, t2), w2[d]);
        }
        let kv = _mm_set_epi32(K[4 * i + 3] as i32, K[4 * i + 2] as i32, K[4 * i + 1] as i32, K[4 * i] as i32);
        let t1 = _mm_add_epi32(w1[j], kv);
        let u1 = _mm_add_epi32(w2[j], kv);
        cdgh1 = _mm_sha256rnds2_epu32(cdgh1, abef1, t1);
        cdgh2 = _mm_sha256rnds2_epu32(cdgh2, abef2, u1);
        abef1 = _mm_sha256rnds2_epu32(abef1, cdgh1, _mm_shuffle_epi32(t1, 0x0E));
        abef2 = _mm_sha256rnds2_epu32(abef2, cdgh2, _mm_shuffle_epi32(u1, 0x0E));
    }
    store_state!(s1, _mm_add_epi32(abef1, save_abef1), _mm_add_epi32(cdgh1, save_cdgh1));
    store_state!(s2, _mm_add_epi32(abef2, save_abef2), _mm_add_epi32(cdgh2, save_cdgh2));
}

/// Whether this CPU has the SHA extensions (and the SSE the pair path uses).
fn has_sha_ni() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("sse4.1")
            && std::arch::is_x86_feature_detected!("ssse3")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Two compressions: interleaved with the SHA extensions when `ni`, else one after the other.
#[inline]
fn compress2(ni: bool, s1: &mut [u32; 8], b1: &[u8; 64], s2: &mut [u32; 8], b2: &[u8; 64]) {
    #[cfg(target_arch = "x86_64")]
    if ni {
        // SAFETY: `ni` is true only when the CPU has sha, sse4.1 and ssse3 (`has_sha_ni`)
        unsafe { compress2_ni(s1, b1, s2, b2) };
        return;
    }
    let _ = ni;
    compress(s1, b1);
    compress(s2, b2);
}

/// "v1|type|canonical" as one padded block, when it fits (55 bytes).
#[inline]
fn short_block(t: &str, c: &str) -> Option<[u8; 64]> {
    let n = 4 + t.len() + c.len();
    if n > 55 {
        return None;
    }
    let mut b = [0u8; 64];
    b[..3].copy_from_slice(b"v1|");
    b[3..3 + t.len()].copy_from_slice(t.as_bytes());
    b[3 + t.len()] = b'|';
    b[4 + t.len()..n].copy_from_slice(c.as_bytes());
    b[n] = 0x80;
    b[56..].copy_from_slice(&(8 * n as u64).to_be_bytes());
    Some(b)
}

fn first16(state: &[u32; 8]) -> [u8; 16] {
    let mut t16 = [0u8; 16];
    for k in 0..4 {
        t16[4 * k..4 * k + 4].copy_from_slice(&state[k].to_be_bytes());
    }
    t16
}

impl Tokenizer {
    fn pads(key: &[u8]) -> Option<([u32; 8], [u32; 8])> {
        if key.len() > 64 {
            return None; // (HMAC hashes such a key first: the general path does)
        }
        let (mut i, mut o) = ([0x36u8; 64], [0x5cu8; 64]);
        for (k, b) in key.iter().enumerate() {
            i[k] ^= b;
            o[k] ^= b;
        }
        let (mut si, mut so) = (IV, IV);
        compress(&mut si, &i);
        compress(&mut so, &o);
        Some((si, so))
    }

    /// The token by three compressions and nothing else, when "v1|type|canonical" fits one
    /// block (55 bytes; most identifiers): the hash and HMAC objects' buffering, padding and
    /// copies were a quarter of a token's time.
    #[inline]
    fn token_short(&self, t: &str, c: &str) -> Option<[u8; 16]> {
        let (ipad, opad) = self.pads.as_ref()?;
        let b = short_block(t, c)?;
        let mut pre = IV;
        compress(&mut pre, &b);
        let mut inner = *ipad;
        compress(&mut inner, &after_pad(&pre));
        let mut outer = *opad;
        compress(&mut outer, &after_pad(&inner));
        Some(first16(&outer))
    }

    /// Two tokens whose "v1|type|canonical" both fit one block, their compressions paired
    /// (`compress2`); None when either does not fit or the short path is off.
    #[inline]
    fn token_pair_short(&self, a: (&str, &str), b: (&str, &str)) -> Option<([u8; 16], [u8; 16])> {
        let (ipad, opad) = self.pads.as_ref()?;
        let (ba, bb) = (short_block(a.0, a.1)?, short_block(b.0, b.1)?);
        let (mut pa, mut pb) = (IV, IV);
        compress2(self.ni, &mut pa, &ba, &mut pb, &bb);
        let (mut ia, mut ib) = (*ipad, *ipad);
        compress2(self.ni, &mut ia, &after_pad(&pa), &mut ib, &after_pad(&pb));
        let (mut oa, mut ob) = (*opad, *opad);
        compress2(self.ni, &mut oa, &after_pad(&ia), &mut ob, &after_pad(&ib));
        Some((first16(&oa), first16(&ob)))
    }

    /// The tokens of `n` identifiers (`get(k)`: type and canonical of the k-th), two at a time
    /// where both fit the short path.
    pub fn tokens_of<'a>(&self, n: usize, get: impl Fn(usize) -> (&'a str, &'a str)) -> Vec<[u8; 16]> {
        let mut out = Vec::with_capacity(n);
        let mut k = 0;
        while k + 1 < n {
            let (a, b) = (get(k), get(k + 1));
            match self.token_pair_short(a, b) {
                Some((x, y)) => {
                    out.push(x);
                    out.push(y);
                }
                None => {
                    out.push(self.token(a.0, a.1));
                    out.push(self.token(b.0, b.1));
                }
            }
            k += 2;
        }
        if k < n {
            let a = get(k);
            out.push(self.token(a.0, a.1));
        }
        out
    }

    #[inline]
    pub fn token(&self, t: &str, c: &str) -> [u8; 16] {
        if let Some(t16) = self.token_short(t, c) {
            return t16;
        }
        self.token_general(t, c)
    }

    /// HMAC-SHA256 through the hmac and sha2 objects: any length.
    fn token_general(&self, t: &str, c: &str) -> [u8; 16] {
        let mut h = Sha256::new();
        h.update(b"v1|");
        h.update(t.as_bytes());
        h.update(b"|");
        h.update(c.as_bytes());
        let pre = h.finalize();
        let mut m = self.mac.clone();
        m.update(&pre);
        let out = m.finalize().into_bytes();
        let mut t16 = [0u8; 16];
        t16.copy_from_slice(&out[..16]);
        t16
    }
}

fn utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<std::borrow::Cow<'a, str>> {
    // a lone surrogate cannot reach here (detect_text replaces them), but `str.encode()`
    // would raise on one: so does this
    Ok(std::borrow::Cow::Borrowed(s.to_str()?))
}

#[pymethods]
impl Tokenizer {
    #[new]
    fn new(key: &[u8]) -> PyResult<Self> {
        let mac = HmacSha256::new_from_slice(key)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("bad match key: {e}")))?;
        let mut tk = Tokenizer { mac, pads: Self::pads(key), ni: has_sha_ni() };
        // the short path is checked against the general one at every length it serves: a
        // difference (it cannot be, but a token is a stored identity) turns it off; then the
        // paired compressions against the short path (a difference turns the pairing off)
        let probe = "x".repeat(60); // n = 9..69 bytes: every length the short path serves, and past it
        let ok = (0..=probe.len()).filter(|&k| probe.is_char_boundary(k))
            .all(|k| tk.token_short("phone", &probe[..k]).is_none_or(|x| x == tk.token_general("phone", &probe[..k])));
        if !ok {
            tk.pads = None;
        }
        let pairs_ok = (0..probe.len()).all(|k| {
            let (a, b) = (("email", &probe[..k]), ("phone", &probe[k..]));
            tk.token_pair_short(a, b).is_none_or(|(x, y)| x == tk.token(a.0, a.1) && y == tk.token(b.0, b.1))
        });
        if !pairs_ok {
            tk.ni = false;
        }
        Ok(tk)
    }

    /// Whether the three-compression path is on (a key of at most 64 bytes, self-check passed).
    #[getter]
    fn short_path(&self) -> bool {
        self.pads.is_some()
    }

    /// Whether two tokens' compressions are paired with the CPU's SHA extensions (self-check passed).
    #[getter]
    fn paired(&self) -> bool {
        self.ni && self.pads.is_some()
    }

    /// tokens_of(pairs) -> list of 16 bytes: the tokens of [(type, canonical), ...] as `build`
    /// computes them, two at a time (for the tests).
    fn tokens_of_pairs<'py>(&self, py: Python<'py>, pairs: Vec<(String, String)>) -> PyResult<Bound<'py, PyList>> {
        let toks = self.tokens_of(pairs.len(), |k| (pairs[k].0.as_str(), pairs[k].1.as_str()));
        PyList::new(py, toks.iter().map(|t| PyBytes::new(py, t)))
    }

    /// token(type, canonical) -> 16 bytes
    fn __call__<'py>(&self, py: Python<'py>, t: Bound<'py, PyString>, c: Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
        let tok = self.token(&utf8(&t)?, &utf8(&c)?);
        Ok(PyBytes::new(py, &tok))
    }

    /// The tokens of a sink's found list, [(type, canonical, start, end), ...], in order.
    fn tokens<'py>(&self, py: Python<'py>, found: Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for item in found.iter() {
            let tup = item.cast::<PyTuple>()?;
            let t = tup.get_item(0)?;
            let c = tup.get_item(1)?;
            let tok = self.token(&utf8(t.cast::<PyString>()?)?, &utf8(c.cast::<PyString>()?)?);
            out.append(PyBytes::new(py, &tok))?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paired tokens are the one-by-one tokens, at every length pair and on random text
    /// (UTF-8 included); the pairing is on where the CPU has the SHA extensions.
    #[test]
    fn pairs_are_single_tokens() {
        let tk = Tokenizer::new(b"0123456789abcdef0123456789abcdef").expect("key");
        assert!(tk.pads.is_some());
        let words = ["", "a", "é", "x@y.fr", "+33612345678", "0123456789", "\u{1F600}", "|", "FR76 3000"];
        let mut seed = 9u64;
        let mut items: Vec<(String, String)> = Vec::new();
        for _ in 0..3000 {
            let mut c = String::new();
            for _ in 0..(seed % 9) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                c.push_str(words[(seed >> 33) as usize % words.len()]);
            }
            let t = ["email", "phone", "credential", "national_id"][(seed >> 40) as usize % 4];
            items.push((t.to_string(), c));
        }
        let got = tk.tokens_of(items.len(), |k| (items[k].0.as_str(), items[k].1.as_str()));
        let mut paired = 0;
        for (k, (t, c)) in items.iter().enumerate() {
            assert_eq!(got[k], tk.token_general(t, c), "{t} {c:?}");
            paired += (short_block(t, c).is_some()) as usize;
        }
        assert!(paired > 1000);
        let (ia, ib) = (IV, IV);
        let (mut a, mut b) = (ia, ib);
        let (x, y) = ([7u8; 64], [9u8; 64]);
        compress2(tk.ni, &mut a, &x, &mut b, &y);
        let (mut c, mut d) = (IV, IV);
        compress(&mut c, &x);
        compress(&mut d, &y);
        assert_eq!((a, b), (c, d));
        eprintln!("paired with SHA-NI: {}", tk.ni);
    }
}
