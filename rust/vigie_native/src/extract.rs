//! `indexer.detect.extract.extract_record` for whole blocks: one call per block (or per SQL
//! line, per JSON record) instead of one interpreted loop per field.
//!
//! Every step the port is not certain to do exactly as Python does is handed back to the
//! Python reference through a hook (the free-text scanner on anything that may hold an
//! identifier, phones the Rust table defers, IBAN country rules, national identifiers, names
//! with accents...). Results are appended to the sink's own lists in the reference's order,
//! so the fragment built from them is the same object, byte for byte.

use crate::canon::{self as cn, clen, join3, py_space, Canon, Today};
use crate::phone::{self, PhoneResult};
use crate::found::{Found, FoundRef};
use crate::fragment::{self, IdentMaker};
use crate::settle::{self, IbanRules, SettleHooks};
use crate::json;
use crate::scan;
use crate::split::{self, Combo};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use crate::tokens::Tokenizer;
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyType};

const EXCERPT_CHARS: i64 = 2000;
const NULLS: &[&str] = &["", "NULL", "null", "\\N", "None", "none", "N/A", "n/a", "-", "nan", "NaN"];

fn is_edge(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '"' | '\'' | '`' | '\u{a0}')
}

/// `clean(v, off)`.
fn clean(v: &str, off: i64) -> (&str, i64) {
    let (Some(f), Some(l)) = (v.chars().next(), v.chars().next_back()) else { return (v, off) };
    if !is_edge(f) && !is_edge(l) {
        return (v, off);
    }
    let n = clen(v) as i64;
    let s = v.trim_start_matches(py_space);
    let mut off = off + n - clen(s) as i64;
    let mut s = s.trim_end_matches(py_space);
    let mut it = s.chars();
    if let (Some(a), Some(b)) = (it.next(), it.next_back()) {
        if a == b && matches!(a, '"' | '\'' | '`') {
            s = &s[1..s.len() - 1];
            off += 1;
        }
    }
    (s, off)
}

/// A free-text value the scanner certainly finds nothing in (no Python call needed).
pub(crate) fn scan_finds_nothing(v: &str) -> bool {
    let b = v.as_bytes();
    if !b.iter().any(|&c| c.is_ascii_digit() || c == b'@' || c == b'$') {
        return true;
    }
    if b.len() <= 8 && b.iter().all(|c| c.is_ascii_digit()) {
        return true; // a digit run under 9 digits is no identifier (classify_number)
    }
    if b.iter().filter(|&&c| c == b'/').count() >= 4 {
        return false; // `06/12/34/56/78`: _CAND's slash branch (four slashes), not emulated below
    }
    if b.contains(&b'+') && b.contains(&b'(') {
        return false; // `+1 (713) 754-1726`: _CAND's area-code branch, not emulated below
    }
    // lowercase hex ids (`_id`, `$oid`): only the digit-led phone branch can start, at 0
    let n = b.len();
    if b.iter().all(|&c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)) && !matches!(n, 16 | 32 | 40 | 64 | 128) {
        if !b[0].is_ascii_digit() {
            // unless it is shaped as an IBAN in lowercase (de89370400440532013000): the whole
            // value, two letters, two digits, 12 to 35 characters
            return !((12..=35).contains(&n) && b[1].is_ascii_alphabetic() && b[2].is_ascii_digit()
                     && b[3].is_ascii_digit());
        }
        // greedy (?:\d|[ab]\d)* after the first digit
        let mut i = 1;
        loop {
            if i < n && b[i].is_ascii_digit() {
                i += 1;
            } else if i + 1 < n && (b[i] == b'a' || b[i] == b'b') && b[i + 1].is_ascii_digit() {
                i += 2;
            } else {
                break;
            }
        }
        if i < n {
            return true; // followed by a letter: skipped
        }
        return !(9..=24).contains(&n);
    }
    phone_branch_finds_nothing(v)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// When only `_CAND`'s digit-run branch can match `v` (no @, no $, no ASCII letter right
/// before a digit: no email, codice fiscale or IBAN; no 32 hex characters in a row: no hash),
/// emulate that branch, `\+?(?:\b|\()\d(?:[ .\-\x{a0}]?(?:\(0\)|\d)|[AaBb](?:[ .\-]?\d))*`
/// (RE2: ASCII `\b` and `\d`, leftmost-first), and `scan`'s reading of each candidate: true
/// when every candidate is certainly nothing (under 9 digits, or glued to a letter).
fn phone_branch_finds_nothing(v: &str) -> bool {
    let mut c: Vec<char> = Vec::with_capacity(v.len()); // (one allocation: `collect` grew it step by step)
    c.extend(v.chars());
    let n = c.len();
    let mut hex_run = 0;
    for k in 0..n {
        let x = c[k];
        if x == '@' || x == '$' {
            return false;
        }
        if x.is_ascii_digit() && k > 0 && c[k - 1].is_ascii_alphabetic() {
            return false;
        }
        hex_run = if x.is_ascii_hexdigit() { hex_run + 1 } else { 0 };
        if hex_run >= 32 {
            return false;
        }
    }
    let digit = |k: usize| k < n && c[k].is_ascii_digit();
    let at_b = |k: usize| k < n && (k == 0 || !is_word(c[k - 1])) && is_word(c[k]);
    let mut p = 0;
    while p < n {
        // the leftmost start of the branch at or after p
        let start_digit = if c[p] == '+' && at_b(p + 1) && digit(p + 1) {
            Some(p + 1)
        } else if c[p] == '+' && p + 1 < n && c[p + 1] == '(' && digit(p + 2) {
            Some(p + 2)
        } else if digit(p) && at_b(p) {
            Some(p)
        } else if c[p] == '(' && digit(p + 1) {
            Some(p + 1)
        } else {
            None
        };
        let Some(d0) = start_digit else {
            p += 1;
            continue;
        };
        let mut i = d0 + 1;
        loop {
            let mut j = i;
            if j < n && matches!(c[j], ' ' | '.' | '-' | '\u{a0}') {
                j += 1;
            }
            if j + 2 < n && c[j] == '(' && c[j + 1] == '0' && c[j + 2] == ')' {
                i = j + 3;
                continue;
            }
            if digit(j) {
                i = j + 1;
                continue;
            }
            if i < n && matches!(c[i], 'A' | 'a' | 'B' | 'b') {
                let mut k = i + 1;
                if k < n && matches!(c[k], ' ' | '.' | '-') {
                    k += 1;
                }
                if digit(k) {
                    i = k + 1;
                    continue;
                }
                if digit(i + 1) {
                    i += 2;
                    continue;
                }
            }
            break;
        }
        let (st, en) = (p, i);
        let raw = &c[st..en];
        if raw.len() >= 32 {
            return false;
        }
        let glued = en < n && (if c[en].is_ascii() { c[en].is_ascii_alphabetic() } else { return false });
        if !glued {
            let nd = raw.iter().filter(|&&x| !matches!(x, ' ' | '.' | '-' | '\u{a0}')).count();
            if nd >= 9 {
                return false;
            }
            if raw.len() > 14 && raw.iter().any(|&x| x == ' ' || x == '.') {
                return false;
            }
        }
        p = if en > st { en } else { st + 1 };
    }
    true
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RK {
    Free,    // None: scanned, word cells masked
    FreeNoMask, // url, a9:*: scanned
    Phone,
    NationalId, // national_id, or nir as a Role
    Nir,
    Iban,
    Card,
    Dob,
    Luhn(usize),
    First,
    Last,
    Full,
    Addr,
    Password,
    Login,
    Hash,
    Email,
    Country,
    Other,
}

#[derive(Clone)]
struct Role<'py> {
    kind: RK,
    is_nir: bool,
    obj: Bound<'py, PyAny>,
    region: Option<String>,
    hint: Option<Bound<'py, PyAny>>,
}

fn roles_of<'py>(py: Python<'py>, roles: &Bound<'py, PyAny>) -> PyResult<Vec<Role<'py>>> {
    let mut out = Vec::new();
    if roles.is_none() {
        return Ok(out);
    }
    for r in roles.try_iter()? {
        out.push(role_from(py, r?)?);
    }
    Ok(out)
}

