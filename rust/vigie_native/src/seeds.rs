//! `indexer.detect.seeds.candidate_starts`' inner loop: the seed lines of one block of
//! non-blank lines. On a dense dump every line is a seed line, and the reference makes three
//! Python-level calls per line (RE2, `bytes.count`, `bytes.find`); here it is one call per block.
//!
//! The pattern is `seeds._SEED_PATTERN` with RE2's classes spelled out for `regex::bytes`
//! without Unicode (`\d` = [0-9], `\s` = [\t\n\f\r ], as RE2 has them; Rust's `\s` also holds
//! \v). A match never spans a line, so "the lines holding a match" is the same set whatever
//! the engine's match semantics; negated classes match any byte outside them, which on valid
//! UTF-8 is any character outside them (the excluded ones are ASCII), as RE2's UTF-8 classes.
//! Input that is not valid UTF-8 is handed back (RE2 would not match its bytes).

use pyo3::prelude::*;
use regex::bytes::Regex;
use std::sync::OnceLock;

fn seed_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?-u)(?m)@|[0-9](?:[ ./-]?[0-9]){7}|^[ \t>]*(?:[0-9]+[.)\]][ \t]+)?[^\t\n\x0C\r :|;]+[:|][^\t\n\x0C\r ]+[ \t]*$|^(?:MSH\||COPY |CREATE |INSERT |REPLACE )",
        )
        .expect("the seed pattern compiles")
    })
}

/// seed_lines(b, start, end, line) -> list[int] | None: the numbers of the lines of
/// `b[start:end]` (`start` at a line start numbered `line`, `end` at a line start or the end)
/// that hold a seed match; None when the bytes are not UTF-8 (the reference decides).
#[pyfunction]
pub fn seed_lines(b: &[u8], start: usize, end: usize, line: i64) -> Option<Vec<i64>> {
    let end = end.min(b.len());
    if start > end {
        return Some(Vec::new());
    }
    let block = &b[..end];
    if std::str::from_utf8(&b[start..end]).is_err() {
        return None;
    }
    let re = seed_re();
    let mut out = Vec::new();
    let mut q = start;
    let mut line = line;
    while q < end {
        let Some(m) = re.find_at(block, q) else { break };
        let s0 = m.start();
        let k = block[q..s0].iter().filter(|&&c| c == b'\n').count() as i64;
        line += k;
        out.push(line);
        match block[s0..].iter().position(|&c| c == b'\n') {
            Some(e) => {
                q = s0 + e + 1;
                line += 1;
            }
            None => break,
        }
    }
    Some(out)
}

/// line_offsets(raw, lines, first, last) -> list[int]: `_detect_text`'s offsets of lines
/// `first..=last` in the fragment text: the char offset of line k in "\n".join(raw[first:]),
/// plus the length of its quote prefix (len(raw[k]) - len(lines[k])).
#[pyfunction]
pub fn line_offsets(raw: &Bound<'_, pyo3::types::PyList>, lines: &Bound<'_, pyo3::types::PyList>, first: usize,
                    last: usize) -> PyResult<Vec<i64>> {
    let same = raw.is(lines);
    let mut out = Vec::with_capacity(last.saturating_sub(first) + 1);
    let mut o: i64 = 0;
    for k in first..=last {
        let r = raw.get_item(k)?.len()? as i64;
        let pk = if same { 0 } else { r - lines.get_item(k)?.len()? as i64 };
        out.push(o + pk);
        o += r + 1;
    }
    Ok(out)
}

/// `shapes._unquote(s)`'s separator counts: (count of `sep` in it, count in it once trailing
/// " \t;|," are stripped). `_unquote` drops every `""` (left to right, as `str.replace`), after
/// which no two quotes are adjacent, so `"(?:[^"]|"")*"` is a quote, non-quotes and a quote:
/// each such pair becomes one placeholder character, and an unclosed quote stays.
fn unquoted_counts(s: &str, sep: char) -> (usize, usize) {
    let owned;
    let u: &str = if !s.contains('"') {
        s
    } else {
        owned = {
            let r = if s.contains("\"\"") { s.replace("\"\"", "") } else { s.to_string() };
            let mut out = String::with_capacity(r.len());
            let mut rest = r.as_str();
            while let Some(a) = rest.find('"') {
                match rest[a + 1..].find('"') {
                    Some(b) => {
                        out.push_str(&rest[..a]);
                        out.push('q');
                        rest = &rest[a + 1 + b + 1..];
                    }
                    None => break,
                }
            }
            out.push_str(rest);
            out
        };
        &owned
    };
    let all = u.chars().filter(|&c| c == sep).count();
    let t = u.trim_end_matches([' ', '\t', ';', '|', ',']);
    (all, t.chars().filter(|&c| c == sep).count())
}

/// run_end(lines, j, sep, lo, hi) -> int: `shapes._runs`' scan: the first line from `j` on
/// that is blank (`not line.strip()`) or does not `_fits` the signature (sep, lo, hi).
#[pyfunction]
pub fn run_end(lines: &Bound<'_, pyo3::types::PyList>, j: usize, sep: &str, lo: usize, hi: usize) -> PyResult<usize> {
    let mut it = sep.chars();
    let (Some(sep), None) = (it.next(), it.next()) else {
        return Err(pyo3::exceptions::PyValueError::new_err("run_end: the separator is one character"));
    };
    let n = lines.len();
    let mut j = j;
    while j < n {
        let item = lines.get_item(j)?;
        let s = item.cast::<pyo3::types::PyString>()?.to_str()?;
        if s.chars().all(crate::canon::py_space) {
            break;
        }
        let (raw, stripped) = unquoted_counts(s, sep);
        if raw < lo || (raw > hi && stripped > hi) {
            break;
        }
        j += 1;
    }
    Ok(j)
}
