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
use pyo3::basic::CompareOp;
use pyo3::intern;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyIterator, PyList, PySet, PyString, PyTuple, PyType};

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

/// `redact._mask_email`, appended to `out`
fn push_mask_email(v: &str, out: &mut String) {
    let (local, domain) = match v.rfind('@') {
        Some(i) => (&v[..i], &v[i + 1..]),
        None => ("", v),
    };
    let tld = match domain.rfind('.') {
        Some(i) => &domain[i + 1..],
        None => "",
    };
    out.push_str(head(local, 1));
    if tld.is_empty() {
        out.push_str("***@***");
    } else {
        out.push_str("***@");
        out.push_str(head(domain, 1));
        out.push_str("***.");
        out.push_str(tld);
    }
}

/// `redact.mask_value(id_type, canonical)`; None where Python would raise (an empty NIR).
/// (Built by pushes, not `format!`: a dump post's excerpt masks ~20 values, and the formatting
/// machinery was ~40% of this function's instructions.)
fn mask_value(t: &str, c: &str) -> Option<String> {
    let mut out = String::with_capacity(c.len() + 16);
    match t {
        "email" => push_mask_email(c, &mut out),
        "phone" => {
            let n = if c.is_ascii() { c.len() } else { c.chars().count() };
            if c.starts_with("+33") && n == 12 {
                let d3 = c.chars().nth(3)?;
                out.push_str("+33 ");
                out.push(d3);
                out.push_str("** ** ** ");
                out.push_str(tail(c, 2));
            } else {
                out.push_str(head(c, 3));
                out.extend(std::iter::repeat_n('*', n.saturating_sub(5)));
                out.push_str(tail(c, 2));
            }
        }
        "nir" => {
            let ch: Vec<char> = c.chars().collect();
            let first = *ch.first()?;
            out.push(first);
            out.push(' ');
            out.extend(&ch[1.min(ch.len())..3.min(ch.len())]);
            out.push_str(" ** ** *** *** ");
            out.extend(&ch[13.min(ch.len())..15.min(ch.len())]);
        }
        "iban" => {
            out.push_str(head(c, 2));
            out.push_str("** **** **** **** ");
            out.push_str(tail(c, 3));
        }
        "card" => {
            out.push_str("**** **** **** ");
            out.push_str(tail(c, 4));
        }
        "credential" => {
            let login = c.split(':').next().unwrap_or("");
            if login.contains('@') {
                push_mask_email(login, &mut out);
            } else {
                out.push_str(head(login, 1));
                out.push_str("***");
            }
            out.push_str(":********");
        }
        _ => {
            out.push('[');
            out.push_str(t);
            out.push(']');
        }
    }
    Some(out)
}


/// Hex of a token, lowercase (`bytes.hex()`).
fn hex16(t: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (k, b) in t.iter().enumerate() {
        out[2 * k..2 * k + 2].copy_from_slice(&HEX_PAIRS[*b as usize]);
    }
    out
}

/// Each byte's two hex digits (lowercase): `hex16` a lookup a byte (it was two shifts, two
/// masks and two lookups).
static HEX_PAIRS: [[u8; 2]; 256] = {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut out = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        out[b] = [D[b >> 4], D[b & 15]];
        b += 1;
    }
    out
};