/// One role object (`role_of`'s answer: None, a role name, or a `Role` with its country).
fn role_from<'py>(py: Python<'py>, r: Bound<'py, PyAny>) -> PyResult<Role<'py>> {
    {
        if r.is_none() {
            return Ok(Role { kind: RK::Free, is_nir: false, obj: r, region: None, hint: None });
        }
        let is_role_obj = !r.is_exact_instance_of::<PyString>();
        let s: String = r.str()?.extract()?;
        let (region, hint) = if is_role_obj {
            let reg = r.getattr(intern!(py, "region"))?;
            let h = r.getattr(intern!(py, "hint"))?;
            (if reg.is_none() { None } else { Some(reg.extract::<String>()?) }, if h.is_none() { None } else { Some(h) })
        } else {
            (None, None)
        };
        let kind = match s.as_str() {
            "url" => RK::FreeNoMask,
            x if x.starts_with("a9:") => RK::FreeNoMask,
            "phone" => RK::Phone,
            "national_id" => RK::NationalId,
            "nir" if is_role_obj => RK::NationalId,
            "nir" => RK::Nir,
            "iban" => RK::Iban,
            "card" => RK::Card,
            "dob" => RK::Dob,
            "siren" | "adeli" => RK::Luhn(9),
            "siret" => RK::Luhn(14),
            "rpps" => RK::Luhn(11),
            "first_name" => RK::First,
            "last_name" => RK::Last,
            "full_name" => RK::Full,
            "street" | "postcode" | "city" => RK::Addr,
            "password" => RK::Password,
            "login" => RK::Login,
            "hash" => RK::Hash,
            "email" => RK::Email,
            "country" => RK::Country,
            _ => RK::Other,
        };
        Ok(Role { kind, is_nir: s == "nir", obj: r, region, hint })
    }
}

/// The Python reference functions the port hands uncertain cases to.
#[pyclass(module = "vigie_native", frozen)]
pub struct Core {
    hooks: Vec<Py<PyAny>>,
    maker: Arc<IdentMaker>,
    mask_value: Py<PyAny>,
    settle: Arc<SettleHooks>,
    role_of: Py<PyAny>,
    iban_rules: Arc<IbanRules>,
    domains: Arc<DomainCache>,
}

/// `email_domain(dom)` through the cache. The lock is not held while Python runs (it may
/// switch threads, and another thread's call would wait on the lock holding the GIL).
fn email_domain(cache: &DomainCache, hook: &Bound<'_, PyAny>, dom: &str) -> PyResult<(Option<String>, usize)> {
    if let Some(v) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(dom) {
        return Ok(v.clone());
    }
    let v: (Option<String>, usize) = hook.call1((dom,))?.extract()?;
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    if c.len() >= DOMAIN_CACHE_MAX {
        c.clear();
    }
    c.insert(dom.to_string(), v.clone());
    Ok(v)
}

/// `canon_email(raw)` in the core: ASCII addresses here, an IDN domain with Python's IDNA form
/// of it (`email_domain`, cached per domain), the rest deferred. The one reading of an address
/// for typed cells, credentials and `Core.canon_email`.
fn email_canon(cache: &DomainCache, hook: &Bound<'_, PyAny>, raw: &str) -> PyResult<Canon> {
    let c = cn::canon_email(raw);
    if !matches!(c, Canon::Defer) || raw.is_ascii() {
        return Ok(c);
    }
    match cn::email_idn_parts(raw) {
        Ok((local, dom)) => {
            let (d, dlen) = email_domain(cache, hook, dom)?;
            Ok(cn::email_idn_finish(&local, d.as_deref(), dlen))
        }
        Err(c) => Ok(c),
    }
}

/// `records._walk(obj, line, base, fields, roles, role, depth)`, with `roles_of` applied as it
/// goes: each key's role is asked of `role_of` once per call (`keys`: a JSON-lines dump
/// repeats its keys on every line; `role_of` is a pure function of the name).
#[allow(clippy::too_many_arguments)]
fn walk<'py>(obj: &Bound<'py, PyAny>, line: &str, base: i64, fields: &mut Vec<(Cow<'_, str>, i64)>, roles: &mut Vec<Role<'py>>,
             role: &Role<'py>, depth: u32, role_of: &Bound<'py, PyAny>, keys: &mut HashMap<String, Role<'py>>) -> PyResult<()> {
    if depth > 6 || fields.len() > 500 {
        return Ok(());
    }
    let py = obj.py();
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            let r = match k.cast::<PyString>() {
                Ok(ks) => match ks.to_str() {
                    Ok(name) => key_role(py, name, role_of, keys)?,
                    Err(_) => role_from(py, role_of.call1((&k,))?)?, // a lone surrogate: not cached
                },
                Err(_) => role_from(py, py.None().into_bound(py))?,
            };
            // MongoDB's extended JSON (`{"$date": ...}`, `{"$numberLong": ...}`): the value keeps its key's role
            let dollar = r.obj.is_none() && k.cast::<PyString>().is_ok_and(|ks| ks.to_string_lossy().starts_with('$'));
            walk(&v, line, base, fields, roles, if dollar { role } else { &r }, depth + 1, role_of, keys)?;
        }
    } else if let Ok(l) = obj.cast::<PyList>() {
        for v in l.iter().take(200) {
            walk(&v, line, base, fields, roles, role, depth + 1, role_of, keys)?;
        }
    } else if obj.is_instance_of::<PyString>() || (obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>()) {
        let s: String = obj.str()?.to_str()?.to_owned();
        if s.is_empty() {
            return Ok(());
        }
        // `line.find(s)`: a valid UTF-8 needle found in valid UTF-8 starts on a char boundary
        let pos = match memchr::memmem::find(line.as_bytes(), s.as_bytes()) {
            Some(i) => base + clen(&line[..i]) as i64,
            None => -1_000_000_000,
        };
        fields.push((Cow::Owned(s), pos));
        roles.push(role.clone());
    }
    Ok(())
}

/// `role_of(key)` for a JSON key, asked once per distinct key per call (at most 4 096 kept).
fn key_role<'py>(py: Python<'py>, name: &str, role_of: &Bound<'py, PyAny>,
                 keys: &mut HashMap<String, Role<'py>>) -> PyResult<Role<'py>> {
    if let Some(r) = keys.get(name) {
        return Ok(r.clone());
    }
    let r = role_from(py, role_of.call1((PyString::new(py, name),))?)?;
    if keys.len() < 4096 {
        keys.insert(name.to_string(), r.clone());
    }
    Ok(r)
}

/// `memmem::find(hay, needle)`: the first occurrence, by the needle's first byte and a
/// comparison for the first few candidates (a JSON value is most often found at once: the
/// searcher's set-up was most of the cost), then by the searcher.
fn find_first(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(&first) = needle.first() else { return Some(0) };
    let mut from = 0;
    for _ in 0..8 {
        let i = from + memchr::memchr(first, &hay[from..])?;
        if hay[i..].starts_with(needle) {
            return Some(i);
        }
        from = i + 1;
    }
    memchr::memmem::find(&hay[from..], needle).map(|i| from + i)
}

/// `walk` on a value parsed in Rust (`json::parse`): the same fields and roles, in the same
/// order, as `_walk` on what `json.loads` gives for that line (the values borrowed from the
/// parse: no `String` per value).
#[allow(clippy::too_many_arguments)]
fn walk_parsed<'py, 'v>(py: Python<'py>, v: &'v json::Value, line: &str, base: i64, fields: &mut Vec<(Cow<'v, str>, i64)>,
                    roles: &mut Vec<Role<'py>>, role: &Role<'py>, depth: u32, role_of: &Bound<'py, PyAny>,
                    keys: &mut HashMap<String, Role<'py>>) -> PyResult<()> {
    if depth > 6 || fields.len() > 500 {
        return Ok(());
    }
    match v {
        json::Value::Obj(members) => {
            for (k, v) in members {
                let r = key_role(py, k, role_of, keys)?;
                // MongoDB's extended JSON (`{"$date": ...}`): the value keeps its key's role (as `walk`)
                let dollar = r.obj.is_none() && k.starts_with('$');
                walk_parsed(py, v, line, base, fields, roles, if dollar { role } else { &r }, depth + 1, role_of, keys)?;
            }
        }
        json::Value::List(items) => {
            for v in items.iter().take(200) {
                walk_parsed(py, v, line, base, fields, roles, role, depth + 1, role_of, keys)?;
            }
        }
        json::Value::Str(s) | json::Value::Int(s) => {
            if s.is_empty() {
                return Ok(());
            }
            let pos = match find_first(line.as_bytes(), s.as_bytes()) {
                Some(i) => base + clen(&line[..i]) as i64,
                None => -1_000_000_000,
            };
            fields.push((Cow::Borrowed(s.as_str()), pos));
            roles.push(role.clone());
        }
        json::Value::Skip => {}
    }
    Ok(())
}

const HOOKS: [&str; 18] = ["scan", "scan_only", "other_role", "phone", "national_id", "typed", "canon_nir", "canon_iban",
                           "canon_card", "canon_dob", "canon_luhn_id", "canon_name", "canon_address", "canon_credential",
                           "mask_free_text", "region_of_country", "login_iban", "email_domain"];

struct Hooks<'py> {
    scan: Bound<'py, PyAny>,
    scan_only: Bound<'py, PyAny>,
    other_role: Bound<'py, PyAny>,
    phone: Bound<'py, PyAny>,
    national_id: Bound<'py, PyAny>,
    typed: Bound<'py, PyAny>,
    canon_nir: Bound<'py, PyAny>,
    canon_iban: Bound<'py, PyAny>,
    canon_card: Bound<'py, PyAny>,
    canon_dob: Bound<'py, PyAny>,
    canon_luhn_id: Bound<'py, PyAny>,
    canon_name: Bound<'py, PyAny>,
    canon_address: Bound<'py, PyAny>,
    canon_credential: Bound<'py, PyAny>,
    mask_free_text: Bound<'py, PyAny>,
    region_of_country: Bound<'py, PyAny>,
    login_iban: Bound<'py, PyAny>,
    email_domain: Bound<'py, PyAny>,
}

