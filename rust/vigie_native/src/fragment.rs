//! `indexer.detect._build`'s loop over a sink's found list, in one call per fragment: the
//! keyed token, the card network, the national id's country, the `Identifier` object and the
//! excerpt mask of each identifier (issue 17).
//!
//! The `Identifier` objects are made the way `indexer.detect._identifier_factory` makes them,
//! without the frozen dataclass `__init__`: allocated by the type and their eight slots filled.
//! Where each slot lives in the object is not read from CPython's private structures (the
//! limited API hides them): `IdentMaker::calibrate` builds one `Identifier` through its
//! constructor with eight distinct sentinels and finds each sentinel in the object's memory.
//! Only if every field is found exactly once, with the field list and slots `_build` expects
//! and no `__post_init__`, are the slots written directly; otherwise every identifier goes
//! through the class's own constructor (correct, slower).

use crate::canon::card_network;
use crate::tokens::Tokenizer;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PySet, PyString, PyTuple, PyType};

const FIELDS: [&str; 8] = ["type", "value", "token", "key_version", "start", "end", "network", "country"];
const HEAD: usize = std::mem::size_of::<ffi::PyObject>();

/// How `Identifier` objects are made: the class, and the byte offset of each field's slot when
/// calibration found them.
pub struct IdentMaker {
    tp: Py<PyType>,
    offs: Option<[usize; 8]>,
    untrack: bool,
}

impl IdentMaker {
    pub fn calibrate(py: Python<'_>, tp: &Bound<'_, PyType>) -> PyResult<Self> {
        let offs = Self::find_offsets(py, tp).unwrap_or(None);
        // SAFETY: a live type object
        let flags = unsafe { ffi::PyType_GetFlags(tp.as_ptr() as *mut ffi::PyTypeObject) };
        let untrack = flags & ffi::Py_TPFLAGS_HAVE_GC != 0;
        Ok(IdentMaker { tp: tp.clone().unbind(), offs, untrack })
    }

    fn find_offsets(py: Python<'_>, tp: &Bound<'_, PyType>) -> PyResult<Option<[usize; 8]>> {
        let fields = py.import("dataclasses")?.getattr("fields")?.call1((tp,))?;
        let names: Vec<String> = fields.try_iter()?.map(|f| f?.getattr("name")?.extract()).collect::<PyResult<_>>()?;
        if names != FIELDS {
            return Ok(None);
        }
        let d = tp.getattr("__dict__")?;
        if !d.contains("__slots__")? || tp.hasattr("__post_init__")? {
            return Ok(None);
        }
        let basic: usize = tp.getattr("__basicsize__")?.extract()?;
        if basic < HEAD + 8 * std::mem::size_of::<*mut ffi::PyObject>() || basic > 4096 {
            return Ok(None);
        }
        // eight distinct objects (fresh strings, not interned), passed to the constructor
        let sentinels: Vec<Bound<'_, PyAny>> =
            (0..8).map(|k| PyString::new(py, &format!("\u{1}vigie-slot-{k}-{}", basic)).into_any()).collect();
        let obj = tp.call1(PyTuple::new(py, &sentinels)?)?;
        let base = obj.as_ptr() as *const u8;
        let word = std::mem::size_of::<*mut ffi::PyObject>();
        let mut offs = [0usize; 8];
        for (k, s) in sentinels.iter().enumerate() {
            let want = s.as_ptr();
            let mut hits = 0;
            let mut o = HEAD;
            while o + word <= basic {
                // SAFETY: `o + word <= basicsize`: inside the object's fixed-size part
                let p = unsafe { std::ptr::read_unaligned(base.add(o) as *const *mut ffi::PyObject) };
                if p == want {
                    hits += 1;
                    offs[k] = o;
                }
                o += word;
            }
            if hits != 1 {
                return Ok(None);
            }
        }
        let mut sorted = offs;
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Ok(None);
        }
        // and the slots read back as what was written, through Python's own attribute access
        for (k, name) in FIELDS.iter().enumerate() {
            if !obj.getattr(*name)?.is(&sentinels[k]) {
                return Ok(None);
            }
        }
        Ok(Some(offs))
    }

    pub fn direct(&self) -> bool {
        self.offs.is_some()
    }

    /// Identifier(type, value, token, key_version, start, end, network, country)
    pub fn make<'py>(&self, py: Python<'py>, vals: [&Bound<'py, PyAny>; 8]) -> PyResult<Bound<'py, PyAny>> {
        let Some(offs) = self.offs else {
            return self.tp.bind(py).call1(PyTuple::new(py, vals)?);
        };
        // SAFETY: PyType_GenericAlloc returns a zeroed object of the type's basicsize (GC-tracked
        // if the type is), and `offs` are slot offsets inside it found by `calibrate` on an
        // object of this very type; each slot gets a new reference, as the slot setter gives it.
        unsafe {
            let o = ffi::PyType_GenericAlloc(self.tp.as_ptr() as *mut ffi::PyTypeObject, 0);
            if o.is_null() {
                return Err(PyErr::fetch(py));
            }
            for k in 0..8 {
                let v = vals[k].as_ptr();
                ffi::Py_INCREF(v);
                *((o as *mut u8).add(offs[k]) as *mut *mut ffi::PyObject) = v;
            }
            if self.untrack {
                // its slots hold only str, bytes, int and None: no reference cycle can pass
                // through it, so the cyclic collector need not walk it (CPython untracks tuples
                // of such atoms the same way); a dense dump's output is mostly these objects
                ffi::PyObject_GC_UnTrack(o as *mut std::ffi::c_void);
            }
            Ok(Bound::from_owned_ptr(py, o))
        }
    }
}

fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn tail(s: &str, n: usize) -> &str {
    let len = s.chars().count();
    if len <= n {
        return s;
    }
    let (i, _) = s.char_indices().nth(len - n).expect("within the string");
    &s[i..]
}

/// `redact._mask_email`
fn mask_email(v: &str) -> String {
    let (local, domain) = match v.rfind('@') {
        Some(i) => (&v[..i], &v[i + 1..]),
        None => ("", v),
    };
    let tld = match domain.rfind('.') {
        Some(i) => &domain[i + 1..],
        None => "",
    };
    if tld.is_empty() {
        format!("{}***@***", head(local, 1))
    } else {
        format!("{}***@{}***.{}", head(local, 1), head(domain, 1), tld)
    }
}

/// `redact.mask_value(id_type, canonical)`; None where Python would raise (an empty NIR).
fn mask_value(t: &str, c: &str) -> Option<String> {
    Some(match t {
        "email" => mask_email(c),
        "phone" => {
            let n = c.chars().count();
            if c.starts_with("+33") && n == 12 {
                let d3 = c.chars().nth(3)?;
                format!("+33 {d3}** ** ** {}", tail(c, 2))
            } else {
                format!("{}{}{}", head(c, 3), "*".repeat(n.saturating_sub(5)), tail(c, 2))
            }
        }
        "nir" => {
            let ch: Vec<char> = c.chars().collect();
            let first = *ch.first()?;
            let part = |a: usize, b: usize| -> String { ch[a.min(ch.len())..b.min(ch.len())].iter().collect() };
            format!("{first} {} ** ** *** *** {}", part(1, 3), part(13, 15))
        }
        "iban" => format!("{}** **** **** **** {}", head(c, 2), tail(c, 3)),
        "card" => format!("**** **** **** {}", tail(c, 4)),
        "credential" => {
            let login = c.split(':').next().unwrap_or("");
            let m = if login.contains('@') { mask_email(login) } else { format!("{}***", head(login, 1)) };
            m + ":********"
        }
        _ => format!("[{t}]"),
    })
}

/// The identifiers of one fragment: `_build`'s loop. `found` is the sink's list of
/// (type, canonical, start, end); masks of spans before `cut` are appended to `masks`, and the
/// found types to `types` (what `set(map(itemgetter(0), found))` gives, for the severity: a
/// second walk over the found tuples in Python, cold in the cache by then, cost ~2% of the
/// dense time).
#[allow(clippy::too_many_arguments)]
pub fn build<'py>(py: Python<'py>, maker: &IdentMaker, found: &Bound<'py, PyList>, tok: &Tokenizer,
                  version: &Bound<'py, PyAny>, cut: i64, masks: &Bound<'py, PyList>,
                  mask_hook: &Bound<'py, PyAny>, types: &Bound<'py, PySet>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let none = py.None().into_bound(py);
    let mut last_cc: Option<(String, Bound<'py, PyString>)> = None;
    // the distinct type objects met (a dump has a handful; the set dedups equal strings anyway)
    let mut kinds: Vec<Bound<'py, PyAny>> = Vec::new();
    for item in found.iter() {
        let tup = item.cast::<PyTuple>()?;
        let t_obj = tup.get_item(0)?;
        if !kinds.iter().any(|k| k.is(&t_obj)) {
            kinds.push(t_obj.clone());
        }
        let c_obj = tup.get_item(1)?;
        let st_obj = tup.get_item(2)?;
        let en_obj = tup.get_item(3)?;
        let t_s = t_obj.cast::<PyString>()?;
        let c_s = c_obj.cast::<PyString>()?;
        let t = t_s.to_str()?;
        let c = c_s.to_str()?;
        let st: i64 = st_obj.extract()?;
        let en: i64 = en_obj.extract()?;
        let tk = PyBytes::new(py, &tok.token(t, c)).into_any();
        let net = if t == "card" {
            match card_network(c) {
                Some(n) => PyString::intern(py, n).into_any(),
                None => none.clone(),
            }
        } else {
            none.clone()
        };
        let cc = if t == "national_id" {
            let h = head(c, 2);
            match &last_cc {
                Some((s, o)) if s == h => o.clone().into_any(),
                _ => {
                    let o = PyString::new(py, h);
                    last_cc = Some((h.to_string(), o.clone()));
                    o.into_any()
                }
            }
        } else {
            none.clone()
        };
        if st >= 0 && en > st {
            out.append(maker.make(py, [&t_obj, &c_obj, &tk, version, &st_obj, &en_obj, &net, &cc])?)?;
            if st < cut {
                let m = match mask_value(t, c) {
                    Some(m) => PyString::new(py, &m).into_any(),
                    None => mask_hook.call1((t_s, c_s))?,
                };
                masks.append(PyTuple::new(py, [st_obj, en_obj, m])?)?;
            }
        } else {
            out.append(maker.make(py, [&t_obj, &c_obj, &tk, version, &none, &none, &net, &cc])?)?;
        }
    }
    for k in kinds {
        types.add(k)?;
    }
    Ok(out)
}
