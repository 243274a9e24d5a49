//! `indexer.detect.extract.Sink.settle` and `Sink.region_seen`: the phones in national
//! notation read in their fragment's context, in one call per fragment (issue 17).
//!
//! Same steps and order as the reference (its docstring says why each is there); the ported
//! phone validator answers where it is sure, `indexer.identifiers.canon_phone` where it
//! defers; a value that is not ASCII asks Python whether it is French-shaped (`str.isdigit`
//! is Unicode-aware), and the look inside an invalid French value is `scan_only`'s.

use crate::canon::clen;
use crate::phone::{self, PhoneResult};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use crate::found::FoundRef;
use std::collections::HashMap;

/// What settle needs from Python: the reference functions and the calling-code table.
pub struct SettleHooks {
    pub canon_phone: Py<PyAny>,
    pub scan_only: Py<PyAny>,
    pub counter: Py<PyAny>,
    /// `indexer.identifiers._CC_REGION`: calling code (digits) -> main region
    pub cc_region: HashMap<String, String>,
    /// each region of `cc_region` as an interned Python str: the tally's keys, made (and
    /// hashed) once instead of twice per +CC number
    region_keys: HashMap<String, Py<PyString>>,
    /// `cc_region` by the calling code's number (1-999), for its keys written as such (digits,
    /// no leading zero): the same answers without hashing the code's text up to three times
    by_code: Vec<Option<(String, Py<PyString>)>>,
}

impl SettleHooks {
    pub fn new<'py>(get: impl Fn(&str) -> PyResult<Bound<'py, PyAny>>) -> PyResult<Self> {
        let cc_obj = get("cc_region")?;
        let py = cc_obj.py();
        let cc: HashMap<String, String> = cc_obj.extract()?;
        let region_keys: HashMap<String, Py<PyString>> =
            cc.values().map(|r| (r.clone(), PyString::intern(py, r).unbind())).collect();
        let mut by_code: Vec<Option<(String, Py<PyString>)>> = (0..1000).map(|_| None).collect();
        for (k, r) in &cc {
            if let Some(n) = code_number(k) {
                by_code[n] = Some((r.clone(), region_keys[r].clone_ref(py)));
            }
        }
        Ok(SettleHooks {
            region_keys,
            by_code,
            canon_phone: get("canon_phone")?.unbind(),
            scan_only: get("scan_only")?.unbind(),
            counter: get("Counter")?.unbind(),
            cc_region: cc,
        })
    }

    /// `cc_region[key]`: by number for a key written as one, else by text.
    fn region_of_key(&self, key: &str) -> Option<(&str, Option<&Py<PyString>>)> {
        match code_number(key) {
            Some(n) => self.by_code[n].as_ref().map(|(r, o)| (r.as_str(), Some(o))),
            None => self.cc_region.get(key).map(|r| (r.as_str(), None)),
        }
    }

    /// `ids.calling_region(e164)`, with the region's interned str when it has one.
    fn calling_region_key(&self, e164: &str) -> Option<(&str, Option<&Py<PyString>>)> {
        if e164.is_ascii() {
            // (the E.164 forms the validators give: slices without allocating)
            let n = e164.len();
            for k in 1..=3 {
                if let Some(r) = self.region_of_key(&e164[1.min(n)..(1 + k).min(n)]) {
                    return Some(r);
                }
            }
            return None;
        }
        self.calling_region(e164).map(|r| (r, None))
    }

    /// `ids.calling_region(e164)`
    pub fn calling_region(&self, e164: &str) -> Option<&str> {
        if e164.is_ascii() {
            return self.calling_region_key(e164).map(|r| r.0);
        }
        let ch: Vec<char> = e164.chars().skip(1).take(3).collect();
        for n in 1..=3 {
            if n > ch.len() {
                // e164[1:1+n] is shorter than n: the same key as for the previous n
                let k: String = ch.iter().collect();
                return self.cc_region.get(&k).map(String::as_str);
            }
            let k: String = ch[..n].iter().collect();
            if let Some(r) = self.cc_region.get(&k) {
                return Some(r);
            }
        }
        None
    }

    fn canon<'py>(&self, py: Python<'py>, v: &str, region: &str) -> PyResult<Option<String>> {
        match phone::canon_phone(v, region) {
            PhoneResult::Valid(c) => Ok(Some(c)),
            PhoneResult::Invalid => Ok(None),
            PhoneResult::Defer => {
                let r = self.canon_phone.bind(py).call1((v, region))?;
                if r.is_none() { Ok(None) } else { Ok(Some(r.extract()?)) }
            }
        }
    }

    /// `Sink.region_seen(col, e164)`
    pub fn region_seen(&self, py: Python<'_>, sink: &Bound<'_, PyAny>, col: usize, e164: &str) -> PyResult<()> {
        let Some((r, interned)) = self.calling_region_key(e164) else { return Ok(()) };
        let cc_col = sink.getattr(intern!(py, "cc_col"))?.cast_into::<PyDict>()?;
        let c = match cc_col.get_item(col)? {
            Some(c) => c,
            None => {
                let c = self.counter.bind(py).call0()?;
                cc_col.set_item(col, &c)?;
                c
            }
        };
        let c = c.cast::<PyDict>()?;
        let owned;
        let key = match interned.or_else(|| self.region_keys.get(r)) {
            Some(k) => k.bind(py),
            None => {
                owned = PyString::new(py, r);
                &owned
            }
        };
        let n: i64 = match c.get_item(key)? {
            Some(x) => x.extract()?,
            None => 0,
        };
        c.set_item(key, n + 1)
    }
}

