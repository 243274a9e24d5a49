//! Article 9's lexicon search (issue 17): `iter_spans(lexicon().terms, folded)`'s matches, found
//! in one call per text. The lexicon is one RE2 pattern of ~3,000 alternatives compiled with
//! `longest_match`; through the wrapper each match cost ~1 us of pybind11 (6,442 matches on
//! the dense mix, ~17 ms a pass with RE2's own search).
//!
//! Rust's `regex` has no leftmost-longest mode, so a match is found in two steps: its start is
//! the start of the leftmost-first match (both semantics take the leftmost position at which any
//! match begins; they differ only in the end), and its end is the longest end of a search
//! anchored there by a lazy DFA built in `MatchKind::All` (every match, none dropped by
//! priority: the last one it meets before its dead state is the longest). Each next search
//! starts at the end of the last (one further after an empty match), as `iter_spans` does, and
//! looks behind its start for `\b` as RE2 does.
//!
//! The pattern text is the Python builder's (`lexicon().terms.pattern`), translated where RE2
//! and `regex-syntax` read the same text differently; anything else the translation does not
//! know is refused (`ValueError`), and Python keeps RE2. The text searched must be ASCII (the
//! folded text is): with Unicode off, `\b`, `\w`, `\d` and `(?i)` are ASCII in both engines.
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::Hir;
use std::sync::Mutex;

/// RE2's `\s`: no `\v` (regex-syntax's ASCII `\s` has it).
const RE2_SPACE: &str = r"\t\n\x0C\r ";
const LIMIT: usize = 512 << 20; // the NFA of ~3,000 alternatives (a budget, not an allocation)
const CACHE: usize = 64 << 20; // each lazy DFA's states: grown as used, cleared (never given up) when full

/// Rewrite an RE2 pattern so that `regex-syntax` (Unicode off) reads the same language on ASCII
/// text: RE2's `\s`/`\S` spelled out (no vertical tab), escaped punctuation as hex escapes (RE2
/// reads `\<` as `<`, regex-syntax as a word start), a `{` that starts no repetition as a
/// literal (RE2's reading; regex-syntax refuses it). Refused: what RE2 reads as literal and
/// regex-syntax as syntax inside a class (`[`, `&&`, `--`, `~~`), `{,n}`, Unicode classes,
/// `\Q`, `\C`, back-references: the lexicon uses none.
pub fn translate(p: &str) -> Result<String, String> {
    let b = p.as_bytes();
    let mut out = String::with_capacity(p.len() + p.len() / 8);
    let mut class: Option<usize> = None; // where the open class's items start
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            let Some(&n) = b.get(i + 1) else { return Err("a trailing backslash".into()) };
            i += 2;
            match n {
                b's' => {
                    if class.is_some() {
                        out.push_str(RE2_SPACE);
                    } else {
                        out.push('[');
                        out.push_str(RE2_SPACE);
                        out.push(']');
                    }
                }
                b'S' if class.is_none() => {
                    out.push_str("[^");
                    out.push_str(RE2_SPACE);
                    out.push(']');
                }
                b'b' | b'B' | b'A' | b'z' if class.is_none() => {
                    out.push('\\');
                    out.push(n as char);
                }
                b'd' | b'D' | b'w' | b'W' | b't' | b'n' | b'r' | b'f' | b'v' => {
                    out.push('\\');
                    out.push(n as char);
                }
                b'x' => {
                    // \xHH or \x{H...}: the same in both
                    let end = if b.get(i) == Some(&b'{') {
                        i + b[i..].iter().position(|&x| x == b'}').ok_or("an unclosed \\x{")? + 1
                    } else {
                        i + 2
                    };
                    if end > b.len() || !b[i..end].iter().all(|&x| x.is_ascii_hexdigit() || x == b'{' || x == b'}') {
                        return Err("a malformed \\x escape".into());
                    }
                    out.push_str("\\x");
                    out.push_str(&p[i..end]);
                    i = end;
                }
                _ if n.is_ascii_punctuation() => out.push_str(&format!("\\x{:02X}", n)),
                _ => return Err(format!("the escape \\{} (not translated)", n as char)),
            }
            continue;
        }
        if !c.is_ascii() {
            return Err("a non-ASCII character".into());
        }
        if let Some(first) = class {
            match c {
                b']' if out.len() > first => {
                    class = None;
                    out.push(']');
                }
                b'[' | b'&' | b'~' => return Err("a class holding [, & or ~".into()),
                b'-' if b.get(i + 1) == Some(&b'-') => return Err("a class holding --".into()),
                b']' => out.push_str("\\x5D"), // a class's first "]" is a literal in both
                _ => out.push(c as char),
            }
            i += 1;
            continue;
        }
        match c {
            b'[' => {
                out.push('[');
                i += 1;
                if b.get(i) == Some(&b'^') {
                    out.push('^');
                    i += 1;
                }
                class = Some(out.len());
                continue;
            }
            b'{' => {
                // RE2: a repetition {n}, {n,} or {n,m}; any other "{" is a literal
                let close = b[i..].iter().position(|&x| x == b'}').map(|k| i + k);
                let body = close.map(|k| &p[i + 1..k]);
                let rep = body.is_some_and(|s| {
                    let (lo, hi) = s.split_once(',').unwrap_or((s, "0"));
                    !lo.is_empty() && lo.bytes().all(|x| x.is_ascii_digit()) && hi.bytes().all(|x| x.is_ascii_digit())
                });
                if rep {
                    let k = close.unwrap_or(i);
                    out.push_str(&p[i..=k]);
                    i = k + 1;
                } else {
                    out.push_str("\\x7B");
                    i += 1;
                }
                continue;
            }
            b'}' => out.push_str("\\x7D"),
            b' ' | b'#' => out.push(c as char), // (no verbose mode: literals in both)
            _ => out.push(c as char),
        }
        i += 1;
    }
    if class.is_some() {
        return Err("an unclosed class".into());
    }
    Ok(out)
}