/// A fragment's identifiers as columns (issue 17, wave 20): what `_build` gave as a list of
/// `Identifier`, without a Python object per identifier. A dense dump's fragment holds tens of
/// thousands of them, and the write path needs only each type's distinct tokens and values
/// (`token_map`, `counts`: `build_documents` and `Fragment.counts`), so the objects were ~1 us
/// an identifier made, walked and freed for nothing.
///
/// It behaves as the list did for every other reader (`Fragment.identifiers` is a
/// `Sequence[Identifier]`): `len`, truth, indexing and slicing (a slice is a list), iteration,
/// `in`, `index`, `count`, `reversed`, equality with a list of `Identifier`s or another
/// `Identifiers`, `repr`, pickling and copying (as the list). The first access to an element
/// builds every `Identifier` once, as `_build` did, and keeps them: the same objects are
/// returned from then on.
#[pyclass(module = "vigie_native", name = "Identifiers", frozen, sequence)]
pub struct Identifiers {
    maker: std::sync::Arc<IdentMaker>,
    /// the distinct type names, in the order met, and what `_build` derives from each
    kinds: Vec<(Py<PyString>, Kind)>,
    kind: Vec<u16>,
    /// the canonical values, end to end; value k ends at `ends[k]` (bytes)
    values: String,
    ends: Vec<usize>,
    tokens: Vec<[u8; 16]>,
    /// (start, end) in characters; start < 0: no span (None, None)
    spans: Vec<(i64, i64)>,
    version: Py<PyAny>,
    objects: PyOnceLock<Py<PyList>>,
    /// `counts()`' answer, found by `token_map` from its sorted tokens (`build_documents` asks
    /// both: the distinct values' own hash set was a second walk over every value)
    counts_of: std::sync::OnceLock<Vec<(String, usize)>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Card,
    NationalId,
    Other,
}

impl Identifiers {
    fn value(&self, k: usize) -> &str {
        let a = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.values[a..self.ends[k]]
    }

    /// The `Identifier` objects, built on first use (`_build`'s objects, slot for slot).
    fn objects<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyList>> {
        let l = self.objects.get_or_try_init(py, || -> PyResult<Py<PyList>> {
            let none = py.None().into_bound(py);
            let version = self.version.bind(py);
            let out = PyList::empty(py);
            let mut last_cc: Option<(String, Bound<'py, PyAny>)> = None;
            for k in 0..self.kind.len() {
                let (t, kind) = &self.kinds[self.kind[k] as usize];
                let t = t.bind(py).clone().into_any();
                let c = self.value(k);
                let c_obj = PyString::new(py, c).into_any();
                let tk = PyBytes::new(py, &self.tokens[k]).into_any();
                let net = match kind {
                    Kind::Card => match card_network(c) {
                        Some(n) => PyString::intern(py, n).into_any(),
                        None => none.clone(),
                    },
                    _ => none.clone(),
                };
                let cc = match kind {
                    Kind::NationalId => {
                        let h = head(c, 2);
                        match &last_cc {
                            Some((s, o)) if s == h => o.clone(),
                            _ => {
                                let o = PyString::new(py, h).into_any();
                                last_cc = Some((h.to_string(), o.clone()));
                                o
                            }
                        }
                    }
                    _ => none.clone(),
                };
                let (st, en) = self.spans[k];
                let (st, en) = if st >= 0 {
                    (st.into_pyobject(py)?.into_any(), en.into_pyobject(py)?.into_any())
                } else {
                    (none.clone(), none.clone())
                };
                out.append(self.maker.make(py, [&t, &c_obj, &tk, version, &st, &en, &net, &cc])?)?;
            }
            Ok(out.unbind())
        })?;
        Ok(l.bind(py))
    }

    /// Per type (sorted by name): the identifiers' indexes.
    fn by_kind(&self, py: Python<'_>) -> PyResult<Vec<(String, Vec<usize>)>> {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::with_capacity(self.kinds.len());
        for (t, _) in &self.kinds {
            groups.push((t.bind(py).to_str()?.to_string(), Vec::new()));
        }
        for (k, &i) in self.kind.iter().enumerate() {
            groups[i as usize].1.push(k);
        }
        groups.retain(|g| !g.1.is_empty());
        groups.sort_by(|a, b| a.0.cmp(&b.0)); // (UTF-8 byte order is code point order, as Python's)
        Ok(groups)
    }
}

#[pymethods]
impl Identifiers {
    fn __len__(&self) -> usize {
        self.kind.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.objects(py)?.as_any().get_item(index)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        self.objects(py)?.as_any().try_iter()
    }

    fn __reversed__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.objects(py)?.call_method0(intern!(py, "__reversed__"))
    }

    fn __contains__(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.objects(py)?.contains(x)
    }