/// The number a calling code's text is written as: 1 to 3 ASCII digits, no leading zero.
fn code_number(k: &str) -> Option<usize> {
    let b = k.as_bytes();
    if b.is_empty() || b.len() > 3 || b[0] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0usize, |n, &d| n * 10 + (d - b'0') as usize))
}

/// Whether an address's top-level domain names `region` (`Sink.settle`: `"GB" if tld == "uk"
/// else tld.upper()`), without a String for the ASCII ones (most).
fn tld_names(tld: &str, region: &str) -> bool {
    if tld == "uk" {
        return region == "GB";
    }
    if tld.is_ascii() {
        return tld.len() == region.len() && tld.bytes().zip(region.bytes()).all(|(a, b)| a.to_ascii_uppercase() == b);
    }
    tld.to_uppercase() == region
}

/// A Counter in insertion order: (key, count).
type Tally = Vec<(String, i64)>;

fn bump(t: &mut Tally, k: &str) {
    match t.iter_mut().find(|(x, _)| x == k) {
        Some((_, n)) => *n += 1,
        None => t.push((k.to_string(), 1)),
    }
}

/// `_dominant(regions)`: the first most common (Counter.most_common(1)), if at least two and
/// half of the total.
fn dominant(t: &Tally) -> Option<String> {
    let (r, n) = most_common(t)?;
    let total: i64 = t.iter().map(|e| e.1).sum();
    if *n >= 2 && 2 * n >= total { Some(r.clone()) } else { None }
}

/// `Counter.most_common(1)[0]`: the first entry with the highest count.
fn most_common(t: &Tally) -> Option<&(String, i64)> {
    let mut best: Option<&(String, i64)> = None;
    for e in t {
        if best.is_none_or(|b| e.1 > b.1) {
            best = Some(e);
        }
    }
    best
}

/// `_top(regions)`: the region of most +CC numbers, however few.
fn top(t: &Tally) -> Option<String> {
    most_common(t).map(|e| e.0.clone())
}

fn tally_of(d: &Bound<'_, PyAny>) -> PyResult<Tally> {
    let d = d.cast::<PyDict>()?;
    let mut t = Tally::new();
    for (k, v) in d.iter() {
        t.push((k.extract()?, v.extract()?));
    }
    Ok(t)
}

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Python truthiness of an optional str: None and "" are false.
fn opt_str(o: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if o.is_none() {
        return Ok(None);
    }
    let s: String = o.extract()?;
    Ok(if s.is_empty() { None } else { Some(s) })
}

struct Pending<'py> {
    v: String,
    off: i64,
    hint: Bound<'py, PyAny>,
    rec: Bound<'py, PyAny>,
}

/// How many of a column's first 64 pending numbers are valid in `region` (`_valid_in`).
fn votes(py: Python<'_>, h: &SettleHooks, values: &[Pending<'_>], region: &str) -> PyResult<i64> {
    let mut n = 0;
    for p in values.iter().take(64) {
        if valid_in(py, h, &p.v, region)? {
            n += 1;
        }
    }
    Ok(n)
}

