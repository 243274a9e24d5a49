//! A sink's found list as columns (issue 17, wave 21): `Sink.found` when the compiled core is
//! the engine.
//!
//! The core finds most of a dense dump's identifiers, and each was a Python tuple (type,
//! canonical `str`, two `int`s) appended to a list, read back by `Core.build` and freed: ~4
//! objects an identifier made, walked cold and freed for nothing, since `build` turns them into
//! columns anyway (`fragment::Identifiers`). Here the core appends to the columns directly,
//! and `build` takes them over without a copy.
//!
//! The Python readers and writers (the reference functions the core hands cases to, the
//! recognisers' `len(found) > before` counts, `remap_found`, `del found[before:]`) see the list
//! they saw: `len`, truth, `append`, `extend`, indexing and slicing (a slice is a list of
//! tuples), assignment to an index, deletion, iteration, equality with a list, `repr`,
//! pickling and copying (as the list). An item the columns cannot hold as it is (not a tuple
//! of two `str` and two `int`, a `str` with a lone surrogate, too many types) turns the whole
//! list into plain tuples ("spilled"), read back exactly as a list would give them.

use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyIterator, PyList, PySlice, PyString, PyTuple, PyType};

/// A type name of the list, and whether it is one `extract_record` counts as strong.
pub struct KindName {
    pub obj: Py<PyString>,
    pub name: String,
    pub strong: bool,
}

const STRONG: &[&str] = &["email", "phone", "nir", "iban", "card", "credential", "password_hash", "national_id"];
/// how many type objects are remembered by identity (a dump has a handful, interned)
const IDENTITY_CACHE: usize = 64;

/// The columns: identifier k has type `kinds[kind[k]]`, canonical value
/// `values[ends[k-1]..ends[k]]` and (start, end) `spans[k]`, as appended.
#[derive(Default)]
pub struct Columns {
    pub kinds: Vec<KindName>,
    pub kind: Vec<u16>,
    pub values: String,
    pub ends: Vec<usize>,
    pub spans: Vec<(i64, i64)>,
    /// type objects met and their kind, for an identity test before the name's
    by_obj: Vec<(Py<PyAny>, u16)>,
    last: usize,
}

impl Columns {
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn value(&self, k: usize) -> &str {
        let a = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.values[a..self.ends[k]]
    }

    pub fn kind_name(&self, k: usize) -> &KindName {
        &self.kinds[self.kind[k] as usize]
    }

    /// The kind of type object `t` (a `str`, maybe a `Role`): by identity first, then by name
    /// (an equal name in another object is the same type, as a dict key would be; the first
    /// object met names it). None: not a str, a lone surrogate, or too many types.
    fn kind_of(&mut self, t: &Bound<'_, PyAny>) -> Option<u16> {
        if let Some((o, k)) = self.by_obj.get(self.last) {
            if o.is(t) {
                return Some(*k);
            }
        }
        if let Some(p) = self.by_obj.iter().position(|(o, _)| o.is(t)) {
            self.last = p;
            return Some(self.by_obj[p].1);
        }
        let s = t.cast::<PyString>().ok()?;
        let name = s.to_str().ok()?;
        let k = match self.kinds.iter().position(|k| k.name == name) {
            Some(k) => k,
            None => {
                if self.kinds.len() >= u16::MAX as usize {
                    return None;
                }
                self.kinds.push(KindName { obj: s.clone().unbind(), name: name.to_string(), strong: STRONG.contains(&name) });
                self.kinds.len() - 1
            }
        } as u16;
        if self.by_obj.len() < IDENTITY_CACHE {
            self.by_obj.push((t.clone().unbind(), k));
            self.last = self.by_obj.len() - 1;
        }
        Some(k)
    }

