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
        let mut pre = IV;
        compress(&mut pre, &b);
        let mut inner = *ipad;
        compress(&mut inner, &after_pad(&pre));
        let mut outer = *opad;
        compress(&mut outer, &after_pad(&inner));
        let mut t16 = [0u8; 16];
        for k in 0..4 {
            t16[4 * k..4 * k + 4].copy_from_slice(&outer[k].to_be_bytes());
        }
        Some(t16)
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
        let mut tk = Tokenizer { mac, pads: Self::pads(key) };
        // the short path is checked against the general one at every length it serves: a
        // difference (it cannot be, but a token is a stored identity) turns it off
        let probe = "x".repeat(60); // n = 9..69 bytes: every length the short path serves, and past it
        let ok = (0..=probe.len()).filter(|&k| probe.is_char_boundary(k))
            .all(|k| tk.token_short("phone", &probe[..k]).is_none_or(|x| x == tk.token_general("phone", &probe[..k])));
        if !ok {
            tk.pads = None;
        }
        Ok(tk)
    }

    /// Whether the three-compression path is on (a key of at most 64 bytes, self-check passed).
    #[getter]
    fn short_path(&self) -> bool {
        self.pads.is_some()
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