/// `Sink.settle()`
pub fn settle<'py>(py: Python<'py>, h: &SettleHooks, sink: &Bound<'py, PyAny>, today: crate::canon::Today) -> PyResult<()> {
    let pending = sink.getattr(intern!(py, "pending"))?.cast_into::<PyList>()?;
    if pending.is_empty() {
        return Ok(());
    }
    let found = FoundRef::of(sink.getattr(intern!(py, "found"))?)?;
    let mut seen = Tally::new();
    found.each_of(&["phone", "iban", "national_id"], |t, c| {
        if t == "phone" {
            if let Some(r) = h.calling_region(c) {
                bump(&mut seen, r);
            }
        } else {
            bump(&mut seen, first_chars(c, 2));
        }
    })?;
    // an address under a country's domain backs a country a number or an IBAN names already,
    // where they make none dominant (`Sink.settle`)
    if !seen.is_empty() && dominant(&seen).is_none() {
        let mut more: Vec<usize> = Vec::new();
        found.each_of(&["email"], |_, c| {
            let tld = &c[c.rfind('.').map_or(0, |i| i + 1)..];
            if let Some(k) = seen.iter().position(|(x, _)| tld_names(tld, x)) {
                more.push(k);
            }
        })?;
        for k in more {
            seen[k].1 += 1;
        }
    }
    let frag_best = dominant(&seen);
    let mut cols: Vec<(i64, Vec<Pending<'py>>)> = Vec::new();
    for p in pending.iter() {
        let p = p.cast::<PyTuple>()?;
        let v: String = p.get_item(0)?.extract()?;
        let off: i64 = p.get_item(1)?.extract()?;
        let col: i64 = p.get_item(2)?.extract()?;
        let e = Pending { v, off, hint: p.get_item(3)?, rec: p.get_item(4)? };
        match cols.iter_mut().find(|(c, _)| *c == col) {
            Some((_, vs)) => vs.push(e),
            None => cols.push((col, vec![e])),
        }
    }
    let cc_col = sink.getattr(intern!(py, "cc_col"))?.cast_into::<PyDict>()?;
    let phone_t = PyString::intern(py, "phone");
    for (col, values) in &cols {
        let own_tally = match cc_col.get_item(*col)? {
            Some(c) => tally_of(&c)?,
            None => Tally::new(),
        };
        let own = if own_tally.is_empty() { None } else { dominant(&own_tally) };
        let mut cands: Vec<String> = Vec::new();
        for r in [own, opt_str(&values[0].hint)?, frag_best.clone(), Some("FR".to_string())].into_iter().flatten() {
            if !cands.contains(&r) {
                cands.push(r);
            }
        }
        // a lone +CC number: context only for a column the candidates above do not read
        let mut weak: Vec<String> = Vec::new();
        for r in [top(&own_tally), top(&seen)].into_iter().flatten() {
            if !cands.contains(&r) && !weak.contains(&r) {
                weak.push(r);
            }
        }
        let mut region = cands[0].clone();
        if cands.len() > 1 || !weak.is_empty() {
            let sample = values.len().min(64) as i64;
            let mut best = -1i64;
            for r in &cands {
                let n = votes(py, h, values, r)?;
                if n > best {
                    region = r.clone();
                    best = n;
                }
            }
            if 2 * best < sample {
                for r in &weak {
                    let n = votes(py, h, values, r)?;
                    if n > best {
                        region = r.clone();
                        best = n;
                    }
                }
            }
        }
        for p in values {
            let v = p.v.as_str();
            // the row's own country (a `pays` column) first, then the column's region
            let mut c = None;
            if !p.rec.is_none() {
                let rec: String = p.rec.extract()?;
                if rec != region && (FRENCH_STYLE.contains(&rec.as_str()) || !french_written(v)) {
                    c = h.canon(py, v, &rec)?;
                }
            }
            if c.is_none() {
                c = h.canon(py, v, &region)?;
            }
            if c.is_none() && region != "FR" {
                c = h.canon(py, v, "FR")?;
            }
            if let Some(c) = c {
                let en = p.off + clen(v) as i64;
                found.push(phone_t.as_any(), &c, p.off, en)?;
            } else if region == "FR" && !crate::extract::scan_finds_nothing(v) {
                match crate::extract::scan_digit_cell(v, "phone", today) {
                    Ok(Some(c)) => {
                        let en = p.off + clen(v) as i64;
                        found.push(phone_t.as_any(), &c, p.off, en)?;
                    }
                    Ok(None) => {}
                    Err(()) => match crate::scan::scan_cell(v, Some("phone"), Some("phone"), today, &NoValidators)? {
                        Some(hits) => {
                            for (_, c, st, en) in hits {
                                found.push(phone_t.as_any(), &c, p.off + st as i64, p.off + en as i64)?;
                            }
                        }
                        None => {
                            h.scan_only.bind(py).call1((v, p.off, phone_t.clone(), found.obj()))?;
                        }
                    },
                }
            }
        }
    }
    sink.setattr(intern!(py, "pending"), PyList::empty(py))?;
    Ok(())
}

/// The look inside a value for phones asks no validator that may need Python (IBANs and the
/// Luhn ids are asked only under their own hint); if it ever did, the cell would go back whole.
struct NoValidators;

impl crate::scan::ScanPy for NoValidators {
    fn iban(&self, _: &str) -> PyResult<Option<Option<String>>> {
        Ok(None)
    }

