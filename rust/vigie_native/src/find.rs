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

/// A tuple's needles in one searcher (Teddy, SIMD), kept per tuple: eight needles were eight
/// passes over a dense input. None when Teddy cannot run here (then the kept `Finder`s).
type Packed = (Vec<Vec<u8>>, Option<aho_corasick::packed::Searcher>);

thread_local! {
    static PACKED: RefCell<Vec<Packed>> = const { RefCell::new(Vec::new()) };
}

/// Whether any of `needles` (none empty) occurs in `data`.
fn any_kept(data: &[u8], needles: &[&[u8]]) -> bool {
    let hit = PACKED.with(|p| {
        let mut p = p.borrow_mut();
        let at = match p.iter().position(|(ns, _)| ns.len() == needles.len() && ns.iter().zip(needles).all(|(a, b)| a == b)) {
            Some(at) => at,
            None => {
                if p.len() >= KEPT {
                    return None;
                }
                let searcher = aho_corasick::packed::Config::new().builder().extend(needles.iter()).build();
                p.push((needles.iter().map(|n| n.to_vec()).collect(), searcher));
                p.len() - 1
            }
        };
        p[at].1.as_ref().map(|s| s.find(data).is_some())
    });
    hit.unwrap_or_else(|| needles.iter().any(|n| find_kept(data, n)))
}

/// contains_any(data, needles) -> bool: `any(n in data for n in needles)` (an empty needle is
/// in any data, as in Python).
#[pyfunction]
pub fn contains_any(data: &[u8], needles: &Bound<'_, PyTuple>) -> PyResult<bool> {
    let mut ns: Vec<&[u8]> = Vec::with_capacity(needles.len());
    let held: Vec<Bound<'_, PyBytes>> = needles.iter().map(|n| n.cast_into::<PyBytes>()).collect::<Result<_, _>>()?;
    for n in &held {
        if n.as_bytes().is_empty() {
            return Ok(true);
        }
        ns.push(n.as_bytes());
    }
    Ok(match ns.len() {
        0 => false,
        1 => find_kept(data, ns[0]),
        _ => any_kept(data, &ns),
    })
}

#[cfg(test)]
mod tests {
    use super::{any_kept, find_kept, KEPT};

    /// One pass for a tuple's needles answers as a search per needle: the export marks, needles
    /// sharing prefixes, short and long data, each needle at the data's edges, many tuples.
    #[test]
    fn packed_is_a_search_per_needle() {
        let sets: Vec<Vec<&[u8]>> = vec![
            vec![b"BEGIN:V", b"begin:v", b"ransfer-", b"RANSFER-", b"\"text_entities\"", b"\"from_id\"", b"?=",
                 b": (Name)", b": (nom)"],
            vec![b"dn:", b"DN:"],
            vec![b"::", b"$", b"\n "],
            vec![b"a", b"ab", b"abc"],
        ];
        let mut datas: Vec<Vec<u8>> = vec![b"".to_vec(), b"x".to_vec(), b"plain text without marks ".repeat(40)];
        for set in &sets {
            for n in set {
                for pad in [0usize, 1, 15, 16, 31, 33, 200] {
                    let mut d = b"-".repeat(pad);
                    d.extend_from_slice(n);
                    datas.push(d.clone());
                    d.extend_from_slice(&b"+".repeat(pad));
                    datas.push(d);
                }
            }
        }
        for round in 0..2 {
            for set in &sets {
                for d in &datas {
                    let want = set.iter().any(|n| memchr::memmem::find(d, n).is_some());
                    assert_eq!(any_kept(d, set), want, "round {round} {:?} in {:?}", set, String::from_utf8_lossy(d));
                }
            }
        }
        for k in 0..KEPT + 5 {  // past the bound: searched one needle at a time
            let a = format!("k{k}:");
            let set: Vec<&[u8]> = vec![a.as_bytes(), b"zz"];
            assert!(any_kept(format!("..k{k}:..").as_bytes(), &set));
            assert!(!any_kept(b"..k:..", &set));
        }
    }

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
