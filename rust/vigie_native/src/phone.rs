//! Phone validation and canonicalisation, a port of `indexer.identifiers.canon_phone` (the
//! reference) and of the part of Python `phonenumbers` it calls (`parse`, `is_valid_number`,
//! E.164 formatting), on the metadata table generated from that same package.
//!
//! `Valid`/`Invalid` always equal the reference; `Defer` means "not ported: let Python decide".
//! Ported exactly: inputs made of ASCII digits, `+`, the separators ` .-/()`, tab and
//! no-break space, in a region phonenumbers supports, i.e. every number written in E.164,
//! national or international notation with separators. Deferred: letters (vanity numbers,
//! "ext", "Tel:"), `#`, `*`, `,`, `;`, quotes, any other non-ASCII character, unsupported
//! region codes, a region whose patterns the regex crate would not compile, and everything when
//! the table's phonenumbers version is not the installed one.

#[path = "phone_parse.rs"]
mod phone_parse;
#[path = "phone_table.rs"]
mod phone_table;

use phone_parse::{e164, matches_general, parse_valid};
use phone_table::{table, RegionData, Table};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::sync::atomic::{AtomicU8, Ordering};

/// The answer for one (raw, region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneResult {
    /// valid: its E.164 form, as Python's canon_phone returns it
    Valid(String),
    /// Python's canon_phone returns None
    Invalid,
    /// not certain to match Python: call the reference
    Defer,
}

use PhoneResult::{Defer, Invalid, Valid};

// ------------------------------------------------------------------- trust in the table
const UNCHECKED: u8 = 0;
const TRUSTED: u8 = 1;
const MISMATCH: u8 = 2;
static TRUST: AtomicU8 = AtomicU8::new(UNCHECKED);

/// Compare the table with the installed phonenumbers version (done at import by `register`):
/// on a mismatch, or when it was never checked, every phone defers to Python.
pub fn check_installed_version(installed: Option<&str>) -> bool {
    let ok = matches!((table(), installed), (Ok(t), Some(v)) if t.version == v);
    TRUST.store(if ok { TRUSTED } else { MISMATCH }, Ordering::Relaxed);
    ok
}

/// For other modules' tests: trust the table as `register` does when the versions match.
#[cfg(test)]
pub(crate) fn trust_table() -> bool {
    check_installed_version(table().map(|t| t.version.clone()).ok().as_deref())
}

fn trusted_table() -> Option<&'static Table> {
    if TRUST.load(Ordering::Relaxed) != TRUSTED {
        return None;
    }
    table().ok()
}

// ------------------------------------------------------------------------ characters
// The input is mapped to one byte per character (ASCII, and 0xA0 for U+00A0) so that lengths
// and indexes are Python's (characters).
const NBSP: u8 = 0xA0;

/// Python's `str.strip()` set, restricted to the characters the port accepts.
fn is_py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f | NBSP)
}

/// What may stay inside a number once stripped; anything else defers.
fn is_allowed(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'+' | b' ' | b'.' | b'-' | b'/' | b'(' | b')' | b'\t' | NBSP)
}

fn to_units(raw: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\u{a0}' => out.push(NBSP),
            c if c.is_ascii() => out.push(c as u8),
            _ => return None,
        }
    }
    Some(out)
}