/// What Python makes of a raw email's IDN domain (`identifiers.email_domain`): its IDNA form
/// (None: refused) and the length of the lowercased domain, per raw domain text. A dump repeats
/// its few domains; the codec's nameprep costs ~40 us a call.
type DomainCache = Mutex<HashMap<String, (Option<String>, usize)>>;
const DOMAIN_CACHE_MAX: usize = 65_536;

struct Block<'py> {
    py: Python<'py>,
    h: Hooks<'py>,
    sink: Bound<'py, PyAny>,
    found: FoundRef<'py>,
    masks: Bound<'py, PyList>,
    pending: Bound<'py, PyList>,
    today: Today,
    country_at: i64,
    settle: Arc<SettleHooks>,
    iban_rules: Arc<IbanRules>,
    domains: Arc<DomainCache>,
}

impl<'py> Block<'py> {
    fn push(&self, t: &Bound<'py, PyAny>, c: &str, st: i64, en: i64) -> PyResult<()> {
        self.found.push(t, c, st, en)
    }

    /// A mask for the excerpt. `_build` keeps only those starting in [0, cut), and the cut is at
    /// most EXCERPT_CHARS: one starting further is never read (a combo list's password and
    /// login masks were one tuple a line, then filtered out in Python).
    fn mask(&self, st: i64, en: i64, m: &str) -> PyResult<()> {
        if st >= EXCERPT_CHARS {
            return Ok(());
        }
        self.masks.append((st, en, m))
    }