    fn luhn_id(&self, _: &str, _: usize) -> PyResult<Option<Option<String>>> {
        Ok(None)
    }
}

/// `_valid_in(v, region)`
fn valid_in(py: Python<'_>, h: &SettleHooks, v: &str, region: &str) -> PyResult<bool> {
    if region == "FR" {
        let s = v.trim_start_matches([' ', '\t', '"', '\'', '(']);
        if !(s.starts_with('0') || s.starts_with('+')) {
            return Ok(false);
        }
    }
    Ok(h.canon(py, v, region)?.is_some())
}

/// `_FRENCH_STYLE`: the countries whose own numbers are written as France's.
const FRENCH_STYLE: [&str; 9] = ["MC", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"];

/// `_french_written(v)`: 0 and nine digits, the second not 0, whole or as five pairs.
fn french_written(v: &str) -> bool {
    if !v.is_ascii() {
        return false;
    }
    let groups: Vec<&[u8]> = v
        .as_bytes()
        .split(|c| matches!(c, b' ' | b'.' | b'-' | b'/' | b'\t'))
        .filter(|g| !g.is_empty())
        .collect();
    if groups.is_empty() || !groups.iter().all(|g| g.iter().all(u8::is_ascii_digit)) {
        return false;
    }
    let d: Vec<u8> = groups.concat();
    if d.len() != 10 || d[0] != b'0' || d[1] == b'0' {
        return false;
    }
    groups.len() == 1 || (groups.len() == 5 && groups.iter().all(|g| g.len() == 2))
}

/// `canon_iban`'s per-country step (`_iban_country`): the BBAN structure, read from Python's
/// compiled pattern once per country; a country with a stdnum module (its own checksums:
/// Belgium, Spain...) or a pattern this does not parse is Python's to decide.
pub struct IbanRules {
    hook: Py<PyAny>,
    cache: std::sync::Mutex<HashMap<String, IbanRule>>,
}

#[derive(Clone)]
enum IbanRule {
    NoStructure,
    Runs(Vec<(u8, usize)>),
    /// the structure, then a country check the core re-states (`canon::iban_own_check`)
    Own(Vec<(u8, usize)>, fn(&[u8]) -> bool),
    Python,
}

impl IbanRules {
    pub fn new(hook: Py<PyAny>) -> Self {
        IbanRules { hook, cache: std::sync::Mutex::new(HashMap::new()) }
    }

    fn rule(&self, py: Python<'_>, cc: &str) -> PyResult<IbanRule> {
        if let Some(r) = self.cache.lock().map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("iban cache"))?.get(cc) {
            return Ok(r.clone());
        }
        let got = self.hook.bind(py).call1((cc,))?;
        let (pattern, module): (Option<String>, bool) = got.extract()?;
        let rule = match (pattern, module) {
            (Some(p), true) => match (crate::canon::parse_bban(&p), crate::canon::iban_own_check(cc)) {
                (Some(runs), Some(own)) => IbanRule::Own(runs, own),
                _ => IbanRule::Python,
            },
            (None, true) => IbanRule::Python,
            (None, false) => IbanRule::NoStructure,
            (Some(p), false) => match crate::canon::parse_bban(&p) {
                Some(runs) => IbanRule::Runs(runs),
                None => IbanRule::Python,
            },
        };
        if let Ok(mut c) = self.cache.lock() {
            c.insert(cc.to_string(), rule.clone());
        }
        Ok(rule)
    }

    /// The IBAN `s` (normalised, mod 97-10 checked) by its country's rules: Some(true) valid,
    /// Some(false) invalid, None when Python decides.
    pub fn check(&self, py: Python<'_>, s: &str) -> PyResult<Option<bool>> {
        Ok(match self.rule(py, &s[..2])? {
            IbanRule::NoStructure => Some(false),
            IbanRule::Runs(runs) => Some(crate::canon::bban_fits(&s.as_bytes()[4..], &runs)),
            IbanRule::Own(runs, own) => Some(crate::canon::bban_fits(&s.as_bytes()[4..], &runs) && own(s.as_bytes())),
            IbanRule::Python => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::code_number;

    /// Only a code written as its number is looked up by number (a key "033" or "3x" stays text).
    #[test]
    fn code_numbers() {
        for (k, want) in [("1", Some(1)), ("33", Some(33)), ("262", Some(262)), ("999", Some(999)), ("0", None),
                          ("033", None), ("1000", None), ("", None), ("3x", None), ("٣", None), ("+3", None)] {
            assert_eq!(code_number(k), want, "{k:?}");
        }
        for n in 1..1000 {
            assert_eq!(code_number(&n.to_string()), Some(n));
        }
    }
}