fn strip(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_py_space(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_py_space(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

// ---------------------------------------------------------- indexer.identifiers.canon_phone
const OVERSEAS: [&str; 6] = ["FR", "GP", "MQ", "GF", "RE", "YT"];

/// `identifiers._RegionRules.valid` on a 9-digit NSN: the general pattern AND one type pattern
/// (lengths not checked: every description of these regions allows 9 digits).
fn fast_valid(nsn: &[u8], r: &RegionData) -> Option<bool> {
    let c = r.compiled()?;
    let types = r.any_type()?;
    Some(matches_general(c, nsn) && types.is_some_and(|re| re.is_match(nsn)))
}

fn french_fast_path(t: &Table, d: &[u8]) -> Option<PhoneResult> {
    let nsn = if let Some(n) = d.strip_prefix(b"+33") {
        n
    } else if let Some(n) = d.strip_prefix(b"0033") {
        n
    } else if d.starts_with(b"33") && d.len() == 11 {
        &d[2..]
    } else if d.starts_with(b"0") && d.len() == 10 && d[1] != b'0' {
        &d[1..]
    } else {
        return None;
    };
    let nsn = if nsn.len() == 10 && nsn[0] == b'0' { &nsn[1..] } else { nsn };
    if nsn.len() != 9 || !nsn.iter().all(u8::is_ascii_digit) {
        return Some(Invalid);
    }
    let national = d[0] == b'0';
    for (i, id) in OVERSEAS.iter().enumerate() {
        if i > 0 && !national {
            break; // only a national form (0...) is retried as an overseas line
        }
        let Some(r) = t.region(id) else { return Some(Defer) };
        match fast_valid(nsn, r) {
            None => return Some(Defer),
            Some(true) => return Some(Valid(e164(r.cc, nsn))),
            Some(false) => {}
        }
    }
    Some(Invalid)
}

/// Whether `canon_phone_py` certainly returns None for the stripped ASCII `s` because of an
/// "@" in it (an email in a phone column: dumps shift columns, and libphonenumber's parse of
/// each cost ~30 us in Python). Its steps, read on the bytes:
/// - `d` (s without "(0)", then without " .-/()\t") keeps the "@": the French branch, when
///   taken, returns None (its national number holds the "@", so it is not 9 digits);
/// - otherwise `phonenumbers.parse(s)` (s = "+" + d[2:] when d starts with "00"), which with no
///   ";" in it (no RFC 3966 phone-context or isdn-subaddress) extracts the possible number
///   (from the first "+" or digit; trailing characters other than [A-Za-z0-9#] dropped; cut
///   at a second number, `[\\/] *x`) and raises unless it is viable: a full match of
///   `_VALID_PHONE_NUMBER_PATTERN`, which has no "@" in any branch. So: None when the "@" is
///   in the extracted number (or nothing is extracted, or the input is over 250 characters).
/// Anything else defers, as before.
/// `s.replace("(0)", "")` with the separators (space, . - / ( ), NBSP, tab) removed: the digits
/// and signs the checks read.
fn without_separators(s: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(b"(0)") {
            i += 3;
            continue;
        }
        if !matches!(s[i], b' ' | b'.' | b'-' | b'/' | b'(' | b')' | NBSP | b'\t') {
            d.push(s[i]);
        }
        i += 1;
    }
    d
}

fn at_sign_invalid(s: &[u8], region: &str) -> bool {
    if !s.is_ascii() || !s.contains(&b'@') || s.contains(&b';') {
        return false;
    }
    let d = without_separators(s); // s is ASCII here: NBSP cannot occur
    if region == "FR"
        && !d.is_empty()
        && (d.starts_with(b"+33")
            || d.starts_with(b"0033")
            || (d.starts_with(b"33") && d.len() == 11)
            || (d[0] == b'0' && d.len() == 10 && d[1] != b'0'))
    {
        return true;
    }
    let owned;
    let s2: &[u8] = if d.starts_with(b"00") {
        owned = [&b"+"[..], &d[2..]].concat();
        &owned
    } else {
        s
    };
    if s2.len() > 250 {
        return true; // TOO_LONG
    }
    let Some(p) = s2.iter().position(|&b| b == b'+' || b.is_ascii_digit()) else { return true };
    let rest = &s2[p..];
    let Some(q) = rest.iter().rposition(|&b| b.is_ascii_alphanumeric() || b == b'#') else { return true };
    let mut rest = &rest[..q + 1];
    // `[\\/] *x`: the first slash or backslash followed by spaces and an "x"
    for k in 0..rest.len() {
        if matches!(rest[k], b'/' | b'\\') {
            let mut m = k + 1;
            while m < rest.len() && rest[m] == b' ' {
                m += 1;
            }
            if m < rest.len() && rest[m] == b'x' {
                rest = &rest[..k];
                break;
            }
        }
    }
    rest.contains(&b'@')
}

/// `indexer.identifiers.canon_phone(raw, region)`: E.164 when valid, or Invalid, or Defer.
pub fn canon_phone(raw: &str, region: &str) -> PhoneResult {
    let Some(t) = trusted_table() else { return Defer };
    let Some(r) = t.region(region) else { return Defer };
    if raw.chars().filter(|c| c.is_numeric()).take(2).count() < 2 {
        // phonenumbers finds no viable number with fewer than two decimal digits (its
        // `_VALID_PHONE_NUMBER` needs two, its `\d` is Unicode's Nd, which `is_numeric`
        // includes), and the French fast path needs nine: invalid in every region. Street
        // names in a column read as phones each went to Python (~15 us) before.
        return Invalid;
    }
    let owned;
    let units: &[u8] = if raw.is_ascii() {
        raw.as_bytes()
    } else {
        let Some(u) = to_units(raw) else { return Defer };
        owned = u;
        &owned
    };
    let s = strip(units);
    if !s.iter().all(|&b| is_allowed(b)) {
        return if at_sign_invalid(s, region) { Invalid } else { Defer };
    }
    let d = without_separators(s);
    if region == "FR" && !d.is_empty() {
        if let Some(res) = french_fast_path(t, &d) {
            return res;
        }
    }
    if d.starts_with(b"00") {
        let mut plus = Vec::with_capacity(d.len() - 1);
        plus.push(b'+');
        plus.extend_from_slice(&d[2..]);
        return parse_valid(t, &plus, r);
    }
    parse_valid(t, s, r)
}

// ------------------------------------------------------------------------------ Python
fn to_py(py: Python<'_>, res: PhoneResult) -> Py<PyAny> {
    match res {
        Valid(s) => PyString::new(py, &s).into_any().unbind(),
        Invalid => py.None(),
        Defer => py.Ellipsis(),
    }
}

fn as_str<'a>(v: &'a Bound<'_, PyAny>) -> Option<&'a str> {
    v.cast::<PyString>().ok().and_then(|s| s.to_str().ok())
}

fn canon_any(raw: &Bound<'_, PyAny>, region: &str) -> PhoneResult {
    match as_str(raw) {
        Some(s) => canon_phone(s, region),
        None => Defer, // not a str, or a str with lone surrogates: Python decides
    }
}

/// canon_phone(raw, region="FR") -> str | None | Ellipsis: the E.164 form, None when invalid,
/// Ellipsis (...) when the compiled core cannot be sure and Python's canon_phone must decide
/// (a raw that is not a str included); a region that is not a str raises TypeError.
#[pyfunction]
#[pyo3(name = "canon_phone", signature = (raw, region = "FR"))]
fn py_canon_phone(py: Python<'_>, raw: &Bound<'_, PyAny>, region: &str) -> Py<PyAny> {
    to_py(py, canon_any(raw, region))
}

/// canon_phones(raws, region="FR") -> list[str | None | Ellipsis]: canon_phone over a list,
/// in one call (the benchmark's measure of the core without per-call overhead).
#[pyfunction]
#[pyo3(name = "canon_phones", signature = (raws, region = "FR"))]
fn py_canon_phones<'py>(py: Python<'py>, raws: &Bound<'py, PyList>, region: &str) -> PyResult<Bound<'py, PyList>> {
    let out: Vec<Py<PyAny>> = raws.iter().map(|v| to_py(py, canon_any(&v, region))).collect();
    PyList::new(py, out)
}

/// phone_table_status() -> dict: the table's phonenumbers version, the installed one, whether
/// the table is used, and the regions whose patterns do not compile here (compiles them all).
#[pyfunction]
#[pyo3(name = "phone_table_status")]
fn py_phone_table_status(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let installed = py
        .import("phonenumbers")
        .and_then(|m| m.getattr("__version__"))
        .and_then(|v| v.extract::<String>())
        .ok();
    d.set_item("installed", installed)?;
    d.set_item("trusted", TRUST.load(Ordering::Relaxed) == TRUSTED)?;
    match table() {
        Ok(t) => {
            d.set_item("table", &t.version)?;
            let bad: Vec<String> = t.regions.iter().filter_map(|r| r.compile_error().map(|e| format!("{}: {e}", r.id))).collect();
            d.set_item("regions", t.regions.len())?;
            d.set_item("bad_regions", bad)?;
        }
        Err(e) => d.set_item("error", e)?,
    }
    Ok(d)
}

/// Add the phone functions to the module, and trust the table only if its phonenumbers
/// version is the installed one (checked here, at import).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let installed = m
        .py()
        .import("phonenumbers")
        .and_then(|p| p.getattr("__version__"))
        .and_then(|v| v.extract::<String>())
        .ok();
    check_installed_version(installed.as_deref());
    m.add_function(wrap_pyfunction!(py_canon_phone, m)?)?;
    m.add_function(wrap_pyfunction!(py_canon_phones, m)?)?;
    m.add_function(wrap_pyfunction!(py_phone_table_status, m)?)?;
    Ok(())
}
