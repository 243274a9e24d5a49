//! A header-less run's column typing (`indexer.detect.columns.infer_roles`, issue 17): the roles
//! of a dump's columns from what their values validate as, in one call over the run's sample
//! instead of a Python call per cell (wave 28: ~2.1M instructions of the 20 dump posts' 35.7M,
//! the heaviest posts' largest part).
//!
//! The Python stays the reference. Every step here is the reference's, in its order, with its
//! early answers (`_column_role` stops once a type is certain), on the ported validators; what a
//! validator cannot be sure of (`Defer`) is asked of Python for that value alone (the hooks:
//! `_value_types`, `_dob`, `canon_nir`, `canon_phone`), and what Python's Unicode `str` methods
//! could read differently from Rust's (a digit outside ASCII anywhere; a letter outside Latin-1
//! and Latin Extended-A where a name or an address test reads one) hands the whole call back
//! (None). A dump without its header whose IBANs or national ids name a country for its
//! untyped columns (`_countries_of`, `_national_in`: phonenumbers' trunk prefixes) is finished
//! by Python from the roles found here (`done` False). tests/test_columns_core.py compares both.
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFrozenSet, PyList, PyTuple};

use crate::canon::{self as cn, clen, py_strip, Canon, Today};
use crate::phone::{self, PhoneResult};
use crate::redact::SafetyNet;

/// What one cell validates as (`_value_types`); `National` carries its country.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Vt {
    Email,
    Iban,
    Nir,
    Card,
    Phone,
    BarePhone,
    National(String),
    Street,
}

impl Vt {
    fn role(&self) -> (&'static str, Option<String>) {
        match self {
            Vt::Email => ("email", None),
            Vt::Iban => ("iban", None),
            Vt::Nir => ("nir", None),
            Vt::Card => ("card", None),
            Vt::Phone | Vt::BarePhone => ("phone", None),
            Vt::National(cc) => ("national_id", Some(cc.clone())),
            Vt::Street => ("street", None),
        }
    }
}

type Role = Option<(String, Option<String>)>;
/// Countries with their national prefixes (`_countries_of`'s, for `_national_in`).
type Prefixed = Vec<(String, Option<String>)>;
/// (done, roles, intl): `infer_roles`' answer.
type Typed = (bool, Vec<Role>, Vec<String>);

/// Python's `str.isalpha()` on one character where this module can be sure: ASCII, Latin-1's
/// letters (and ª µ º), Latin Extended-A; common non-letters of the same texts; else None.
fn py_alpha(c: char) -> Option<bool> {
    let u = c as u32;
    if c.is_ascii() {
        return Some(c.is_ascii_alphabetic());
    }
    match u {
        0xAA | 0xB5 | 0xBA | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x17F => Some(true),
        0xA0..=0xBF | 0xD7 | 0xF7 | 0x2010..=0x2027 | 0x20AC => Some(false),
        _ => None,
    }
}

/// Python's `str.isupper()` on one character (None: not sure).
fn py_upper(c: char) -> Option<bool> {
    match py_alpha(c)? {
        true => Some(c.is_uppercase()),
        false => Some(false),
    }
}

/// `s.isdigit()` of a text without any digit beyond ASCII (the call's first check).
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn starts_digit(s: &str) -> bool {
    s.as_bytes().first().is_some_and(|b| b.is_ascii_digit())
}

/// `_bare(v)`: a SQL tuple's cell without its quotes and parentheses.
fn bare(v: &str) -> String {
    let mut v = v;
    if let Some(r) = v.strip_prefix('(') {
        if r.starts_with('\'') || r.starts_with('"') || all_digits(r) {
            v = r;
        }
    }
    let t = v.trim_end_matches([';', ',']);
    if let Some(h) = t.strip_suffix(')') {
        if h.ends_with('\'') || h.ends_with('"') || all_digits(h) {
            v = h;
        }
    }
    let mut cs = v.chars();
    if let (Some(a), Some(b)) = (cs.next(), cs.next_back()) {
        if a == b && (a == '\'' || a == '"') {
            return v[1..v.len() - 1].to_string();
        }
    }
    v.to_string()
}

const TUPLE_EDGE: [&str; 12] = ["('", "(\"", "(0", "(1", "(2", "(3", "(4", "(5", "(6", "(7", "(8", "(9"];

fn tuple_edge(v: &str) -> bool {
    let end = v.char_indices().nth(2).map(|(i, _)| i).unwrap_or(v.len());
    TUPLE_EDGE.contains(&&v[..end])
}