    /// A copy of the columns (the identity cache left out).
    pub fn copy(&self, py: Python<'_>) -> Columns {
        Columns {
            kinds: self.kinds.iter().map(|k| KindName { obj: k.obj.clone_ref(py), name: k.name.clone(), strong: k.strong })
                .collect(),
            kind: self.kind.clone(), values: self.values.clone(), ends: self.ends.clone(), spans: self.spans.clone(),
            by_obj: Vec::new(), last: 0,
        }
    }

    fn push_kind(&mut self, k: u16, c: &str, st: i64, en: i64) {
        self.kind.push(k);
        self.values.push_str(c);
        self.ends.push(self.values.len());
        self.spans.push((st, en));
    }

    fn truncate(&mut self, n: usize) {
        if n < self.len() {
            self.kind.truncate(n);
            self.ends.truncate(n);
            self.spans.truncate(n);
            let e = if n == 0 { 0 } else { self.ends[n - 1] };
            self.values.truncate(e);
        }
    }

    fn tuple<'py>(&self, py: Python<'py>, k: usize) -> PyResult<Bound<'py, PyTuple>> {
        let (st, en) = self.spans[k];
        PyTuple::new(py, [self.kind_name(k).obj.bind(py).clone().into_any(), PyString::new(py, self.value(k)).into_any(),
                          st.into_pyobject(py)?.into_any(), en.into_pyobject(py)?.into_any()])
    }
}

#[pyclass(module = "vigie_native", name = "Found", sequence)]
pub struct Found {
    cols: Columns,
    /// the items as tuples, once one could not be held as columns (then `cols` is empty)
    spill: Option<Vec<Py<PyAny>>>,
}

/// (type, canonical, start, end) as the columns hold it, or None.
fn parts<'a, 'py>(item: &'a Bound<'py, PyAny>) -> Option<(Bound<'py, PyAny>, Bound<'py, PyString>, i64, i64)> {
    let tup = item.cast::<PyTuple>().ok()?;
    if tup.len() != 4 {
        return None;
    }
    let int = |o: Bound<'py, PyAny>| -> Option<i64> {
        // exactly int: a bool (an int subclass) would come back as an int
        if !o.is_exact_instance_of::<PyInt>() {
            return None;
        }
        o.extract::<i64>().ok()
    };
    let t = tup.get_item(0).ok()?;
    let c = tup.get_item(1).ok()?.cast_into::<PyString>().ok()?;
    let st = int(tup.get_item(2).ok()?)?;
    let en = int(tup.get_item(3).ok()?)?;
    Some((t, c, st, en))
}

impl Found {
    pub fn new_empty() -> Self {
        Found { cols: Columns::default(), spill: None }
    }

    pub fn len(&self) -> usize {
        match &self.spill {
            Some(v) => v.len(),
            None => self.cols.len(),
        }
    }

    /// The columns, unless the list spilled.
    pub fn columns(&self) -> Option<&Columns> {
        if self.spill.is_some() { None } else { Some(&self.cols) }
    }

    /// The columns, taken (the list is left empty, its types kept), unless the list spilled.
    pub fn take_columns(&mut self, py: Python<'_>) -> Option<Columns> {
        if self.spill.is_some() {
            return None;
        }
        let kinds = self.cols.kinds.iter()
            .map(|k| KindName { obj: k.obj.clone_ref(py), name: k.name.clone(), strong: k.strong }).collect();
        let by_obj = std::mem::take(&mut self.cols.by_obj);
        Some(std::mem::replace(&mut self.cols, Columns { kinds, by_obj, ..Columns::default() }))
    }

    /// Empty the list (`build(consume=True)` on a spilled list).
    pub fn clear(&mut self) {
        if let Some(v) = self.spill.as_mut() {
            v.clear();
        } else {
            self.cols.truncate(0);
        }
    }

    /// Whether identifier k is of a strong type (`extract_record`'s count).
    pub fn strong(&self, py: Python<'_>, k: usize) -> PyResult<bool> {
        match &self.spill {
            None => Ok(self.cols.kind_name(k).strong),
            Some(v) => {
                let t = v[k].bind(py).get_item(0)?;
                Ok(STRONG.contains(&t.cast::<PyString>()?.to_str()?))
            }
        }
    }