    /// The interned type name: the same object `PyString::intern` gives, cached per name by
    /// `intern!` (interning anew looked the name up in the interpreter's table on every push)
    fn t(&self, s: &'static str) -> Bound<'py, PyAny> {
        let py = self.py;
        let o = match s {
            "email" => intern!(py, "email"),
            "phone" => intern!(py, "phone"),
            "name" => intern!(py, "name"),
            "address" => intern!(py, "address"),
            "credential" => intern!(py, "credential"),
            "iban" => intern!(py, "iban"),
            "national_id" => intern!(py, "national_id"),
            "nir" => intern!(py, "nir"),
            "password_hash" => intern!(py, "password_hash"),
            _ => return PyString::intern(py, s).into_any(),
        };
        o.clone().into_any()
    }

    /// scan(v, found, off) on a value the port cannot rule out.
    fn scan(&self, v: &str, off: i64) -> PyResult<()> {
        if (scan_finds_nothing(v) && !scan::obfuscated_at(v)) || self.scan_here(v, off, None)? {
            return Ok(());
        }
        self.h.scan.call1((v, self.found.obj(), off))?;
        Ok(())
    }

    /// `scan(v, found, off)` (hint None) or `scan_only(v, off, hint, found)` by the port
    /// (scan.rs); false, nothing appended, when the cell goes back to the reference.
    fn scan_here(&self, v: &str, off: i64, hint: Option<&str>) -> PyResult<bool> {
        let Some(hits) = scan::scan_cell(v, hint, hint, self.today, self)? else { return Ok(false) };
        for (t, c, st, en) in hits {
            // (ASCII: byte offsets are char offsets; a Luhn id's type is its hint, as in Python)
            self.push(&self.t(t), &c, off + st as i64, off + en as i64)?;
        }
        Ok(true)
    }

    /// `scan_only(v, off, hint, found)`: the port, else the reference.
    fn scan_only(&self, v: &str, off: i64, hint: &Bound<'py, PyAny>) -> PyResult<()> {
        let h = hint.cast::<PyString>()?.to_str()?;
        if !self.scan_here(v, off, Some(h))? {
            self.h.scan_only.call1((v, off, hint, self.found.obj()))?;
        }
        Ok(())
    }

    /// `canon_email(raw)`: ASCII addresses here, IDN domains with Python's IDNA form of the
    /// domain (cached), the rest deferred.
    fn email(&self, raw: &str) -> PyResult<Canon> {
        email_canon(&self.domains, &self.h.email_domain, raw)
    }

    /// `canon_credential(login, password)`: any ASCII login, and a Unicode one when it is no
    /// address or a valid one (`login.lower()` of an invalid Unicode address is Python's). `known`: what `email` gave
    /// for `login` itself (the login column's own validation), reused when stripping leaves it
    /// unchanged.
    fn credential(&self, login: &str, password: &str, known: Option<&Canon>) -> PyResult<Canon> {
        let l = cn::py_strip(login);
        if l.is_empty() || password.is_empty() || clen(password) > 256 || clen(l) > 254 {
            return Ok(Canon::Invalid);
        }
        if !l.contains('@') {
            return Ok(Canon::Valid(join3(l, ":", password)));
        }
        let e = match known {
            Some(c) if l.len() == login.len() => c.clone(),
            _ => self.email(l)?,
        };
        Ok(match e {
            Canon::Valid(e) => Canon::Valid(join3(&e, ":", password)),
            Canon::Invalid if l.is_ascii() => Canon::Valid(join3(&l.to_ascii_lowercase(), ":", password)),
            _ => Canon::Defer,
        })
    }

    /// typed("email", v, found, off)
    fn typed_email(&self, v: &str, off: i64) -> PyResult<bool> {
        Ok(self.typed_email_canon(v, off)?.0)
    }

    /// `typed_email`, with the answer of `email(v)` when the core decided it (None: Python's
    /// `typed` did the work).
    fn typed_email_canon(&self, v: &str, off: i64) -> PyResult<(bool, Option<Canon>)> {
        match self.email(v)? {
            Canon::Valid(e) => {
                let en = off + clen(v) as i64;
                self.push(&self.t("email"), &e, off, en)?;
                if let Some(g) = cn::email_gmail(&e) {
                    self.push(&self.t("email"), &g, off, en)?;
                }
                Ok((true, Some(Canon::Valid(e))))
            }
            Canon::Invalid => Ok((false, Some(Canon::Invalid))),
            Canon::Defer => Ok((self.h.typed.call1(("email", v, self.found.obj(), off))?.extract()?, None)),
        }
    }

    fn canon_py(&self, f: &Bound<'py, PyAny>, v: &str) -> PyResult<Option<String>> {
        let r = f.call1((v,))?;
        if r.is_none() { Ok(None) } else { Ok(Some(r.extract()?)) }
    }

    fn resolve(&self, c: Canon, f: &Bound<'py, PyAny>, v: &str) -> PyResult<Option<String>> {
        match c {
            Canon::Valid(s) => Ok(Some(s)),
            Canon::Invalid => Ok(None),
            Canon::Defer => self.canon_py(f, v),
        }
    }

    /// `extract_record(fields, roles, sink)`; returns its count of strong identifiers.
    fn record<S: AsRef<str>>(&self, fields: &[(S, i64)], roles: &[Role<'py>]) -> PyResult<i64> {
        let before = self.found.len()?;
        let mut first: Option<(&str, i64)> = None;
        let mut last: Option<(&str, i64)> = None;
        let mut full: Option<(&str, i64)> = None;
        let mut addr: Vec<(&str, i64)> = Vec::new();
        let mut login: Option<(&str, i64)> = None;
        let mut pw: Option<(&str, i64)> = None;
        let mut pw_text: Option<String> = None; // the password when its cell's `""` stand for `"`
        let mut email_raw: Option<(&str, i64)> = None;
        let mut login_email: Option<Canon> = None; // `email` of the login, when the core decided it
        let mut pending = 0i64;
        let mut record_region: Option<Bound<'py, PyAny>> = None;
        if self.country_at >= 0 && (self.country_at as usize) < fields.len() {
            let (v, o) = &fields[self.country_at as usize];
            let (cv, _) = clean(v.as_ref(), *o);
            let r = self.h.region_of_country.call1((cv,))?;
            if !r.is_none() {
                record_region = Some(r);
            }
        }
        for (idx, (raw, off0)) in fields.iter().enumerate() {
            let raw = raw.as_ref();
            let (v, off) = clean(raw, *off0);
            if NULLS.contains(&v) {
                continue;
            }
            let role = roles.get(idx);
            let kind = role.map(|r| r.kind).unwrap_or(RK::Free);
            let en = || off + clen(v) as i64;
            let show = off < EXCERPT_CHARS;
            // an e-mail under another column's header (extract.py's `_EMAIL_READERS`)
            if !matches!(kind, RK::Free | RK::FreeNoMask | RK::Email | RK::Login | RK::Password | RK::Hash)
                && v.contains('@')
                && self.typed_email(v, off)?
            {
                continue;
            }
            match kind {
                RK::Free | RK::FreeNoMask => {
                    let n0 = self.found.len()?;
                    self.scan(v, off)?;
                    if kind == RK::Free && off < EXCERPT_CHARS && self.found.len()? == n0 {
                        self.mask_free(v, off)?;
                    }
                }
                RK::Phone => {
                    let r = role.expect("phone role");
                    pending += self.phone(v, off, idx, r, &record_region)?;
                }
                RK::NationalId => {
                    let r = role.expect("role");
                    self.national_id(v, off, r)?;
                }
                RK::Nir | RK::Iban | RK::Card | RK::Dob | RK::Luhn(_) => {
                    let r = role.expect("role");
                    let c = match kind {
                        RK::Nir => self.resolve(cn::canon_nir(v), &self.h.canon_nir, v)?,
                        RK::Iban => self.iban(v)?,
                        RK::Card => self.resolve(cn::canon_card(v), &self.h.canon_card, v)?,
                        RK::Dob => self.resolve(cn::canon_dob(v, self.today), &self.h.canon_dob, v)?,
                        RK::Luhn(n) => {
                            let x = self.h.canon_luhn_id.call1((v, n))?;
                            if x.is_none() { None } else { Some(x.extract()?) }
                        }
                        _ => None,
                    };
                    if let Some(c) = c {
                        self.push(&r.obj, &c, off, en())?;
                    } else if kind != RK::Dob && !scan_finds_nothing(v) {
                        // (a hint only narrows what the scanner finds, except for branches that
                        // need 9+ digits or 32 hex characters, which scan_finds_nothing never skips)
                        let hint = r.obj.cast::<PyString>()?.to_str()?;
                        match scan_digit_cell(v, hint, self.today) {
                            Ok(Some(c)) => self.push(&r.obj, &c, off, en())?,
                            Ok(None) => {}
                            Err(()) => self.scan_only(v, off, &r.obj)?,
                        }
                    }
                }
                RK::First | RK::Last | RK::Full => {
                    match kind {
                        RK::First => first = Some((v, off)),
                        RK::Last => last = Some((v, off)),
                        _ => full = Some((v, off)),
                    }
                    if show {
                        self.mask(off, en(), "[name]")?;
                    }
                }
                RK::Addr => {
                    addr.push((v, off));
                    if show {
                        self.mask(off, en(), "[address]")?;
                    }
                }
                RK::Password => {
                    if !self.typed_hash(v, off)? {
                        pw = Some((v, off));
                        // a quoted cell keeps its `""` (split.rs): the password itself has one `"`
                        pw_text = if v.contains("\"\"") && cn::py_strip(raw).starts_with('"') {
                            Some(v.replace("\"\"", "\""))
                        } else {
                            None
                        };
                        self.mask(off, en(), "********")?;
                    }
                }
                RK::Login => {
                    login = Some((v, off));
                    login_email = None;
                    if v.contains('@') {
                        login_email = self.typed_email_canon(v, off)?.1;
                    } else {
                        match self.login_iban(v)? {
                            Some(iban) => {
                                self.push(&self.t("iban"), &iban, off, en())?;
                                login = None;
                            }
                            None => {
                                let f: String = v.chars().take(1).collect();
                                self.mask(off, en(), &join3(&f, "***", ""))?;
                            }
                        }
                    }
                }
                RK::Hash => {
                    if !self.typed_hash(v, off)? {
                        self.mask(off, en(), "********")?;
                    }
                }
                RK::Email => {
                    email_raw = Some((v, off));
                    if !self.typed_email(v, off)? && (!scan_finds_nothing(v) || scan::obfuscated_at(v)) {
                        self.scan_only(v, off, &self.t("email"))?;
                    }
                }
                RK::Country | RK::Other => {
                    let r = role.expect("role");
                    self.h.other_role.call1((&r.obj, v, off, self.found.obj()))?;
                }
            }
        }
        if let (Some(f), Some(l)) = (first, last) {
            let joined = join3(&f.0, " ", &l.0);
            if let Some(c) = self.resolve(cn::canon_name(&joined), &self.h.canon_name, &joined)? {
                if !c.is_empty() {
                    let o = f.1.min(l.1);
                    self.push(&self.t("name"), &c, o, o)?;
                }
            }
        } else if let Some(f) = full {
            if let Some(c) = self.resolve(cn::canon_name(f.0), &self.h.canon_name, f.0)? {
                if !c.is_empty() {
                    self.push(&self.t("name"), &c, f.1, f.1)?;
                }
            }
        } else if let (None, Some(l)) = (first, last) {
            // `len(last.split()) >= 2`: the whole name under "nom" (Python's whitespace)
            if l.0.split(py_space).filter(|w| !w.is_empty()).nth(1).is_some() {
                if let Some(c) = self.resolve(cn::canon_name(l.0), &self.h.canon_name, l.0)? {
                    if !c.is_empty() {
                        self.push(&self.t("name"), &c, l.1, l.1)?;
                    }
                }
            }
        }
        if !addr.is_empty() {
            let joined = addr.iter().map(|a| a.0).collect::<Vec<_>>().join(" ");
            if let Some(c) = self.resolve(cn::canon_address(&joined), &self.h.canon_address, &joined)? {
                if !c.is_empty() {
                    self.push(&self.t("address"), &c, addr[0].1, addr[0].1)?;
                }
            }
        }
        if let Some(p) = pw {
            if let Some(who) = login.or(email_raw) {
                let known = if login.is_some() { login_email.as_ref() } else { None };
                let pv = pw_text.as_deref().unwrap_or(p.0);
                let c = match self.credential(who.0, pv, known)? {
                    Canon::Valid(s) => Some(s),
                    Canon::Invalid => None,
                    Canon::Defer => {
                        let x = self.h.canon_credential.call1((who.0, pv))?;
                        if x.is_none() { None } else { Some(x.extract::<String>()?) }
                    }
                };
                if let Some(c) = c {
                    if !c.is_empty() {
                        self.push(&self.t("credential"), &c, p.1, p.1)?;
                    }
                }
            }
        }
        Ok(pending + self.found.strong_from(before)?)
    }

    /// `_national_id(v, off, role, found)`: the whole field goes to Python on any defer.
    fn national_id(&self, v: &str, off: i64, r: &Role<'py>) -> PyResult<()> {
        let en = off + clen(v) as i64;
        let hook = || -> PyResult<()> {
            self.h.national_id.call1((v, off, &r.obj, self.found.obj()))?;
            Ok(())
        };
        if r.is_nir {
            match cn::canon_nir(v) {
                Canon::Valid(c) => return self.push(&self.t("nir"), &c, off, en),
                Canon::Defer => return hook(),
                Canon::Invalid if r.region.is_none() => return Ok(()),
                Canon::Invalid => {}
            }
        }
        let c = if let Some(cc) = r.region.as_deref() {
            match cn::canon_national_id(v, cc, self.today) {
                Canon::Valid(c) => Some(c),
                Canon::Invalid => None,
                Canon::Defer => return hook(),
            }
        } else {
            match cn::national_id_forms(v, self.today) {
                Some(forms) if forms.len() == 1 => forms.into_iter().next(),
                Some(_) => None,
                None => return hook(),
            }
        };
        if let Some(c) = c {
            self.push(&self.t("national_id"), &c, off, en)?;
        }
        Ok(())
    }

    fn typed_hash(&self, v: &str, off: i64) -> PyResult<bool> {
        match cn::canon_password_hash(v) {
            Canon::Valid(c) => {
                self.push(&self.t("password_hash"), &c, off, off + clen(v) as i64)?;
                Ok(true)
            }
            Canon::Invalid => Ok(false),
            Canon::Defer => self.h.typed.call1(("hash", v, self.found.obj(), off))?.extract(),
        }
    }

    /// `canon_iban(v)`: the mod 97-10 and the country's BBAN structure here, the countries with
    /// their own checksums (and anything not plain ASCII) in Python.
    fn iban(&self, v: &str) -> PyResult<Option<String>> {
        match cn::iban_mod97(v) {
            Err(Canon::Invalid) => Ok(None),
            Err(_) => self.canon_py(&self.h.canon_iban, v),
            Ok(s) => match self.iban_rules.check(self.py, &s)? {
                Some(true) => Ok(Some(s)),
                Some(false) => Ok(None),
                None => self.canon_py(&self.h.canon_iban, v),
            },
        }
    }

    /// `v[:2].isalpha() and v[2:4].isdigit() and canon_iban(v)`
    fn login_iban(&self, v: &str) -> PyResult<Option<String>> {
        let head: Vec<char> = v.chars().take(4).collect();
        if !head.iter().all(|c| c.is_ascii()) {
            let r = self.h.login_iban.call1((v,))?;
            return if r.is_none() { Ok(None) } else { Ok(Some(r.extract()?)) };
        }
        let a = &head[..head.len().min(2)];
        let d = if head.len() > 2 { &head[2..] } else { &[][..] };
        if a.is_empty() || !a.iter().all(|c| c.is_ascii_alphabetic()) || d.is_empty() || !d.iter().all(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        self.iban(v)
    }

    /// mask_free_text(v, off, masks)
    fn mask_free(&self, v: &str, off: i64) -> PyResult<()> {
        let head: Vec<char> = v.chars().take(3).collect();
        if head.len() < 3 {
            return Ok(()); // len(v) >= 3 fails
        }
        if !head.iter().all(|c| c.is_ascii()) || py_space(head[0]) {
            self.h.mask_free_text.call1((v, off, &self.masks))?;
            return Ok(());
        }
        if !head.iter().any(|c| c.is_ascii_alphabetic()) || v.starts_with("http") || v.starts_with("www.") {
            return Ok(());
        }
        let f: String = head[..1].iter().collect();
        self.mask(off, off + clen(v) as i64, &join3(&f, "***", ""))
    }

    /// `_phone(v, off, col, role, sink, record_region)`
    fn phone(&self, v: &str, off: i64, col: usize, r: &Role<'py>, record_region: &Option<Bound<'py, PyAny>>) -> PyResult<i64> {
        let s = v.trim_start_matches([' ', '\t', '"', '\'', '(']);
        let intl = s.starts_with('+') || s.starts_with("00");
        if r.region.is_none() && !intl {
            let hint = r.hint.clone().map(|h| h.into_any());
            self.pending.append((v, off, col, hint, record_region.clone()))?;
            return Ok(1);
        }
        let region = r.region.as_deref().unwrap_or("FR");
        match phone::canon_phone(v, region) {
            PhoneResult::Valid(c) => {
                self.push(&self.t("phone"), &c, off, off + clen(v) as i64)?;
                if intl {
                    self.settle.region_seen(self.py, &self.sink, col, c.as_str())?;
                }
                Ok(0)
            }
            PhoneResult::Invalid if r.region.is_some() && region != "FR" => Ok(0),
            // two numbers in one cell (FR or an international number): `_phone`'s
            // `scan(v, tmp, off, hint="phone")` keeping the phones is `scan_only(v, off, "phone")`,
            // by the port (scan.rs); the reference when the port gives the cell back
            PhoneResult::Invalid if self.scan_here(v, off, Some("phone"))? => Ok(0),
            _ => self.h.phone.call1((v, off, col, &r.obj, &self.sink, record_region.clone()))?.extract(),
        }
    }
}

impl<'py> scan::ScanPy for Block<'py> {
    fn iban(&self, raw: &str) -> PyResult<Option<Option<String>>> {
        Ok(Some(Block::iban(self, raw)?))
    }

    fn luhn_id(&self, raw: &str, length: usize) -> PyResult<Option<Option<String>>> {
        let x = self.h.canon_luhn_id.call1((raw, length))?;
        Ok(Some(if x.is_none() { None } else { Some(x.extract()?) }))
    }
}

/// `s.split(sep)` with each cell's offset in characters from `base`: one pass over the bytes
/// counting the characters as it goes (a `split` by the char, then a count of each cell's
/// characters, searched each short cell twice: ~1.5% of the dense mix's time). `sep` is ASCII,
/// so it never occurs inside a multi-byte character, and each cell is a slice of `s`.
fn split_plain<'a>(s: &'a str, sep: u8, base: i64, fields: &mut Vec<(&'a str, i64)>) {
    let b = s.as_bytes();
    let (mut a, mut ca, mut ci) = (0usize, 0i64, 0i64);
    for (i, &c) in b.iter().enumerate() {
        if c == sep {
            fields.push((&s[a..i], base + ca));
            a = i + 1;
            ca = ci + 1;
        }
        ci += i64::from(c & 0xC0 != 0x80);
    }
    fields.push((&s[a..], base + ca));
}

fn get<'py>(d: &Bound<'py, PyDict>, k: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(k)?.ok_or_else(|| PyValueError::new_err(format!("vigie_native.Core: hook {k:?} missing")))
}


impl Core {
    fn block<'py>(&self, py: Python<'py>, sink: &Bound<'py, PyAny>, today: (i32, i32, (i32, u32, u32)),
                  roles: &[Role<'py>]) -> PyResult<Block<'py>> {
        let g = |k: usize| self.hooks[k].bind(py).clone();
        let h = Hooks {
            scan: g(0), scan_only: g(1), other_role: g(2), phone: g(3), national_id: g(4), typed: g(5), canon_nir: g(6),
            canon_iban: g(7), canon_card: g(8), canon_dob: g(9), canon_luhn_id: g(10), canon_name: g(11),
            canon_address: g(12), canon_credential: g(13), mask_free_text: g(14), region_of_country: g(15),
            login_iban: g(16), email_domain: g(17),
        };
        let country_at = roles.iter().position(|r| r.kind == RK::Country).map(|p| p as i64).unwrap_or(-1);
        Ok(Block {
            py, h, sink: sink.clone(),
            found: FoundRef::of(sink.getattr(intern!(py, "found"))?)?,
            masks: sink.getattr(intern!(py, "masks"))?.cast_into::<PyList>()?,
            pending: sink.getattr(intern!(py, "pending"))?.cast_into::<PyList>()?,
            today: cn::today_of(today), country_at, settle: self.settle.clone(), iban_rules: self.iban_rules.clone(),
            domains: self.domains.clone(),
        })
    }
}

fn over(b: &Block<'_>) -> PyResult<bool> {
    b.sink.call_method0(intern!(b.py, "over"))?.extract()
}

#[pymethods]
impl Core {
    #[new]
    fn new(py: Python<'_>, hooks: Bound<'_, PyDict>) -> PyResult<Self> {
        let mut v = Vec::new();
        for k in HOOKS {
            v.push(get(&hooks, k)?.unbind());
        }
        let tp = get(&hooks, "Identifier")?.cast_into::<PyType>()?;
        let maker = Arc::new(IdentMaker::calibrate(py, &tp)?);
        let settle = Arc::new(SettleHooks::new(|k| get(&hooks, k))?);
        Ok(Core { hooks: v, maker, mask_value: get(&hooks, "mask_value")?.unbind(), settle,
                  role_of: get(&hooks, "role_of")?.unbind(),
                  iban_rules: Arc::new(IbanRules::new(get(&hooks, "iban_rules")?.unbind())),
                  domains: Arc::new(Mutex::new(HashMap::new())) })
    }

    /// One JSON line's record: `records._walk` over the parsed object (`role_of` gives each
    /// key's role), then `extract_record`; returns its count of strong identifiers.
    #[allow(clippy::too_many_arguments)]
    fn json_record(&self, py: Python<'_>, obj: Bound<'_, PyAny>, line: &str, base: i64, sink: Bound<'_, PyAny>,
                   today: (i32, i32, (i32, u32, u32))) -> PyResult<i64> {
        let mut fields: Vec<(Cow<'_, str>, i64)> = Vec::new();
        let mut rl: Vec<Role<'_>> = Vec::new();
        let role_of = self.role_of.bind(py);
        let none = role_from(py, py.None().into_bound(py))?;
        walk(&obj, line, base, &mut fields, &mut rl, &none, 0, role_of, &mut HashMap::new())?;
        let b = self.block(py, &sink, today, &rl)?;
        b.record(&fields, &rl)
    }

    /// `records.jsonl`'s fill loop from line `k` up to `j` (exclusive) of a block that starts
    /// at line `i` (`offs[k - i]`: line k's offset), one `Block` for all of them: for each
    /// line the sink's cap check every 256 lines, the brackets and commas stripped, `loads`
    /// (`json.loads`), the walk and the record. Returns (records with a strong identifier,
    /// line, stopped): stopped when the cap check said so at that line, else the line handed
    /// back to the reference, checked but not taken (one `loads` does not parse: Mongo
    /// shell syntax or not JSON; a lone surrogate), or `j`.
    #[allow(clippy::too_many_arguments)]
    fn json_lines(&self, py: Python<'_>, lines: Bound<'_, PyList>, k: usize, j: usize, i: usize,
                  offs: Bound<'_, PyList>, sink: Bound<'_, PyAny>, today: (i32, i32, (i32, u32, u32)),
                  loads: Bound<'_, PyAny>) -> PyResult<(i64, usize, bool)> {
        let mut b = self.block(py, &sink, today, &[])?;
        let role_of = self.role_of.bind(py);
        let none = role_from(py, py.None().into_bound(py))?;
        let mut keys: HashMap<String, Role<'_>> = HashMap::new();
        let mut hit = 0i64;
        // each line's fields and roles presized to the most a line held so far (a dump's lines hold
        // the same keys: grown from empty, each line paid three or four reallocations of both)
        let mut cap = 0usize;
        for k in k..j.min(lines.len()) {
            if (k & 255) == 0 && over(&b)? {
                return Ok((hit, k, true));
            }
            let item = lines.get_item(k)?;
            let Ok(s) = item.cast::<PyString>()?.to_str() else { return Ok((hit, k, false)) };
            // s.strip().rstrip(",").lstrip("[").rstrip("]")
            let t = cn::py_strip(s).trim_end_matches(',').trim_start_matches('[').trim_end_matches(']');
            let base: i64 = offs.get_item(k - i)?.extract()?;
            // parsed here when the parser reads it as `json.loads` would (most lines): no Python
            // object per key and value; else `json.loads` and the walk over its objects
            let parsed = json::parse(t);
            let mut fields: Vec<(Cow<'_, str>, i64)> = Vec::with_capacity(cap);
            let mut rl: Vec<Role<'_>> = Vec::with_capacity(cap);
            if let Some(v) = &parsed {
                walk_parsed(py, v, s, base, &mut fields, &mut rl, &none, 0, role_of, &mut keys)?;
            } else {
                let obj = match loads.call1((t,)) {
                    Ok(o) => o,
                    Err(e) if e.is_instance_of::<pyo3::exceptions::PyValueError>(py)
                        || e.is_instance_of::<pyo3::exceptions::PyRecursionError>(py) => return Ok((hit, k, false)),
                    Err(e) => return Err(e),
                };
                match walk(&obj, s, base, &mut fields, &mut rl, &none, 0, role_of, &mut keys) {
                    Ok(()) => {}
                    Err(e) if e.is_instance_of::<pyo3::exceptions::PyUnicodeEncodeError>(py) => return Ok((hit, k, false)),
                    Err(e) => return Err(e),
                }
            }
            cap = cap.max(fields.len()).max(rl.len()).min(1 << 10);
            b.country_at = rl.iter().position(|r| r.kind == RK::Country).map(|p| p as i64).unwrap_or(-1);
            match b.record(&fields, &rl) {
                Ok(n) => hit += (n > 0) as i64,
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyUnicodeEncodeError>(py) => return Ok((hit, k, false)),
                Err(e) => return Err(e),
            }
        }
        Ok((hit, j, false))
    }

    /// For the differential tests: what `json_lines` reads from the JSON text `t` of `line`
    /// (offset `base`) without Python's parser, as [(value, offset, role object), ...] in
    /// `_walk`'s order; None where it hands the line to `json.loads`.
    fn json_fields<'py>(&self, py: Python<'py>, t: &str, line: &str, base: i64) -> PyResult<Option<Bound<'py, PyList>>> {
        let Some(v) = json::parse(t) else { return Ok(None) };
        let role_of = self.role_of.bind(py);
        let none = role_from(py, py.None().into_bound(py))?;
        let mut fields: Vec<(Cow<'_, str>, i64)> = Vec::new();
        let mut rl: Vec<Role<'_>> = Vec::new();
        walk_parsed(py, &v, line, base, &mut fields, &mut rl, &none, 0, role_of, &mut HashMap::new())?;
        let out = PyList::empty(py);
        for ((value, pos), r) in fields.into_iter().zip(rl) {
            out.append((value.as_ref(), pos, r.obj))?;
        }
        Ok(Some(out))
    }

    /// `Sink.settle()`: the pending national-notation phones read in the fragment's context.
    fn settle(&self, py: Python<'_>, sink: Bound<'_, PyAny>, today: (i32, i32, (i32, u32, u32))) -> PyResult<()> {
        settle::settle(py, &self.settle, &sink, cn::today_of(today))
    }

    /// `scan_only(v, 0, hint, found)` as the core does it for a digit cell: the canonical
    /// value, None, or Ellipsis when Python decides (for the differential tests).
    fn scan_digit_cell(&self, py: Python<'_>, v: &str, hint: &str, today: (i32, i32, (i32, u32, u32))) -> Py<PyAny> {
        match scan_digit_cell(v, hint, cn::today_of(today)) {
            Ok(Some(c)) => PyString::new(py, &c).into_any().unbind(),
            Ok(None) => py.None(),
            Err(()) => py.Ellipsis(),
        }
    }

    /// `scan(v, sink.found, off)` (hint None) or `scan_only(v, off, hint, sink.found)` as the
    /// core does them on the cells it reads; False (nothing appended) where it hands the cell
    /// back to the reference. For the differential tests.
    #[pyo3(signature = (v, off, hint, sink, today))]
    fn scan_cell(&self, py: Python<'_>, v: &str, off: i64, hint: Option<&str>, sink: Bound<'_, PyAny>,
                 today: (i32, i32, (i32, u32, u32))) -> PyResult<bool> {
        let b = self.block(py, &sink, today, &[])?;
        b.scan_here(v, off, hint)
    }

    /// Whether `Identifier` slots are filled directly (calibration found them), else the
    /// class is called per identifier.
    #[getter]
    fn direct_identifiers(&self) -> bool {
        self.maker.direct()
    }

    /// `ids.canon_email(v)` as the core reads a typed email (the Unicode domains with Python's
    /// lowercase and IDNA once per domain): str, None, or Ellipsis where it asks the reference.
    fn canon_email(&self, py: Python<'_>, v: &str) -> PyResult<Py<PyAny>> {
        let c = email_canon(&self.domains, self.hooks[17].bind(py), v)?; // HOOKS[17]: email_domain
        Ok(answer(py, c))
    }

    /// `_build`'s loop: the identifiers of `found` [(type, canonical, start, end), ...] with
    /// their tokens (card networks and countries when an `Identifier` is asked for), as an
    /// `Identifiers` sequence; the masks of spans before `cut` are appended to `masks` as
    /// (start, end, mask), the found types to the set `types`. `consume`: `found` is emptied as
    /// it is read (`_build`: the sink is dropped after it), each tuple freed while in the cache.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (found, tokenizer, version, cut, masks, types, consume = false))]
    fn build<'py>(&self, py: Python<'py>, found: Bound<'py, PyAny>, tokenizer: Bound<'py, Tokenizer>,
                  version: Bound<'py, PyAny>, cut: i64, masks: Bound<'py, PyList>, types: Bound<'py, pyo3::types::PySet>,
                  consume: bool) -> PyResult<fragment::Identifiers> {
        let mask_hook = self.mask_value.bind(py);
        if let Ok(f) = found.cast::<Found>() {
            // the core's found list: its columns become the identifiers' (taken when consumed)
            let mut f = f.try_borrow_mut()?;
            let cols = if consume { f.take_columns(py) } else { f.columns().map(|c| c.copy(py)) };
            if let Some(cols) = cols {
                return fragment::build_columns(py, &self.maker, cols, tokenizer.get(), &version, cut, &masks, mask_hook,
                                               &types);
            }
            let l = f.to_list(py)?; // spilled: its tuples, as a list's
            if consume {
                f.clear();
            }
            return fragment::build(py, &self.maker, &l, tokenizer.get(), &version, cut, &masks, mask_hook, &types, consume);
        }
        let found = found.cast_into::<PyList>()?;
        fragment::build(py, &self.maker, &found, tokenizer.get(), &version, cut, &masks, mask_hook, &types, consume)
    }

    /// `parallel.unpack`'s loop: the `Identifier`s of one packed fragment, from its columns
    /// (`tokens`: one bytes of 16-byte tokens, or a list; `versions`: one int or a list;
    /// `networks`/`countries`: None when no identifier has one, else a list).
    #[allow(clippy::too_many_arguments)]
    fn identifiers<'py>(&self, py: Python<'py>, types: Bound<'py, PyList>, values: Bound<'py, PyList>,
                        tokens: Bound<'py, PyAny>, versions: Bound<'py, PyAny>, starts: Bound<'py, PyList>,
                        ends: Bound<'py, PyList>, networks: Bound<'py, PyAny>, countries: Bound<'py, PyAny>)
                        -> PyResult<Bound<'py, PyList>> {
        let n = types.len();
        let column = |c: &Bound<'py, PyAny>| -> PyResult<Option<Bound<'py, PyList>>> {
            if c.is_none() || c.is_instance_of::<PyInt>() {
                return Ok(None);
            }
            let l = c.cast::<PyList>()?.clone();
            if l.len() != n {
                return Err(PyValueError::new_err("identifier columns of different lengths"));
            }
            Ok(Some(l))
        };
        let (vers, nets, ccs) = (column(&versions)?, column(&networks)?, column(&countries)?);
        if values.len() != n || starts.len() != n || ends.len() != n {
            return Err(PyValueError::new_err("identifier columns of different lengths"));
        }
        let tok_bytes = tokens.cast::<pyo3::types::PyBytes>().ok().map(|b| b.as_bytes().to_vec());
        let tok_list = if tok_bytes.is_none() { Some(tokens.cast::<PyList>()?.clone()) } else { None };
        if tok_bytes.as_ref().is_some_and(|b| b.len() != 16 * n) || tok_list.as_ref().is_some_and(|l| l.len() != n) {
            return Err(PyValueError::new_err("identifier tokens of another count"));
        }
        let none = py.None().into_bound(py);
        let out = PyList::empty(py);
        for k in 0..n {
            let t = types.get_item(k)?;
            let v = values.get_item(k)?;
            let tk = match &tok_bytes {
                Some(b) => pyo3::types::PyBytes::new(py, &b[16 * k..16 * k + 16]).into_any(),
                None => tok_list.as_ref().map(|l| l.get_item(k)).transpose()?.unwrap_or_else(|| none.clone()),
            };
            let ver = match &vers { Some(l) => l.get_item(k)?, None => versions.clone() };
            let st = starts.get_item(k)?;
            let en = ends.get_item(k)?;
            let net = match &nets { Some(l) => l.get_item(k)?, None => none.clone() };
            let cc = match &ccs { Some(l) => l.get_item(k)?, None => none.clone() };
            out.append(self.maker.make(py, [&t, &v, &tk, &ver, &st, &en, &net, &cc])?)?;
        }
        Ok(out)
    }

    /// One record: `extract_record(fields, roles, sink)`.
    fn record(&self, py: Python<'_>, fields: Vec<(String, i64)>, roles: Bound<'_, PyAny>, sink: Bound<'_, PyAny>,
              today: (i32, i32, (i32, u32, u32))) -> PyResult<i64> {
        let rl = roles_of(py, &roles)?;
        let b = self.block(py, &sink, today, &rl)?;
        b.record(&fields, &rl)
    }

    /// Delimited rows `lines[lo:hi]` (offsets `offs[k - first]`), split on `sep` (`quoted`:
    /// CSV quoting as `shapes._split`; else a plain split, as pg_dump COPY rows), each
    /// extracted with `roles`; checks `sink.over()` every 256 lines like the reference.
    /// Returns how many records gave a strong identifier.
    #[pyo3(signature = (lines, lo, hi, offs, first, sep, quoted, roles, sink, today))]
    #[allow(clippy::too_many_arguments)]
    fn rows(&self, py: Python<'_>, lines: Bound<'_, PyList>, lo: usize, hi: usize, offs: Vec<i64>, first: usize,
            sep: &str, quoted: bool, roles: Bound<'_, PyAny>, sink: Bound<'_, PyAny>,
            today: (i32, i32, (i32, u32, u32))) -> PyResult<i64> {
        let rl = roles_of(py, &roles)?;
        let b = self.block(py, &sink, today, &rl)?;
        let sepb = ascii_sep(sep)?;
        let mut hit = 0;
        let mut cap = 16;
        for k in lo..hi {
            if (k & 255) == 0 && over(&b)? {
                break;
            }
            let line = lines.get_item(k)?;
            let s = line.cast::<PyString>()?.to_str()?;
            let mut fields: Vec<(&str, i64)> = Vec::with_capacity(cap);
            let base = offs[k - first];
            // (the cells are slices of the line: no String per cell)
            if quoted {
                split::split_row(s, sepb, base, &mut fields);
            } else {
                split_plain(s, sepb, base, &mut fields);
            }
            cap = cap.max(fields.len());
            if b.record(&fields, &rl)? > 0 {
                hit += 1;
            }
        }
        Ok(hit)
    }

    /// Combo lines `lines[lo:hi]`: `shapes._combo`'s filler. `fallback(k)` extracts a line the
    /// port defers and returns its strong count.
    #[allow(clippy::too_many_arguments)]
    fn combo(&self, py: Python<'_>, lines: Bound<'_, PyList>, lo: usize, hi: usize, offs: Vec<i64>, first: usize,
             sink: Bound<'_, PyAny>, today: (i32, i32, (i32, u32, u32)), fallback: Bound<'_, PyAny>) -> PyResult<i64> {
        let roles = PyList::new(py, ["login", "password"])?;
        let rl = roles_of(py, roles.as_any())?;
        let b = self.block(py, &sink, today, &rl)?;
        let mut hit = 0;
        for k in lo..hi {
            if (k & 255) == 0 && over(&b)? {
                break;
            }
            let line = lines.get_item(k)?;
            let s = line.cast::<PyString>()?.to_str()?;
            let o = offs[k - first];
            let n = match split::combo(s) {
                Combo::Fields(l, lc, p, pc, _) => {
                    b.record(&[(l, o + lc as i64), (p, o + pc as i64)], &rl)?
                }
                Combo::NoMatch => return Err(PyValueError::new_err(format!("not a combo line: line {k}"))),
                Combo::Defer => fallback.call1((k,))?.extract()?,
            };
            if n > 0 {
                hit += 1;
            }
        }
        Ok(hit)
    }

    /// Lines `i..=j` of one INSERT run (`records.sql`'s filler): each line's tuples from the end
    /// of its INSERT head, if it has one, with `offs[k - i]` the line's char offset in the
    /// fragment; `sink.over()` checked at each line's first tuple and every 256 tuples, as the
    /// reference does. One call per run where there was one (and a head match) per line.
    #[allow(clippy::too_many_arguments)]
    fn sql_block(&self, py: Python<'_>, lines: Bound<'_, PyList>, i: usize, j: usize, offs: Bound<'_, PyList>,
                 roles: Bound<'_, PyAny>, sink: Bound<'_, PyAny>, today: (i32, i32, (i32, u32, u32)))
                 -> PyResult<(i64, bool)> {
        let rl = roles_of(py, &roles)?;
        let b = self.block(py, &sink, today, &rl)?;
        let mut hit = 0;
        for k in i..=j {
            let item = lines.get_item(k)?.cast_into::<PyString>()?;
            let s = item.to_str()?;
            let pos = if split::may_hold_insert_head(s) { split::insert_head(s).map_or(0, |h| h.end_chars) } else { 0 };
            let base: i64 = offs.get_item(k - i)?.extract::<i64>()? + pos as i64;
            for (n, fields) in split::sql_tuples(s, pos, base).iter().enumerate() {
                if (n & 255) == 0 && over(&b)? {
                    return Ok((hit, true));
                }
                if b.record(fields, &rl)? > 0 {
                    hit += 1;
                }
            }
        }
        Ok((hit, false))
    }
}

/// Functions for the differential tests: the ported validators on one value, with "defer"
/// spelled out (None: invalid; the string "\0defer": Python decides).
#[pyfunction]
#[pyo3(name = "canon")]
pub fn canon_one(kind: &str, v: &str, today: (i32, i32, (i32, u32, u32))) -> PyResult<Option<String>> {
    let c = match kind {
        "email" => cn::canon_email(v),
        "nir" => cn::canon_nir(v),
        "iban" => cn::iban_prefilter(v),
        "card" => cn::canon_card(v),
        "dob" => cn::canon_dob(v, cn::today_of(today)),
        "name" => cn::canon_name(v),
        "address" => cn::canon_address(v),
        "password_hash" => cn::canon_password_hash(v),
        _ => return Err(PyValueError::new_err(format!("no ported validator for {kind:?}"))),
    };
    Ok(match c {
        Canon::Valid(s) => Some(s),
        Canon::Invalid => None,
        Canon::Defer => Some("\0defer".to_string()),
    })
}

/// insert_head(s) -> (end, table, columns) | None: `records.INSERT.match(s)`'s end (chars) and
/// groups, for the differential test of the port.
#[pyfunction]
pub fn insert_head(s: &str) -> Option<(usize, String, Option<String>)> {
    split::insert_head(s).map(|h| (h.end_chars, h.table.to_string(), h.columns.map(str::to_string)))
}

#[pyfunction]
pub fn card_network(d: &str) -> Option<&'static str> {
    cn::card_network(d)
}

/// The separator byte of a delimited row: one ASCII character, as `shapes._split` requires (an
/// empty separator, or the first byte of a multibyte one, made the byte splitter panic).
fn ascii_sep(sep: &str) -> PyResult<u8> {
    match sep.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ => Err(PyValueError::new_err(format!("a field separator is one ASCII character, not {sep:?}"))),
    }
}