/// `_decimal(v)`: a number with one decimal point.
fn decimal(v: &str) -> bool {
    let u = v.strip_prefix('-').unwrap_or(v);
    u.bytes().filter(|&b| b == b'.').count() == 1 && all_digits(&u.replace('.', ""))
}

const PHONE_CHARS: &str = "+0123456789 .-()/\u{a0}";

/// The hooks into the reference, for values a ported validator defers on.
struct Ctx<'a, 'py> {
    py: Python<'py>,
    net: &'a SafetyNet,
    today: Today,
    this_year: i64,
    value_types: &'a Bound<'py, PyAny>,
    dob: &'a Bound<'py, PyAny>,
    canon_nir: &'a Bound<'py, PyAny>,
    regions: Vec<String>,
    regions_py: Option<Bound<'py, PyFrozenSet>>,
}

fn opt_str(v: Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if v.is_none() {
        Ok(None)
    } else {
        Ok(Some(v.extract::<String>()?))
    }
}

impl<'a, 'py> Ctx<'a, 'py> {
    /// `_value_types(v, regions)` by Python (a validator deferred on `v`).
    fn value_types_py(&mut self, v: &str) -> PyResult<Option<Vt>> {
        if self.regions_py.is_none() {
            self.regions_py = Some(PyFrozenSet::new(self.py, &self.regions)?);
        }
        let got = self.value_types.call1((v, self.regions_py.as_ref()))?;
        if got.is_none() {
            return Ok(None);
        }
        let (t, c): (String, Option<String>) = got.extract()?;
        Ok(Some(match (t.as_str(), c) {
            ("email", _) => Vt::Email,
            ("iban", _) => Vt::Iban,
            ("nir", _) => Vt::Nir,
            ("card", _) => Vt::Card,
            ("phone", Some(_)) => Vt::BarePhone,
            ("phone", None) => Vt::Phone,
            ("national_id", Some(cc)) => Vt::National(cc),
            ("street", _) => Vt::Street,
            _ => return Err(pyo3::exceptions::PyValueError::new_err(format!("_value_types gave {t:?}"))),
        }))
    }

    fn dob(&self, v: &str) -> PyResult<Option<String>> {
        match cn::canon_dob(v, self.today) {
            Canon::Valid(d) => Ok(Some(d)),
            Canon::Invalid => Ok(None),
            Canon::Defer => opt_str(self.dob.call1((v,))?),
        }
    }

    fn nir(&self, v: &str) -> PyResult<Option<String>> {
        match cn::canon_nir(v) {
            Canon::Valid(d) => Ok(Some(d)),
            Canon::Invalid => Ok(None),
            Canon::Defer => opt_str(self.canon_nir.call1((v,))?),
        }
    }

    /// `_value_types(v, regions)`, Python's for a value a port defers on.
    fn value_types(&mut self, v: &str) -> PyResult<Option<Vt>> {
        match self.value_types_rs(v) {
            Some(t) => Ok(t),
            None => self.value_types_py(v),
        }
    }