    /// Append (t, c, st, en): the core's own finds (`t` a `str`, `c` valid UTF-8).
    pub fn push(&mut self, py: Python<'_>, t: &Bound<'_, PyAny>, c: &str, st: i64, en: i64) -> PyResult<()> {
        if self.spill.is_none() {
            if let Some(k) = self.cols.kind_of(t) {
                self.cols.push_kind(k, c, st, en);
                return Ok(());
            }
            self.spill_all(py)?;
        }
        let tup = PyTuple::new(py, [t.clone(), PyString::new(py, c).into_any(), st.into_pyobject(py)?.into_any(),
                                    en.into_pyobject(py)?.into_any()])?;
        self.spill.as_mut().expect("spilled").push(tup.into_any().unbind());
        Ok(())
    }

    /// Turn the columns into tuples: from now on, a plain list.
    fn spill_all(&mut self, py: Python<'_>) -> PyResult<()> {
        if self.spill.is_some() {
            return Ok(());
        }
        let mut v = Vec::with_capacity(self.cols.len() + 1);
        for k in 0..self.cols.len() {
            v.push(self.cols.tuple(py, k)?.into_any().unbind());
        }
        self.cols = Columns::default();
        self.spill = Some(v);
        Ok(())
    }

    fn append_obj(&mut self, py: Python<'_>, item: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.spill.is_none() {
            if let Some((t, c, st, en)) = parts(item) {
                if let Ok(cs) = c.to_str() {
                    if let Some(k) = self.cols.kind_of(&t) {
                        self.cols.push_kind(k, cs, st, en);
                        return Ok(());
                    }
                }
            }
            self.spill_all(py)?;
        }
        self.spill.as_mut().expect("spilled").push(item.clone().unbind());
        Ok(())
    }

    fn item<'py>(&self, py: Python<'py>, k: usize) -> PyResult<Bound<'py, PyAny>> {
        match &self.spill {
            Some(v) => Ok(v[k].bind(py).clone()),
            None => Ok(self.cols.tuple(py, k)?.into_any()),
        }
    }

    /// The items as a new list of tuples.
    pub fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for k in 0..self.len() {
            out.append(self.item(py, k)?)?;
        }
        Ok(out)
    }

    fn index(&self, i: isize) -> PyResult<usize> {
        let n = self.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return Err(PyIndexError::new_err("list index out of range"));
        }
        Ok(j as usize)
    }
}

#[pymethods]
impl Found {
    #[new]
    fn py_new() -> Self {
        Found::new_empty()
    }

    fn __len__(&self) -> usize {
        self.len()
    }

    fn append(&mut self, py: Python<'_>, item: &Bound<'_, PyAny>) -> PyResult<()> {
        self.append_obj(py, item)
    }

    fn extend(&mut self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<()> {
        // (the items are read first: `found.extend(found)` reads what was there, as a list's)
        let all: Vec<Bound<'_, PyAny>> = items.try_iter()?.collect::<PyResult<_>>()?;
        for item in &all {
            self.append_obj(py, item)?;
        }
        Ok(())
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(s) = index.cast::<PySlice>() {
            let ix = s.indices(self.len() as isize)?;
            let out = PyList::empty(py);
            let mut k = ix.start;
            for _ in 0..ix.slicelength {
                out.append(self.item(py, k as usize)?)?;
                k += ix.step;
            }
            return Ok(out.into_any());
        }
        let i: isize = index.extract().map_err(|_| PyTypeError::new_err("list indices must be integers or slices"))?;
        self.item(py, self.index(i)?)
    }

    fn __setitem__(&mut self, py: Python<'_>, index: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if index.cast::<PySlice>().is_err() {
            let i: isize = index.extract().map_err(|_| PyTypeError::new_err("list indices must be integers or slices"))?;
            let k = self.index(i)?;
            if self.spill.is_none() {
                // `remap_found`: the same identifier at another span
                if let Some((t, c, st, en)) = parts(value) {
                    let same = c.to_str().is_ok_and(|c| c == self.cols.value(k));
                    if same && self.cols.kind_of(&t) == Some(self.cols.kind[k]) {
                        self.cols.spans[k] = (st, en);
                        return Ok(());
                    }
                }
                self.spill_all(py)?;
            }
            self.spill.as_mut().expect("spilled")[k] = value.clone().unbind();
            return Ok(());
        }
        self.spill_all(py)?;
        let l = self.to_list(py)?;
        l.as_any().set_item(index, value)?;
        self.spill = Some(l.iter().map(|o| o.unbind()).collect());
        Ok(())
    }