    #[pyo3(signature = (x, *args))]
    fn index<'py>(&self, py: Python<'py>, x: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        let mut a = vec![x.clone()];
        a.extend(args.iter());
        self.objects(py)?.call_method1(intern!(py, "index"), PyTuple::new(py, a)?)
    }

    fn count<'py>(&self, py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.objects(py)?.call_method1(intern!(py, "count"), (x,))
    }

    fn __richcmp__<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let eq = match op {
            CompareOp::Eq => true,
            CompareOp::Ne => false,
            _ => return Ok(py.NotImplemented()),
        };
        let same = if let Ok(o) = other.cast::<Identifiers>() {
            self.objects(py)?.as_any().eq(o.get().objects(py)?)?
        } else if other.is_instance_of::<PyList>() {
            self.objects(py)?.as_any().eq(other)?
        } else {
            return Ok(py.NotImplemented());
        };
        Ok(PyBool::new(py, same == eq).to_owned().into_any().unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.objects(py)?.repr()?.to_str()?.to_string())
    }

    /// Pickled and copied as the list of `Identifier`s (what `_build` gave before): a process
    /// without the core reads it.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyType>, (Bound<'py, PyList>,))> {
        Ok((py.get_type::<PyList>(), (self.objects(py)?.clone(),)))
    }

    /// `{type: sorted distinct hex tokens}`, types sorted: `build_documents`' `tokens`. The
    /// distinct values per type (`counts()`) are read from the same sort and kept.
    fn token_map<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        let mut counts = Vec::new();
        for (t, ks) in self.by_kind(py)? {
            let (toks, distinct) = distinct_tokens(&self.tokens, &ks, |k| self.value(k));
            let l = PyList::new(py, toks.iter().map(|tk| {
                let h = hex16(tk);
                // SAFETY: hex digits are ASCII
                PyString::new(py, unsafe { std::str::from_utf8_unchecked(&h) })
            }))?;  // (presized: no appends)
            out.set_item(&t, l)?;
            counts.push((t, distinct));
        }
        let _ = self.counts_of.set(counts);
        Ok(out)
    }

    /// The start of each identifier that has a span (`start` and `end` not None), in the
    /// sequence's order: `leaks.records.fragment_records` reads only these, and made every
    /// `Identifier` to get them.
    fn starts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let starts: Vec<i64> = self.spans.iter().filter(|s| s.0 >= 0).map(|s| s.0).collect();
        PyList::new(py, starts)
    }

    /// `parallel.pack`'s columns without an `Identifier` object: (types, values, tokens as one
    /// bytes of 16 each, key version, starts, ends, networks, countries), the last two None
    /// when no identifier has one, as `pack` gives them.
    #[allow(clippy::type_complexity)]
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let n = self.kind.len();
        let none = py.None().into_bound(py);
        let types = PyList::new(py, self.kind.iter().map(|&k| self.kinds[k as usize].0.bind(py).clone()))?;
        let values = PyList::new(py, (0..n).map(|k| PyString::new(py, self.value(k))))?;
        let mut toks = Vec::with_capacity(16 * n);
        for t in &self.tokens {
            toks.extend_from_slice(t);
        }
        let span = |f: fn(&(i64, i64)) -> i64| -> PyResult<Bound<'py, PyList>> {
            let l = PyList::empty(py);
            for s in &self.spans {
                if s.0 >= 0 { l.append(f(s))?; } else { l.append(&none)?; }
            }
            Ok(l)
        };
        let starts = span(|s| s.0)?;
        let ends = span(|s| s.1)?;
        let mut nets: Option<Bound<'py, PyList>> = None;
        let mut ccs: Option<Bound<'py, PyList>> = None;
        for k in 0..n {
            let kind = self.kinds[self.kind[k] as usize].1;
            if kind == Kind::Card {
                if let Some(net) = card_network(self.value(k)) {
                    let l = nets.get_or_insert_with(|| PyList::new(py, (0..n).map(|_| none.clone())).expect("a list"));
                    l.set_item(k, PyString::intern(py, net))?;
                }
            } else if kind == Kind::NationalId {
                let l = ccs.get_or_insert_with(|| PyList::new(py, (0..n).map(|_| none.clone())).expect("a list"));
                l.set_item(k, PyString::new(py, head(self.value(k), 2)))?;
            }
        }
        let opt = |o: Option<Bound<'py, PyList>>| o.map_or(none.clone(), |l| l.into_any());
        PyTuple::new(py, [types.into_any(), values.into_any(), PyBytes::new(py, &toks).into_any(), self.version.bind(py).clone(),
                          starts.into_any(), ends.into_any(), opt(nets), opt(ccs)])
    }

    /// `{type: distinct values}`, types sorted: `Fragment.counts()`.
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        if let Some(counts) = self.counts_of.get() {
            for (t, n) in counts {
                out.set_item(t, *n)?;
            }
            return Ok(out);
        }
        for (t, ks) in self.by_kind(py)? {
            let distinct: std::collections::HashSet<&str> = ks.iter().map(|&k| self.value(k)).collect();
            out.set_item(t, distinct.len())?;
        }
        Ok(out)
    }
}