    /// `_value_types` on the ports; None when one defers (or a letter test is not sure).
    fn value_types_rs(&self, v: &str) -> Option<Option<Vt>> {
        if v.contains('@') {
            return match cn::canon_email(v) {
                Canon::Valid(_) => Some(Some(Vt::Email)),
                Canon::Invalid => Some(None),
                Canon::Defer => None,
            };
        }
        let mut cs = v.chars();
        let (c0, c1, c2) = (cs.next(), cs.next(), cs.next());
        if let (Some(c0), Some(c1), Some(c2)) = (c0, c1, c2) {
            if c2.is_ascii_digit() && py_alpha(c0)? && py_alpha(c1)? {
                match cn::iban_prefilter(v) {
                    Canon::Invalid => {}
                    _ => return None, // (the country's rules are Python's)
                }
            }
        }
        let digits = v.bytes().filter(|b| b.is_ascii_digit()).count();
        if v.contains('.') && decimal(v) {
            return Some(None);
        }
        if digits >= 9 {
            match cn::canon_nir(v) {
                Canon::Valid(_) if v.chars().filter(|&c| c != ' ').count() == 15 => return Some(Some(Vt::Nir)),
                Canon::Defer => return None,
                _ => {}
            }
        }
        if (12..=19).contains(&digits) {
            match cn::canon_card(v) {
                Canon::Valid(_) => return Some(Some(Vt::Card)),
                Canon::Defer => return None,
                Canon::Invalid => {}
            }
        }
        if (6..=15).contains(&digits) && v.chars().all(|c| PHONE_CHARS.contains(c)) {
            let not_date = digits > 8
                || match cn::canon_dob(v, self.today) {
                    Canon::Valid(_) => false,
                    Canon::Invalid => true,
                    Canon::Defer => return None,
                };
            if not_date {
                let fr = match phone::canon_phone(v, "FR") {
                    PhoneResult::Valid(_) => true,
                    PhoneResult::Invalid => false,
                    PhoneResult::Defer => return None,
                };
                let lead = v.trim_start_matches([' ', '\t', '"', '\'', '(']);
                if fr && (lead.starts_with('0') || lead.starts_with('+')) {
                    return Some(Some(Vt::Phone));
                }
                let mut unsure = false;
                for r in self.regions.iter().filter(|r| r.as_str() != "FR") {
                    match phone::canon_phone(v, r) {
                        PhoneResult::Valid(_) => return Some(Some(Vt::Phone)),
                        PhoneResult::Defer => unsure = true,
                        PhoneResult::Invalid => {}
                    }
                }
                if unsure {
                    return None;
                }
                if fr {
                    return Some(Some(Vt::BarePhone));
                }
            }
        }
        if (6..=24).contains(&clen(v)) && digits >= 5 {
            if let Some(cc) = self.national_country(v)? {
                return Some(Some(Vt::National(cc)));
            }
        }
        if digits > 0 {
            let mut alpha = false;
            let mut unsure = false;
            for c in v.chars() {
                match py_alpha(c) {
                    Some(true) => {
                        alpha = true;
                        break;
                    }
                    Some(false) => {}
                    None => unsure = true,
                }
            }
            if !alpha && unsure {
                return None;
            }
            if alpha && self.net.address().is_match(v) {
                return Some(Some(Vt::Street));
            }
        }
        Some(None)
    }

    /// `_national_country(v)`: None when a check defers.
    fn national_country(&self, v: &str) -> Option<Option<String>> {
        let s = py_strip(v);
        if !s.is_ascii() {
            return None; // (`upper()` beyond ASCII, the reference's strip table)
        }
        let b = s.as_bytes();
        if b.len() > 3 && b[2] == b':' {
            return None; // `BE:85073003328`: `national_id_forms` reads the prefix
        }
        if b.len() > 24 {
            return Some(None);
        }
        let c: String = s.to_ascii_uppercase().chars().filter(|x| !matches!(x, ' ' | '.' | '-' | '/' | '\t')).collect();
        let ccs: &[&str] = match c.len() {
            9 => &["ES", "US", "GB"],
            10 => &["GB"],
            11 => &["BE"],
            13 => &["CH"],
            16 => &["IT"],
            _ => &[],
        };
        let mut found: Option<&str> = None;
        for cc in ccs {
            if c.is_empty() || !c.bytes().all(|x| x.is_ascii_alphanumeric()) {
                return None; // (`ids._national_compact` decides)
            }
            match cn::canon_national_id(&c, cc, self.today) {
                Canon::Valid(_) => {
                    if found.is_some() {
                        return Some(None);
                    }
                    found = Some(cc);
                }
                Canon::Invalid => {}
                Canon::Defer => return None,
            }
        }
        match found {
            Some(cc) if !(all_digits(v) && cc != "BE" && cc != "CH") => Some(Some(cc.to_string())),
            _ => Some(None),
        }
    }