#[pyfunction]
pub fn split_row(s: &str, sep: &str, base: i64) -> PyResult<Vec<(String, i64)>> {
    let sepb = ascii_sep(sep)?;
    let mut out = Vec::new();
    split::split_row(s, sepb, base, &mut out);
    let out = out.into_iter().map(|(v, o)| (v.to_string(), o)).collect();
    Ok(out)
}

/// Panics with `message`: how tests/test_native_hostile.py shows that a panic in the core
/// reaches Python as an exception and prints nothing (the message may quote crawled text).
#[pyfunction]
pub fn panic_probe(message: &str) {
    panic!("{message}");
}

fn answer(py: Python<'_>, c: Canon) -> Py<PyAny> {
    match c {
        Canon::Valid(s) => PyString::new(py, &s).into_any().unbind(),
        Canon::Invalid => py.None(),
        Canon::Defer => py.Ellipsis(),
    }
}

/// canon_email(raw) -> str | None | Ellipsis (Ellipsis: Python's canon_email decides).
#[pyfunction]
pub fn canon_email(py: Python<'_>, raw: &str) -> Py<PyAny> {
    answer(py, cn::canon_email(raw))
}

/// canon_nir(raw) -> str | None | Ellipsis
#[pyfunction]
pub fn canon_nir(py: Python<'_>, raw: &str) -> Py<PyAny> {
    answer(py, cn::canon_nir(raw))
}

