//! Whole-input byte searches for the Python side's look-ahead tests (issue 17): whether any of
//! a few literals occurs in an input, by SIMD substring search. `bytes.__contains__` runs
//! CPython's two-way search at ~1.4 GB/s here; `exports.may_need_reading` asked it for eight
//! literals over every dense input (6% of the compiled core's dense time).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

/// contains_any(data, needles) -> bool: `any(n in data for n in needles)` (an empty needle is
/// in any data, as in Python).
#[pyfunction]
pub fn contains_any(data: &[u8], needles: &Bound<'_, PyTuple>) -> PyResult<bool> {
    for n in needles.iter() {
        let n = n.cast::<PyBytes>()?;
        if memchr::memmem::find(data, n.as_bytes()).is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