/// The sorted distinct tokens of the identifiers `ks` and how many distinct values they hold.
/// Equal values have equal tokens (the same keyed hash of the same type and value), so there are
/// at least as many values as tokens, and more only where two values share a token: the values
/// of each token met more than once are compared (a repeated value, most often; a shared token
/// of two values counts both, as a set of the values would).
pub(crate) fn distinct_tokens<'a>(tokens: &[[u8; 16]], ks: &[usize], value: impl Fn(usize) -> &'a str)
                                  -> (Vec<[u8; 16]>, usize) {
    let mut toks: Vec<[u8; 16]> = ks.iter().map(|&k| tokens[k]).collect();
    toks.sort_unstable();
    let mut repeated: Vec<[u8; 16]> = Vec::new();
    for w in toks.windows(2) {
        if w[0] == w[1] && repeated.last() != Some(&w[0]) {
            repeated.push(w[0]);
        }
    }
    toks.dedup();
    if repeated.is_empty() {
        let n = toks.len();
        return (toks, n);
    }
    let mut pairs: Vec<(&[u8; 16], &str)> = ks.iter()
        .filter(|&&k| repeated.binary_search(&tokens[k]).is_ok())
        .map(|&k| (&tokens[k], value(k)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    // (a value has one token: the distinct (token, value) pairs are the repeated tokens' distinct values)
    let n = toks.len() - repeated.len() + pairs.len();
    (toks, n)
}

/// The identifiers of one fragment: `_build`'s loop. `found` is the sink's list of
/// (type, canonical, start, end); masks of spans before `cut` are appended to `masks`, and the
/// found types to `types` (what `set(map(itemgetter(0), found))` gives, for the severity: a
/// second walk over the found tuples in Python, cold in the cache by then, cost ~2% of the
/// dense time). The tokens are made here; the `Identifier` objects only when asked for
/// (`Identifiers`).
#[allow(clippy::too_many_arguments)]
pub fn build<'py>(py: Python<'py>, maker: &std::sync::Arc<IdentMaker>, found: &Bound<'py, PyList>, tok: &Tokenizer,
                  version: &Bound<'py, PyAny>, cut: i64, masks: &Bound<'py, PyList>,
                  mask_hook: &Bound<'py, PyAny>, types: &Bound<'py, PySet>, consume: bool) -> PyResult<Identifiers> {
    let n = found.len();
    let mut out = Identifiers {
        maker: maker.clone(), kinds: Vec::new(), kind: Vec::with_capacity(n), values: String::new(),
        ends: Vec::with_capacity(n), tokens: Vec::with_capacity(n), spans: Vec::with_capacity(n),
        version: version.clone().unbind(), objects: PyOnceLock::new(), counts_of: std::sync::OnceLock::new(),
    };
    // the type objects met and their type, for an identity test first (a dump has a handful,
    // interned); `last`: the previous identifier's
    let mut kind_objs: Vec<(Bound<'py, PyAny>, usize)> = Vec::new();
    let mut last = usize::MAX;
    let none = py.None().into_bound(py);
    for (k, item) in found.iter().enumerate() {
        if consume {
            // the list's reference dropped now: the tuple (its value, its ints) is freed at the
            // end of this turn, while in the cache, not by a second cold walk when the list goes
            found.set_item(k, &none)?;
        }
        let tup = item.cast::<PyTuple>()?;
        let t_obj = tup.get_item(0)?;
        let c_obj = tup.get_item(1)?;
        let st_obj = tup.get_item(2)?;
        let en_obj = tup.get_item(3)?;
        let t_s = t_obj.cast::<PyString>()?;
        let c_s = c_obj.cast::<PyString>()?;
        let t = t_s.to_str()?;
        let c = c_s.to_str()?;
        let st: i64 = st_obj.extract()?;
        let en: i64 = en_obj.extract()?;
        let ki = match kind_objs.get(last) {
            Some((o, ki)) if o.is(&t_obj) => *ki,
            _ => match kind_objs.iter().position(|(o, _)| o.is(&t_obj)) {
                Some(p) => {
                    last = p;
                    kind_objs[p].1
                }
                None => {
                    // an equal name in another object is the same type (as a dict key would be)
                    let ki = match out.kinds.iter().position(|(k, _)| k.bind(py).to_str().is_ok_and(|s| s == t)) {
                        Some(ki) => ki,
                        None => {
                            let kind = match t {
                                "card" => Kind::Card,
                                "national_id" => Kind::NationalId,
                                _ => Kind::Other,
                            };
                            if out.kinds.len() >= u16::MAX as usize {
                                return Err(pyo3::exceptions::PyValueError::new_err("too many identifier types"));
                            }
                            out.kinds.push((t_s.clone().unbind(), kind));
                            out.kinds.len() - 1
                        }
                    };
                    if kind_objs.len() < 64 {
                        kind_objs.push((t_obj.clone(), ki));
                        last = kind_objs.len() - 1;
                    }
                    ki
                }
            },
        };
        out.kind.push(ki as u16);
        out.values.push_str(c);
        out.ends.push(out.values.len());
        out.tokens.push(tok.token(t, c));
        if st >= 0 && en > st {
            out.spans.push((st, en));
            if st < cut {
                let m = match mask_value(t, c) {
                    Some(m) => PyString::new(py, &m).into_any(),
                    None => mask_hook.call1((t_s, c_s))?,
                };
                masks.append(PyTuple::new(py, [st_obj, en_obj, m])?)?;
            }
        } else {
            out.spans.push((-1, -1));
        }
    }
    for (k, _) in &out.kinds {
        types.add(k.bind(py))?;
    }
    if consume {
        found.del_slice(0, found.len())?;
    }
    Ok(out)
}

/// `build` over a sink's found columns (`found::Found`, the core's `Sink.found`): the columns
/// become the `Identifiers`' own (no copy of the values), with the tokens, the masks of spans
/// before `cut` and the types found, as `build` makes them from tuples.
#[allow(clippy::too_many_arguments)]
pub fn build_columns<'py>(py: Python<'py>, maker: &std::sync::Arc<IdentMaker>, cols: crate::found::Columns,
                          tok: &Tokenizer, version: &Bound<'py, PyAny>, cut: i64, masks: &Bound<'py, PyList>,
                          mask_hook: &Bound<'py, PyAny>, types: &Bound<'py, PySet>) -> PyResult<Identifiers> {
    let crate::found::Columns { kinds, kind, values, ends, spans, .. } = cols;
    let n = kind.len();
    let mut used = vec![false; kinds.len()];
    // the tokens first, two at a time (`Tokenizer::tokens_of`: paired compressions)
    let tokens = tok.tokens_of(n, |k| {
        let a = if k == 0 { 0 } else { ends[k - 1] };
        (kinds[kind[k] as usize].name.as_str(), &values[a..ends[k]])
    });
    let mut out_spans = Vec::with_capacity(n);
    let mut a = 0usize;
    for k in 0..n {
        let ki = kind[k] as usize;
        used[ki] = true;
        let t = kinds[ki].name.as_str();
        let c = &values[a..ends[k]];
        a = ends[k];
        let (st, en) = spans[k];
        if st >= 0 && en > st {
            out_spans.push((st, en));
            if st < cut {
                let m = match mask_value(t, c) {
                    Some(m) => PyString::new(py, &m).into_any(),
                    None => mask_hook.call1((kinds[ki].obj.bind(py), c))?,
                };
                masks.append(PyTuple::new(py, [st.into_pyobject(py)?.into_any(), en.into_pyobject(py)?.into_any(), m])?)?;
            }
        } else {
            out_spans.push((-1, -1));
        }
    }
    for (ki, k) in kinds.iter().enumerate() {
        if used[ki] {
            types.add(k.obj.bind(py))?;
        }
    }
    let kinds = kinds.into_iter().map(|k| {
        let kind = match k.name.as_str() {
            "card" => Kind::Card,
            "national_id" => Kind::NationalId,
            _ => Kind::Other,
        };
        (k.obj, kind)
    }).collect();
    Ok(Identifiers {
        maker: maker.clone(), kinds, kind, values, ends, tokens, spans: out_spans, version: version.clone().unbind(),
        objects: PyOnceLock::new(), counts_of: std::sync::OnceLock::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::{distinct_tokens, head, hex16, mask_value, tail};

    #[test]
    fn distinct_tokens_count_values() {
        let t = |b: u8| [b; 16];
        let values = ["a", "b", "a", "c", "d", "e", "e"];
        // a, b, a: tokens 1 2 1; c and d share token 3 (a collision); e twice: token 4
        let tokens = [t(1), t(2), t(1), t(3), t(3), t(4), t(4)];
        let all: Vec<usize> = (0..7).collect();
        let (toks, n) = distinct_tokens(&tokens, &all, |k| values[k]);
        assert_eq!(toks, vec![t(1), t(2), t(3), t(4)]);
        assert_eq!(n, 5); // a b c d e
        let (toks, n) = distinct_tokens(&tokens, &[1, 3, 5], |k| values[k]);
        assert_eq!((toks.len(), n), (3, 3));
        let (toks, n) = distinct_tokens(&tokens, &[], |k| values[k]);
        assert_eq!((toks.len(), n), (0, 0));
    }

    /// `mask_value` as it was written with `format!` (wave 25), the reference of the pushes.
    fn mask_value_fmt(t: &str, c: &str) -> Option<String> {
        let mask_email = |v: &str| -> String {
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
        };
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

    #[test]
    fn masks_are_the_formatted_ones() {
        let types = ["email", "phone", "nir", "iban", "card", "credential", "dob", "national_id", ""];
        let parts = ["a", "@", ".", ":", "+33", "6", "é", "😀", "0", "x", "fr", "+", ""];
        let mut seed = 3u64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..100_000 {
            let t = types[next(types.len() as u64) as usize];
            let c: String = (0..next(20)).map(|_| parts[next(parts.len() as u64) as usize]).collect();
            assert_eq!(mask_value(t, &c), mask_value_fmt(t, &c), "{t:?} {c:?}");
        }
        for (t, c) in [("phone", "+33612345678"), ("phone", "+4420794609"), ("email", "jean.dupont@gmail.com"),
                       ("nir", "185037512345678"), ("iban", "FR7630006000011234567890189"), ("card", "4111111111111111"),
                       ("credential", "jean@x.fr:secret"), ("credential", "jdupont:pw"), ("email", "a@b")] {
            assert_eq!(mask_value(t, c), mask_value_fmt(t, c), "{t:?} {c:?}");
        }
    }

    #[test]
    fn hex16_is_the_formatted_hex() {
        let mut seed = 28u64;
        for _ in 0..5_000 {
            let t: [u8; 16] = std::array::from_fn(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 24) as u8
            });
            let want: String = t.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(&hex16(&t)[..], want.as_bytes());
        }
        assert_eq!(&hex16(&[0xff; 16])[..], "ff".repeat(16).as_bytes());
    }
}