/// canon_card(raw) -> str | None | Ellipsis
#[pyfunction]
pub fn canon_card(py: Python<'_>, raw: &str) -> Py<PyAny> {
    answer(py, cn::canon_card(raw))
}

/// scan_finds_nothing(v) -> bool: whether the core skips the free-text scanner on `v`
/// (tests check that Python's scan then finds nothing).
#[pyfunction]
#[pyo3(name = "scan_finds_nothing")]
pub fn scan_finds_nothing_py(v: &str) -> bool {
    scan_finds_nothing(v)
}

/// canon_national_id(raw, country, today) -> str | None | Ellipsis
#[pyfunction]
#[pyo3(name = "canon_national_id")]
pub fn canon_national_id_py(py: Python<'_>, raw: &str, country: &str, today: (i32, i32, (i32, u32, u32))) -> Py<PyAny> {
    answer(py, cn::canon_national_id(raw, country, cn::today_of(today)))
}

/// `scan_only(v, off, hint, found)`'s common case without Python: `v` a run of ASCII digits
/// with single ` .-` separators (a national phone the fragment's country did not validate, a
/// NIR or card that failed its check). Then `_CAND` has one candidate, the whole value (no
/// letter, @, $ or `+`; a run of 32+ digits, which the hex branch would take, is handed back),
/// and `classify_number` is followed step by step with the ported validators. Returns
/// Ok(Some(canonical)) for an identifier of the hint's type, Ok(None) for none, Err(()) when
/// Python decides (a validator defers, or a long value `_PHONE_IN_RUN` or `_CARD_AT_START` would
/// look inside).
/// A `classify_number` step that returns whatever its validator says.
fn settled(t: &'static str, c: Canon) -> Result<Option<(&'static str, String)>, ()> {
    match c {
        Canon::Valid(s) => Ok(Some((t, s))),
        Canon::Invalid => Ok(None),
        Canon::Defer => Err(()),
    }
}