    fn __delitem__(&mut self, py: Python<'_>, index: &Bound<'_, PyAny>) -> PyResult<()> {
        let n = self.len();
        if let Ok(s) = index.cast::<PySlice>() {
            let ix = s.indices(n as isize)?;
            if ix.step == 1 && (ix.stop as usize >= n || ix.slicelength == 0) && self.spill.is_none() {
                // `del found[before:]`
                if ix.slicelength > 0 {
                    self.cols.truncate(ix.start as usize);
                }
                return Ok(());
            }
        } else {
            let i: isize = index.extract().map_err(|_| PyTypeError::new_err("list indices must be integers or slices"))?;
            let k = self.index(i)?;
            if k + 1 == n && self.spill.is_none() {
                self.cols.truncate(k);
                return Ok(());
            }
        }
        self.spill_all(py)?;
        let l = self.to_list(py)?;
        l.as_any().del_item(index)?;
        self.spill = Some(l.iter().map(|o| o.unbind()).collect());
        Ok(())
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        self.to_list(py)?.as_any().try_iter()
    }

    /// `[f[1] for f in found[:limit] if f[0] == kind]`, without the slice's tuples: a fragment's
    /// addresses for `Sink._hint_from_mail` (the slice of a dump post's ~30 identifiers made ~30
    /// tuples of four objects: ~55k instructions a call). `==` is Python's, asked once a type.
    fn values_of<'py>(&self, py: Python<'py>, kind: &Bound<'py, PyAny>, limit: usize) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let n = self.len().min(limit);
        match &self.spill {
            Some(v) => {
                for item in &v[..n] {
                    let it = item.bind(py);
                    if it.get_item(0)?.eq(kind)? {
                        out.append(it.get_item(1)?)?;
                    }
                }
            }
            None => {
                let same: Vec<bool> =
                    self.cols.kinds.iter().map(|k| k.obj.bind(py).as_any().eq(kind)).collect::<PyResult<_>>()?;
                for k in 0..n {
                    if same[self.cols.kind[k] as usize] {
                        out.append(PyString::new(py, self.cols.value(k)))?;
                    }
                }
            }
        }
        Ok(out)
    }

    fn __contains__(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.to_list(py)?.contains(x)
    }

    fn __richcmp__<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let eq = match op {
            CompareOp::Eq => true,
            CompareOp::Ne => false,
            _ => return Ok(py.NotImplemented()),
        };
        let same = if let Ok(o) = other.cast::<Found>() {
            let o = o.try_borrow()?;
            self.to_list(py)?.as_any().eq(o.to_list(py)?)?
        } else if other.is_instance_of::<PyList>() {
            self.to_list(py)?.as_any().eq(other)?
        } else {
            return Ok(py.NotImplemented());
        };
        Ok(PyBool::new(py, same == eq).to_owned().into_any().unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.to_list(py)?.repr()?.to_str()?.to_string())
    }

    /// Pickled and copied as the list of tuples it stands for.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyType>, (Bound<'py, PyList>,))> {
        Ok((py.get_type::<PyList>(), (self.to_list(py)?,)))
    }

    /// Whether the list still holds its items as columns (False once one item could not be):
    /// for the tests.
    #[getter]
    fn columnar(&self) -> bool {
        self.spill.is_none()
    }
}

