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
}

impl Tokenizer {
    #[inline]
    pub fn token(&self, t: &str, c: &str) -> [u8; 16] {
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
        Ok(Tokenizer { mac })
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
