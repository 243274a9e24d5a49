//! `indexer.redact.redact`'s walk over a fragment's masks (issue 17): the excerpt is the text's
//! head with each mask in place of its span and the safety net (`redact._net`) over the gaps
//! between them. A forum post holding a small dump has ~30 gaps in its excerpt, and the walk
//! and the net were ~17% of the time of detecting such a post (~1.5 us of interpreter work a
//! gap, ~6 us a gap the net reads: two RE2 substitutions through the wrapper).
//!
//! The net here is `SafetyNet`: `redact.ADDRESS` then `redact._NET`, compiled by Rust's `regex`
//! crate from the same pattern text (`redact.net_patterns`: the Python patterns spell RE2's
//! ASCII shorthands as classes, and RE2's ASCII `\b` becomes `(?-u:\b)`). Both engines find
//! leftmost-first matches, each search from the end of the last (no pattern matches the empty
//! string), and both fold case by Unicode's simple folding under `(?i)`; tests compare it with
//! the Python net on random text (tests/test_engine_differential.py).
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use regex::{NoExpand, Regex};
use std::borrow::Cow;

use crate::canon::clen;

/// `redact.ADDRESS` and `redact._NET`, compiled once per engine choice.
#[pyclass(frozen)]
pub struct SafetyNet {
    address: Regex,
    net: Regex,
}

#[pymethods]
impl SafetyNet {
    /// SafetyNet(address, net): the patterns of `redact.net_patterns()`.
    #[new]
    fn new(address: &str, net: &str) -> PyResult<Self> {
        let compile = |p: &str| {
            Regex::new(p).map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("the safety net's pattern: {e}")))
        };
        Ok(SafetyNet { address: compile(address)?, net: compile(net)? })
    }

    /// `redact._net(s)`.
    fn __call__(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        self.apply(s, &mut out);
        out
    }
}

impl SafetyNet {
    /// `redact.ADDRESS`, as compiled here (`columns._value_types`' street test: roles.rs).
    pub(crate) fn address(&self) -> &Regex {
        &self.address
    }

    /// `redact._net(s)` appended to `out`.
    fn apply(&self, s: &str, out: &mut String) {
        if !net_may_change(s) {
            out.push_str(s);
            return;
        }
        // every address starts with an ASCII digit: none, no address (`_net`'s own test)
        let s: Cow<'_, str> = if s.bytes().any(|c| c.is_ascii_digit()) {
            self.address.replace_all(s, NoExpand("[address]"))
        } else {
            Cow::Borrowed(s)
        };
        let mut last = 0;
        for m in self.net.find_iter(&s) {
            out.push_str(&s[last..m.start()]);
            mask_net(m.as_str(), out);
            last = m.end();
        }
        out.push_str(&s[last..]);
    }
}

/// `s[:1]`: its first character.
fn first(s: &str) -> &str {
    s.chars().next().map(|c| &s[..c.len_utf8()]).unwrap_or("")
}

/// `redact._mask_net(v)`: `_mask_email(v)` for an `x@y`, else up to 8 `#`.
fn mask_net(v: &str, out: &mut String) {
    let Some(at) = v.rfind('@') else {
        out.extend(std::iter::repeat_n('#', clen(v).min(8)));
        return;
    };
    let (local, domain) = (&v[..at], &v[at + 1..]);
    let tld = domain.rfind('.').map(|d| &domain[d + 1..]).unwrap_or("");
    out.push_str(first(local));
    out.push_str("***@");
    if !tld.is_empty() {
        out.push_str(first(domain));
        out.push_str("***.");
        out.push_str(tld);
    } else {
        out.push_str("***");
    }
}

/// `redact._NET_NEEDS` / `_NET_OPAQUE`'s test: whether `_net(s)` may change `s`. Both classes
/// are ASCII, so a run of their bytes is a run of their characters.
fn net_may_change(s: &str) -> bool {
    let b = s.as_bytes();
    if b.iter().any(|&c| c.is_ascii_digit() || c == b'@' || c == b'$') {
        return true;
    }
    if b.len() < 24 {
        return false;
    }
    let mut run = 0usize;
    for &c in b {
        if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'$' | b'.') {
            run += 1;
            if run >= 24 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// excerpt(head, spans, net) -> str | None: `redact.redact(text, spans)` without its "\n…"
/// tail, `head` being `text[:excerpt_end(text)]` and `spans` the (start, end, mask) spans in
/// character offsets, as `redact` takes them; `net` is a `SafetyNet` or a callable that does
/// what `redact._net` does (called only on the gaps it may change). None (the reference
/// decides) for a negative offset, which Python's slices read from the end.
#[pyfunction]
pub fn excerpt(head: &str, spans: &Bound<'_, PyList>, net: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let n = clen(head) as i64;
    let native = net.cast::<SafetyNet>().ok().map(|b| b.get());
    let mut kept: Vec<(i64, i64, String)> = Vec::with_capacity(spans.len());
    for item in spans.iter() {
        let t = item.cast::<PyTuple>()?;
        let st: i64 = t.get_item(0)?.extract()?;
        let en: i64 = t.get_item(1)?.extract()?;
        if st < 0 || en < 0 {
            return Ok(None);
        }
        if st < n {  // `redact` stops at the first sorted span at or past the cut
            kept.push((st, en, t.get_item(2)?.extract()?));
        }
    }
    kept.sort_unstable();  // as Python sorts the tuples: str order is code point order, as UTF-8's
    // character offsets to byte offsets (identity on ASCII)
    let table: Option<Vec<usize>> = if head.is_ascii() {
        None
    } else {
        Some(head.char_indices().map(|(b, _)| b).chain(std::iter::once(head.len())).collect())
    };
    let at = |c: i64| -> usize {
        let c = c.min(n) as usize;
        match &table {
            None => c,
            Some(t) => t[c],
        }
    };
    let mut out = String::with_capacity(head.len() + 16);
    let gap = |out: &mut String, a: i64, b: i64| -> PyResult<()> {
        let s = &head[at(a)..at(b)];
        if let Some(native) = native {
            native.apply(s, out);
        } else if net_may_change(s) {
            let masked = net.call1((s,))?;
            out.push_str(masked.cast::<PyString>()?.to_str()?);
        } else {
            out.push_str(s);
        }
        Ok(())
    };
    let mut pos: i64 = 0;
    for (st, en, mask) in &kept {
        if *st < pos {
            continue;
        }
        gap(&mut out, pos, *st)?;
        out.push_str(mask);
        pos = *en;
    }
    if pos < n {
        gap(&mut out, pos, n)?;
    }
    let keep = out.trim_end_matches('\n').len();
    out.truncate(keep);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::net_may_change;

    #[test]
    fn the_prefilter_skips_only_what_the_net_leaves() {
        assert!(!net_may_change(""));
        assert!(!net_may_change("\";\""));
        assert!(!net_may_change(",Durand,Jean,"));
        assert!(net_may_change("rue 12"));
        assert!(net_may_change("a@b"));
        assert!(net_may_change("$x"));
        assert!(!net_may_change(&"a".repeat(23)));
        assert!(net_may_change(&"a".repeat(24)));
        assert!(!net_may_change(&format!("{} {}", "a".repeat(23), "b".repeat(23))));
        assert!(!net_may_change(&"é".repeat(30)));
    }
}