/// A sink's found list as the core writes it: the columns (`Found`), or a plain list (a sink
/// made while the engine was the Python one, or by a test).
pub enum FoundRef<'py> {
    Cols(Bound<'py, Found>),
    List(Bound<'py, PyList>),
}

impl<'py> FoundRef<'py> {
    pub fn of(o: Bound<'py, PyAny>) -> PyResult<Self> {
        match o.cast_into::<Found>() {
            Ok(f) => Ok(FoundRef::Cols(f)),
            Err(e) => Ok(FoundRef::List(e.into_inner().cast_into::<PyList>()?)),
        }
    }

    /// What the reference functions are handed (they append to it).
    pub fn obj(&self) -> &Bound<'py, PyAny> {
        match self {
            FoundRef::Cols(f) => f.as_any(),
            FoundRef::List(l) => l.as_any(),
        }
    }

    pub fn len(&self) -> PyResult<usize> {
        Ok(match self {
            FoundRef::Cols(f) => f.try_borrow()?.len(),
            FoundRef::List(l) => l.len(),
        })
    }

    pub fn push(&self, t: &Bound<'py, PyAny>, c: &str, st: i64, en: i64) -> PyResult<()> {
        match self {
            FoundRef::Cols(f) => f.try_borrow_mut()?.push(f.py(), t, c, st, en),
            FoundRef::List(l) => {
                let py = l.py();
                l.append(PyTuple::new(py, [t.clone(), PyString::new(py, c).into_any(), st.into_pyobject(py)?.into_any(),
                                           en.into_pyobject(py)?.into_any()])?)
            }
        }
    }

    /// How many of the items from `before` on are of a strong type (`extract_record`'s count).
    pub fn strong_from(&self, before: usize) -> PyResult<i64> {
        let mut n = 0;
        match self {
            FoundRef::Cols(f) => {
                let f = f.try_borrow()?;
                for k in before..f.len() {
                    n += f.strong(self.obj().py(), k)? as i64;
                }
            }
            FoundRef::List(l) => {
                for k in before..l.len() {
                    let t = l.get_item(k)?.get_item(0)?;
                    n += STRONG.contains(&t.cast::<PyString>()?.to_str()?) as i64;
                }
            }
        }
        Ok(n)
    }

    /// `f(type, canonical)` for each item of one of the types `which`, in order (only those
    /// items' values are read, as the reference reads them).
    pub fn each_of(&self, which: &[&str], mut f: impl FnMut(&str, &str)) -> PyResult<()> {
        match self {
            FoundRef::Cols(fo) => {
                let fo = fo.try_borrow()?;
                match fo.columns() {
                    Some(c) => {
                        for k in 0..c.len() {
                            let t = c.kind_name(k).name.as_str();
                            if which.contains(&t) {
                                f(t, c.value(k));
                            }
                        }
                    }
                    None => {
                        for item in fo.to_list(self.obj().py())?.iter() {
                            tuple_item(item, which, &mut f)?;
                        }
                    }
                }
            }
            FoundRef::List(l) => {
                for item in l.iter() {
                    tuple_item(item, which, &mut f)?;
                }
            }
        }
        Ok(())
    }
}

fn tuple_item(item: Bound<'_, PyAny>, which: &[&str], f: &mut impl FnMut(&str, &str)) -> PyResult<()> {
    let item = item.cast_into::<PyTuple>()?;
    let t = item.get_item(0)?;
    let t = t.cast::<PyString>()?.to_str()?;
    if which.contains(&t) {
        let c = item.get_item(1)?;
        f(t, c.cast::<PyString>()?.to_str()?);
    }
    Ok(())
}