pub(crate) fn scan_digit_cell(v: &str, hint: &str, today: Today) -> Result<Option<String>, ()> {
    let b = v.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return Err(());
    }
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 32 {
                return Err(());
            }
        } else if matches!(c, b' ' | b'.' | b'-') && b[i - 1].is_ascii_digit() {
            run = 0;
        } else {
            return Err(());
        }
    }
    let d: String = v.chars().filter(char::is_ascii_digit).collect();
    let n = d.len();
    let phone = |raw: &str| -> Canon {
        match phone::canon_phone(raw, "FR") {
            PhoneResult::Valid(c) => Canon::Valid(c),
            PhoneResult::Invalid => Canon::Invalid,
            PhoneResult::Defer => Canon::Defer,
        }
    };
    let found: Option<(&'static str, String)> = 'classify: {
        if !(9..=24).contains(&n) {
            break 'classify None;
        }
        if d.starts_with("00") {
            break 'classify settled("phone", phone(v))?;
        }
        let dots = v.matches('.').count();
        if dots > 0 && (n == 11 || n == 13) {
            if n == 11 && dots == 3 && v.matches('-').count() == 1 {
                break 'classify settled("national_id", cn::canon_national_id(v, "BE", today))?;
            }
            if n == 13 && d.starts_with("756") && dots == 3 {
                break 'classify settled("national_id", cn::canon_national_id(v, "CH", today))?;
            }
        }
        if n == 10 && d.starts_with('0') {
            break 'classify settled("phone", phone(v))?;
        }
        if n == 11 && d.starts_with("33") {
            match phone(v) {
                Canon::Valid(c) => break 'classify Some(("phone", c)),
                Canon::Defer => return Err(()),
                Canon::Invalid => {}
            }
        }
        if n == 15 {
            if (d.starts_with("34") || d.starts_with("37")) && hint != "nir" {
                match cn::canon_card(&d) {
                    Canon::Valid(c) => break 'classify Some(("card", c)),
                    Canon::Defer => return Err(()),
                    Canon::Invalid => {}
                }
            }
            match cn::canon_nir(&d) {
                Canon::Valid(c) => break 'classify Some(("nir", c)),
                Canon::Defer => return Err(()),
                Canon::Invalid => {}
            }
        }
        if hint == "nir" && n == 13 {
            break 'classify settled("nir", cn::canon_nir(&d))?;
        }
        if (12..=19).contains(&n) {
            match cn::canon_card(&d) {
                Canon::Valid(c) => break 'classify Some(("card", c)),
                Canon::Defer => return Err(()),
                Canon::Invalid => {}
            }
        }
        if matches!(hint, "siren" | "adeli" | "siret" | "rpps") {
            return Err(()); // the Luhn ids stay Python's
        }
        None
    };
    match found {
        Some((t, c)) => Ok(if t == hint { Some(c) } else { None }),
        // (a phone inside, `_PHONE_IN_RUN`, or a grouped card before more digits, `_CARD_AT_START`)
        None if b.len() > 14 && (v.contains(' ') || v.contains('.')) && matches!(hint, "phone" | "card") => Err(()),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::{find_first, split_plain};
    use crate::canon::clen;

    /// `split_plain` gives the cells of `str::split` and each one's offset in characters.
    #[test]
    fn split_plain_is_split_with_char_offsets() {
        let parts = ["a", ";", ",", "\t", "|", "é", "€", "😀", "", " ", "ab", "\u{a0}"];
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..50_000 {
            let s: String = (0..next(30)).map(|_| parts[next(parts.len() as u64) as usize]).collect();
            let sep = [b';', b',', b'\t', b'|'][next(4) as usize];
            let base = next(1000) as i64;
            let mut want = Vec::new();
            let mut o = base;
            for v in s.split(sep as char) {
                want.push((v, o));
                o += clen(v) as i64 + 1;
            }
            let mut got = Vec::new();
            split_plain(&s, sep, base, &mut got);
            assert_eq!(got, want, "{s:?} {sep}");
        }
    }

    /// `find_first` is `memmem::find`, past its eight first-byte candidates too.
    #[test]
    fn find_first_is_memmem() {
        let parts = ["a", "b", "ab", "aab", "\"", ":", "é", ",", "aaaaaaaaaa"];
        let mut seed = 1u64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let mut found = 0;
        for _ in 0..100_000 {
            let hay: String = (0..next(40)).map(|_| parts[next(parts.len() as u64) as usize]).collect();
            let needle: String = (0..next(4)).map(|_| parts[next(parts.len() as u64) as usize]).collect();
            let want = memchr::memmem::find(hay.as_bytes(), needle.as_bytes());
            found += want.is_some_and(|i| i > 0) as usize;
            assert_eq!(find_first(hay.as_bytes(), needle.as_bytes()), want, "{hay:?} {needle:?}");
        }
        assert!(found > 10_000, "{found}");
    }
}
