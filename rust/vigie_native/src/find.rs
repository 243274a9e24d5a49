//! Whole-input byte searches for the Python side's look-ahead tests (issue 17): whether any of
//! a few literals occurs in an input, by SIMD substring search. `bytes.__contains__` runs
//! CPython's two-way search at ~1.4 GB/s here; `exports.may_need_reading` asked it for eight
//! literals over every dense input (6% of the compiled core's dense time).

use std::cell::RefCell;

use memchr::memmem::Finder;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

/// Searchers kept per needle: the callers ask for the same dozen literals on every input, and
/// building a `Finder` (its SIMD pair, its Rabin-Karp hash) was most of a small post's cost
/// (~13k instructions a `may_need_reading`). Bounded: past it, a needle is searched one-off.
const KEPT: usize = 64;

thread_local! {
    static FINDERS: RefCell<Vec<Finder<'static>>> = const { RefCell::new(Vec::new()) };
}

/// Whether `needle` occurs in `data`, with a kept searcher.
fn find_kept(data: &[u8], needle: &[u8]) -> bool {
    FINDERS.with(|f| {
        let mut f = f.borrow_mut();
        if let Some(finder) = f.iter().find(|x| x.needle() == needle) {
            return finder.find(data).is_some();
        }
        let finder = Finder::new(needle).into_owned();
        let hit = finder.find(data).is_some();
        if f.len() < KEPT {
            f.push(finder);
        }
        hit
    })
}

/// contains_any(data, needles) -> bool: `any(n in data for n in needles)` (an empty needle is
/// in any data, as in Python).
#[pyfunction]
pub fn contains_any(data: &[u8], needles: &Bound<'_, PyTuple>) -> PyResult<bool> {
    for n in needles.iter() {
        let n = n.cast::<PyBytes>()?;
        if find_kept(data, n.as_bytes()) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::{find_kept, KEPT};

    /// The kept searchers answer as a fresh search, for needles asked again, needles that share
    /// a prefix, the empty needle, and past the bound.
    #[test]
    fn kept_finders_are_fresh_searches() {
        let data: &[u8] = b"BEGIN:VCARD\nN:x\n?= ransfer-Encoding dn: a::b";
        let mut needles: Vec<Vec<u8>> = vec![b"BEGIN:V".to_vec(), b"BEGIN:X".to_vec(), b"".to_vec(), b"?=".to_vec(),
                                             b"dn:".to_vec(), b"::".to_vec(), b"$".to_vec(), b"\n ".to_vec()];
        for k in 0..KEPT + 20 {
            needles.push(format!("n{k}:").into_bytes());
        }
        for round in 0..3 {
            for n in &needles {
                for d in [data, b"", b"n7:", b"xxn70:"] {
                    let want = memchr::memmem::find(d, n).is_some();
                    assert_eq!(find_kept(d, n), want, "round {round} {:?} in {:?}", n, d);
                }
            }
        }
    }
}