/// The top-level alternatives of a translated pattern (split at each `|` outside groups and
/// classes), in order; the whole pattern when a top-level flag group (`(?i)`, no colon) would
/// carry over into the alternatives after it.
fn top_alternatives(p: &str) -> Vec<&str> {
    let b = p.as_bytes();
    let (mut out, mut from, mut depth, mut i) = (Vec::new(), 0, 0usize, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1, // (an escape's character; `\x{..}` holds only hex digits and braces)
            b'[' => {
                // a class: `translate` refused nested ones; a first `]` is a literal
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                while i < b.len() && b[i] != b']' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => {
                if depth == 0 && b.get(i + 1) == Some(&b'?') {
                    let rest = &b[i + 2..];
                    let flags = rest.iter().take_while(|c| c.is_ascii_alphabetic() || **c == b'-').count();
                    if rest.get(flags) == Some(&b')') {
                        return vec![p];
                    }
                }
                depth += 1;
            }
            b')' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => {
                out.push(&p[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&p[from.min(p.len())..]);
    out
}

/// glibc keeps freed memory for reuse; the parse's ~100 MB would stay in the process's RSS.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's malloc_trim only releases free memory at the heap's end and in its arenas
        unsafe {
            malloc_trim(0);
        }
    }
}

/// `iter_spans(rx, text)`'s whole-match spans for an RE2 pattern compiled with `longest_match`,
/// on ASCII text. Three lazy DFAs from two NFAs (one compile each way): the leftmost-first one
/// finds where the next match ends, the reverse one (every match) where it starts (what
/// `hybrid::regex::Regex` does), the forward one (every match) its longest end from there.
#[pyclass(frozen)]
pub struct LongestMatches {
    first: DFA,
    back: DFA,
    all: DFA,
    caches: Mutex<[Cache; 3]>,
}

impl LongestMatches {
    pub fn build(pattern: &str) -> Result<Self, String> {
        let p = translate(pattern)?;
        let sc = syntax::Config::new().unicode(false).utf8(false);
        // parsed once for both NFAs, one top-level alternative at a time: the whole pattern's
        // syntax tree (771 kB of text) took ~80 MB at once, the pieces' trees are freed as read
        let mut hirs = Vec::new();
        for piece in top_alternatives(&p) {
            hirs.push(syntax::parse_with(piece, &sc).map_err(|e| e.to_string())?);
        }
        let hir = if hirs.len() == 1 { hirs.pop().unwrap_or_else(Hir::empty) } else { Hir::alternation(hirs) };
        let nfa = |reverse: bool| {
            thompson::Compiler::new()
                .configure(
                    thompson::Config::new()
                        .utf8(false)
                        .reverse(reverse)
                        .shrink(false)
                        .which_captures(thompson::WhichCaptures::None)
                        .nfa_size_limit(Some(LIMIT)),
                )
                .build_from_hir(&hir)
                .map_err(|e| e.to_string())
        };
        let dfa = |nfa: thompson::NFA, kind: MatchKind| {
            DFA::builder()
                .configure(
                    DFA::config()
                        .match_kind(kind)
                        .cache_capacity(CACHE)
                        .skip_cache_capacity_check(true)
                        .minimum_cache_clear_count(None),
                )
                .build_from_nfa(nfa)
                .map_err(|e| e.to_string())
        };
        let fwd = nfa(false)?;
        let first = dfa(fwd.clone(), MatchKind::LeftmostFirst)?;
        let all = dfa(fwd, MatchKind::All)?;
        let back = dfa(nfa(true)?, MatchKind::All)?;
        drop(hir);
        trim_heap(); // (the parse's transient memory back to the system, not kept by malloc)
        let caches = Mutex::new([first.create_cache(), back.create_cache(), all.create_cache()]);
        Ok(LongestMatches { first, back, all, caches })
    }

    /// The matches' (start, end), each search from the end of the last. `None` if a lazy DFA
    /// failed (it cannot: no quit bytes, never gives up; the caller keeps RE2 then).
    pub fn spans(&self, hay: &[u8], out: &mut Vec<u32>) -> Option<()> {
        let mut caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        let [cf, cb, ca] = &mut *caches;
        let n = hay.len();
        let mut pos = 0;
        while pos <= n {
            // where the leftmost-first match ends, then where it starts: the leftmost start
            let Some(e1) = self.first.try_search_fwd(cf, &Input::new(hay).range(pos..)).ok()? else { break };
            let e1 = e1.offset();
            let back = Input::new(hay).range(pos..e1).anchored(Anchored::Yes);
            let s = self.back.try_search_rev(cb, &back).ok()??.offset();
            // the longest match from there
            let inp = Input::new(hay).range(s..).anchored(Anchored::Yes);
            let e = self.all.try_search_fwd(ca, &inp).ok()?.map_or(e1, |h| h.offset().max(e1));
            out.push(s as u32);
            out.push(e as u32);
            pos = if e > pos { e } else { pos + 1 };
        }
        Some(())
    }
}

#[pymethods]
impl LongestMatches {
    /// LongestMatches(pattern): the RE2 pattern text (`lexicon().terms.pattern`); ValueError
    /// if it cannot be read the same way (the caller keeps RE2).
    #[new]
    fn new(pattern: &str) -> PyResult<Self> {
        Self::build(pattern)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("the lexicon's pattern for the core: {e}")))
    }

    /// Bytes held: (the forward NFA, the reverse one, the three lazy DFAs' caches), for the
    /// memory figures (bench/README.md) and the test that bounds them.
    fn memory_usage(&self) -> (usize, usize, usize, usize, usize) {
        let caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        (
            self.first.get_nfa().memory_usage(),
            self.back.get_nfa().memory_usage(),
            caches[0].memory_usage(),
            caches[1].memory_usage(),
            caches[2].memory_usage(),
        )
    }

    /// The matches in `text` (ASCII, below 4 GiB) as native u32 pairs (start, end) in one
    /// bytes object (`memoryview(b).cast("I")`); None if the text is not ASCII or too long.
    fn spans_of<'py>(&self, py: Python<'py>, text: &str) -> Option<Bound<'py, PyBytes>> {
        let hay = text.as_bytes();
        if !hay.is_ascii() || hay.len() >= u32::MAX as usize {
            return None;
        }
        let mut out = Vec::new();
        self.spans(hay, &mut out)?;
        let bytes: Vec<u8> = out.iter().flat_map(|v| v.to_ne_bytes()).collect();
        Some(PyBytes::new(py, &bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(p: &str, t: &str) -> Vec<(u32, u32)> {
        let lm = LongestMatches::build(p).unwrap();
        let mut out = Vec::new();
        lm.spans(t.as_bytes(), &mut out).unwrap();
        out.chunks(2).map(|c| (c[0], c[1])).collect()
    }

    #[test]
    fn longest_at_the_leftmost_start() {
        assert_eq!(spans(r"\bparti\b|\bparti socialiste\b", "le parti socialiste"), vec![(3, 19)]);
        assert_eq!(spans(r"\bcd\b|\bab cd ef\b", "ab cd ef cd"), vec![(0, 8), (9, 11)]);
        assert_eq!(spans(r"\bab\b", "ab_ab ab"), vec![(6, 8)]);
    }

    #[test]
    fn top_level_alternatives() {
        assert_eq!(top_alternatives(r"a|(b|c)|[|]|\||"), vec!["a", "(b|c)", "[|]", r"\|", ""]);
        assert_eq!(top_alternatives(r"a|(?i)b|c"), vec![r"a|(?i)b|c"]);
        assert_eq!(top_alternatives(r"a|(?i:b)|c"), vec!["a", "(?i:b)", "c"]);
        assert_eq!(top_alternatives(r"[]|]|x"), vec!["[]|]", "x"]);
        assert_eq!(spans(r"a|(?i)b|c", "C"), vec![(0, 1)]);
        assert_eq!(spans(r"a|(?i:b)|c", "C"), vec![]);
    }

    #[test]
    fn re2_space_has_no_vertical_tab() {
        assert_eq!(spans(r"a\sb", "a\x0Bb a b"), vec![(4, 7)]);
        assert_eq!(translate(r"[\s_\-]").unwrap(), "[\\t\\n\\x0C\\r _\\x2D]");
    }

    #[test]
    fn refused() {
        for p in [r"\pL", r"[a[b]]", r"[a&&b]", r"\Q.\E", r"\1", "é"] {
            assert!(LongestMatches::build(p).is_err(), "{p}");
        }
        assert_eq!(spans(r"a{b", "xa{b"), vec![(1, 4)]);
        assert_eq!(spans(r"a{,3}", "aaa a{,3}"), vec![(4, 9)]); // RE2: a literal
        assert_eq!(spans(r"\<a\>", "a <a>"), vec![(2, 5)]);
    }
}