    /// `_column_role(vals, regions)`.
    fn column_role(&mut self, vals: &[&str]) -> PyResult<Option<Vt>> {
        let n = vals.len();
        let need = f64::max(2.0, 0.6 * n as f64);
        let mut counts: Vec<(Vt, usize)> = Vec::new();
        let mut top = 0usize;
        let mut anchored = false;
        for (k, v) in vals.iter().enumerate() {
            if let Some(mut t) = self.value_types(v)? {
                if t == Vt::BarePhone {
                    t = Vt::Phone;
                } else if t == Vt::Phone {
                    anchored = true;
                }
                let c = match counts.iter_mut().find(|(x, _)| *x == t) {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        counts.push((t.clone(), 1));
                        1
                    }
                };
                if t == Vt::Phone && !anchored {
                } else if c as f64 >= need {
                    return Ok(Some(t));
                }
                top = top.max(c);
            }
            if ((top + n - 1 - k) as f64) < need {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// `_birth_date(v, this_year)`.
    fn birth_date(&self, v: &str) -> PyResult<Option<String>> {
        if !(8..=10).contains(&clen(v)) || !starts_digit(v) || v.contains(':') {
            return Ok(None);
        }
        Ok(self.dob(v)?.filter(|d| {
            let y: i64 = d[..4].parse().unwrap_or(i64::MIN / 2);
            (14..=110).contains(&(self.this_year - y))
        }))
    }
}

/// `v[0].isupper() and _NAME_CELL.fullmatch(v)` (None: a character it cannot be sure of).
fn name_cell(v: &str) -> Option<bool> {
    let Some(first) = v.chars().next() else { return Some(false) };
    if !py_upper(first)? {
        return Some(false);
    }
    // [^\W\d_]+(?:[ '’.-]{1,2}[^\W\d_]+){0,4}: letter runs, 1-2 separators between, 5 runs at most
    let (mut words, mut seps, mut in_word) = (0usize, 0usize, false);
    for c in v.chars() {
        if matches!(c, ' ' | '\'' | '\u{2019}' | '.' | '-') {
            if !in_word && words == 0 {
                return Some(false);
            }
            seps += 1;
            if seps > 2 {
                return Some(false);
            }
            in_word = false;
        } else if py_alpha(c)? {
            if !in_word {
                words += 1;
                if words > 5 {
                    return Some(false);
                }
                in_word = true;
                seps = 0;
            }
        } else {
            return Some(false);
        }
    }
    Some(in_word)
}

fn nonempty(col: &[String]) -> Vec<&str> {
    col.iter().filter(|v| !v.is_empty()).map(String::as_str).collect()
}

const PERSON_TYPED: [&str; 6] = ["email", "phone", "nir", "iban", "card", "national_id"];

fn is(r: &Role, name: &str) -> bool {
    r.as_ref().is_some_and(|(x, _)| x == name)
}

/// `_countries_of(columns, roles) - intl - {"FR"}` with each country's national prefix
/// (`phone_regions`: phonenumbers' supported regions; `prefix_of(region)`: its metadata's
/// `national_prefix`, None where it has none); None when a value is not plain enough to be sure (Python finishes).
fn countries_of(cols: &[Vec<String>], roles: &[Role], intl: &[String], phone_regions: &Bound<'_, PyAny>,
                prefix_of: &Bound<'_, PyAny>)
                -> PyResult<Option<Prefixed>> {
    let mut out: Vec<String> = Vec::new();
    for (k, role) in roles.iter().enumerate() {
        match role {
            Some((r, Some(cc))) if r == "national_id" && !cc.is_empty() => out.push(cc.clone()),
            Some((r, _)) if r == "iban" => {
                let mut vals: Vec<String> = Vec::new();
                for v in cols[k].iter().filter(|v| !v.is_empty()) {
                    let s = py_strip(v);
                    let head: String = s.chars().take(2).collect();
                    if !head.is_ascii() {
                        return Ok(None); // (`upper()` beyond ASCII)
                    }
                    vals.push(head.to_ascii_uppercase());
                }
                let mut best: Option<(&str, usize)> = None;
                for v in &vals {
                    let c = vals.iter().filter(|x| *x == v).count();
                    if best.is_none_or(|(_, b)| c > b) {
                        best = Some((v, c));
                    }
                }
                // (a tie is under 60%: which of the tied a set's order gives never counts)
                if let Some((b, c)) = best {
                    if c as f64 >= f64::max(2.0, 0.6 * vals.len() as f64)
                        && !b.is_empty()
                        && b.bytes().all(|x| x.is_ascii_alphabetic())
                        && phone_regions.contains(b)?
                    {
                        out.push(b.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let mut more: Prefixed = Vec::new();
    for r in out {
        if r != "FR" && !intl.contains(&r) && !more.iter().any(|(x, _)| *x == r) {
            let p = opt_str(prefix_of.call1((r.as_str(),))?)?;
            more.push((r, p));
        }
    }
    Ok(Some(more))
}

/// `_national_in(v, regions)`: a number of 9 to 15 digits valid in one of `more` with its trunk
/// prefix where the country has one; None when a port defers.
fn national_in(v: &str, more: &[(String, Option<String>)]) -> Option<bool> {
    let digits = v.bytes().filter(|b| b.is_ascii_digit()).count();
    if !((9..=15).contains(&digits) && v.chars().all(|c| PHONE_CHARS.contains(c))) {
        return Some(false);
    }
    let lead = v.trim_start_matches([' ', '\t', '"', '\'', '(']);
    let first = lead.chars().next().map(String::from).unwrap_or_default();
    let mut unsure = false;
    for (r, prefix) in more {
        if prefix.as_ref().is_none_or(|p| *p == first) {
            match phone::canon_phone(v, r) {
                PhoneResult::Valid(_) => return Some(true),
                PhoneResult::Defer => unsure = true,
                PhoneResult::Invalid => {}
            }
        }
    }
    if unsure { None } else { Some(false) }
}

/// infer_roles(columns, net, today, this_year, hooks) -> (done, roles, intl) | None
///
/// `hooks`: (`columns._value_types`, `columns._dob`, `ids.canon_nir`, `ids.canon_phone`,
/// `ids._CC_REGION`, `columns._PHONE_REGIONS`, `columns._national_prefix`). `roles`: (role, country) or None per column; `done` False: Python
/// finishes from `_countries_of` on (`intl`: the calling regions of the +CC numbers). None:
/// Python types the columns itself.
#[pyfunction]
pub fn infer_roles<'py>(py: Python<'py>, columns: &Bound<'py, PyList>, net: &Bound<'py, SafetyNet>,
                        today: (i32, i32, (i32, u32, u32)), this_year: i64, hooks: &Bound<'py, PyTuple>)
                        -> PyResult<Option<Typed>> {
    let Ok(mut cols) = columns.extract::<Vec<Vec<String>>>() else { return Ok(None) };
    // a digit beyond ASCII anywhere: Python's `isdigit` and counts decide
    if cols.iter().flatten().any(|v| !v.is_ascii() && v.chars().any(|c| !c.is_ascii() && c.is_numeric())) {
        return Ok(None);
    }
    let value_types = hooks.get_item(0)?;
    let dob = hooks.get_item(1)?;
    let canon_nir = hooks.get_item(2)?;
    let canon_phone = hooks.get_item(3)?;
    let cc_region = hooks.get_item(4)?;
    let cc_region = cc_region.cast::<PyDict>()?;
    let phone_regions = hooks.get_item(5)?;
    let prefix_of = hooks.get_item(6)?;
    if cols.iter().any(|c| c.first().is_some_and(|v| tuple_edge(v))) {
        cols = cols.iter().map(|c| c.iter().map(|v| bare(v)).collect()).collect();
    }
    let mut intl: Vec<String> = Vec::new();
    for v in cols.iter().flatten() {
        if !(v.contains('+') || v.contains("00")) {
            continue;
        }
        let lead = v.trim_start_matches([' ', '\t', '"', '\'', '(']);
        if !(lead.starts_with('+') || lead.starts_with("00")) {
            continue;
        }
        let e164 = match phone::canon_phone(v, "FR") {
            PhoneResult::Valid(e) => Some(e),
            PhoneResult::Invalid => None,
            PhoneResult::Defer => opt_str(canon_phone.call1((v.as_str(),))?)?,
        };
        let Some(e) = e164 else { continue };
        for n in 1..=3 {
            let Some(cc) = e.get(1..(1 + n).min(e.len())) else { break };
            if let Some(r) = cc_region.get_item(cc)? {
                let r: String = r.extract()?;
                if !r.is_empty() && !intl.contains(&r) {
                    intl.push(r);
                }
                break;
            }
        }
    }
    let mut ctx = Ctx {
        py,
        net: net.get(),
        today: cn::today_of(today),
        this_year,
        value_types: &value_types,
        dob: &dob,
        canon_nir: &canon_nir,
        regions: intl.iter().filter(|r| r.as_str() != "FR").cloned().collect(),
        regions_py: None,
    };
    let mut roles: Vec<Role> = Vec::with_capacity(cols.len());
    for col in &cols {
        let vals = nonempty(col);
        roles.push(ctx.column_role(&vals)?.map(|t| {
            let (r, c) = t.role();
            (r.to_string(), c)
        }));
    }
    if roles.iter().any(Option::is_none) && roles.iter().any(|r| is(r, "iban") || is(r, "national_id")) {
        // a foreign dump without its header: its IBANs' or national ids' country is where its
        // national numbers are valid (`0151 23456789` beside DE IBANs, `07911 234567` beside NINOs)
        let Some(more) = countries_of(&cols, &roles, &intl, &phone_regions, &prefix_of)? else { return Ok(Some((false, roles, intl))) };
        if !more.is_empty() {
            for k in 0..cols.len() {
                if roles[k].is_some() {
                    continue;
                }
                let vals = nonempty(&cols[k]);
                let mut hits = 0usize;
                for v in &vals {
                    match national_in(v, &more) {
                        Some(true) => hits += 1,
                        Some(false) => {}
                        None => return Ok(Some((false, roles, intl))),
                    }
                }
                if hits as f64 >= f64::max(2.0, 0.6 * vals.len() as f64) {
                    roles[k] = Some(("phone".to_string(), None));
                }
            }
        }
    }
    if roles.iter().any(|r| is(r, "nir")) {
        let k = roles.iter().position(|r| is(r, "nir")).unwrap_or(0);
        let mut born: Vec<Option<String>> = Vec::with_capacity(cols[k].len());
        for v in &cols[k] {
            let c = if v.is_empty() { None } else { ctx.nir(v)? };
            born.push(c.filter(|c| !c.is_empty() && c.get(3..5).is_some_and(|m| m <= "12")).map(|c| c[1..5].to_string()));
        }
        for (k, col) in cols.iter().enumerate() {
            if roles[k].is_some() {
                continue;
            }
            let mut agree = 0usize;
            let mut count = 0usize;
            for (r, v) in col.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                count += 1;
                let d = if (6..=25).contains(&clen(v)) && starts_digit(v) { ctx.dob(v)? } else { None };
                if let Some(d) = d {
                    if r < born.len() && born[r].as_deref() == Some(&format!("{}{}", &d[2..4], &d[5..7])) {
                        agree += 1;
                    }
                }
            }
            if agree >= 2 && agree as f64 >= 0.6 * count as f64 {
                roles[k] = Some(("dob".to_string(), None));
            }
        }
    }
    let typed = roles.iter().filter(|r| PERSON_TYPED.iter().any(|p| is(r, p))).count();
    if !roles.iter().any(|r| is(r, "dob")) && typed > 0 {
        let mut names = false;
        for (k, col) in cols.iter().enumerate() {
            if roles[k].is_some() {
                continue;
            }
            let vals = nonempty(col);
            if vals.is_empty() {
                continue;
            }
            let mut all = true;
            for v in vals {
                match name_cell(v) {
                    Some(true) => {}
                    Some(false) => {
                        all = false;
                        break;
                    }
                    None => return Ok(None),
                }
            }
            if all {
                names = true;
                break;
            }
        }
        if names || typed >= 3 {
            let mut found: Option<usize> = None;
            let mut two = false;
            for (k, col) in cols.iter().enumerate() {
                if roles[k].is_some() {
                    continue;
                }
                let vals = nonempty(col);
                let mut born: Vec<String> = Vec::new();
                for v in &vals {
                    if let Some(d) = ctx.birth_date(v)? {
                        born.push(d);
                    }
                }
                let mut years: Vec<&str> = born.iter().map(|d| &d[..4]).collect();
                years.sort_unstable();
                years.dedup();
                if born.len() >= 2 && born.len() as f64 >= 0.6 * vals.len() as f64 && years.len() > 1 {
                    if found.is_some() {
                        two = true;
                        break;
                    }
                    found = Some(k);
                }
            }
            if let (Some(k), false) = (found, two) {
                roles[k] = Some(("dob".to_string(), None));
            }
        }
    }
    if roles.iter().any(|r| is(r, "street")) {
        for k in 0..cols.len() {
            let vals = nonempty(&cols[k]);
            if roles[k].is_none()
                && !vals.is_empty()
                && vals.iter().filter(|v| v.len() == 5 && all_digits(v)).count() as f64 >= 0.6 * vals.len() as f64
            {
                roles[k] = Some(("postcode".to_string(), None));
                let after = if k + 1 < cols.len() { nonempty(&cols[k + 1]) } else { Vec::new() };
                if !after.is_empty()
                    && roles[k + 1].is_none()
                    && after.iter().filter(|v| !v.bytes().any(|b| b.is_ascii_digit() || b == b'@' || b == b'$')).count() as f64
                        >= 0.6 * after.len() as f64
                {
                    roles[k + 1] = Some(("city".to_string(), None));
                }
            }
        }
    }
    Ok(Some((true, roles, intl)))
}
