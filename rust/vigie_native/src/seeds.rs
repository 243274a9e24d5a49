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
        Regex::new(&format!(
            r"(?-u)(?m)@|%40|[0-9](?:[ ./%+-]?[0-9]){{7}}|[\[({{] ?[aA][tT] ?[\])}}]|^[ \t>]*(?:[0-9]+[.)\]][ \t]+)?[^\t\n\x0C\r :|;]+[:|][^\t\n\x0C\r ]+[ \t]*$|^(?:MSH\||COPY |CREATE |INSERT |REPLACE )|^{PW}",
        ))
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
/// each such pair becomes one placeholder character, and an unclosed quote stays. A line read
/// with backslash escapes (`split::escaped`) is well-formed with them: each quoted field
/// (`\\` and the next character, `""` inside) becomes the placeholder, an empty one nothing.
fn unquoted_counts(s: &str, sep: char) -> (usize, usize) {
    let owned;
    let u: &str = if !s.contains('"') {
        s
    } else if crate::split::escaped(s.as_bytes()) {
        owned = escaped_unquote(s);
        &owned
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

/// `shapes._unquote(s)` on a line read with backslash escapes: `_QUOTED_BS.sub(...)`, each
/// match from a quote to the quote that closes it (the line is well-formed: every quote outside
/// a field opens one, and the first lone quote after it closes it).
fn escaped_unquote(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        if b[i] != b'"' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let mut k = i + 1;
        while k < n {
            match b[k] {
                b'"' if k + 1 < n && b[k + 1] == b'"' => k += 2,
                b'"' => break,
                b'\\' => k += 2,
                _ => k += 1,
            }
        }
        if k >= n {
            out.extend_from_slice(&b[i..]); // not reached on a well-formed line
            break;
        }
        if k > i + 1 {
            out.push(b'q');
        }
        i = k + 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string()) // whole characters only were cut
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

/// insert_run_end(lines, i) -> int: `records.sql`'s extent of the INSERT at line `i`: the
/// statement runs to a line ending in ";" (at most a million lines), and the INSERTs into the
/// same table with the same column list right below it join it (one per row dumps). One call
/// where the reference matched and read the groups of every line through RE2's wrapper.
#[pyfunction]
pub fn insert_run_end(lines: &Bound<'_, pyo3::types::PyList>, i: usize) -> PyResult<usize> {
    let n = lines.len();
    let line = |k: usize| -> PyResult<Bound<'_, pyo3::types::PyString>> {
        Ok(lines.get_item(k)?.cast_into::<pyo3::types::PyString>()?)
    };
    let first = line(i)?;
    let Some(m) = crate::split::insert_head(first.to_str()?) else {
        return Err(pyo3::exceptions::PyValueError::new_err("insert_run_end: no INSERT at that line"));
    };
    let (table, columns) = (m.table, m.columns);
    let mut j = i;
    loop {
        while j < n - 1 && j - i < 1_000_000 {
            let s = line(j)?;
            if s.to_str()?.trim_end_matches(crate::canon::py_space).ends_with(';') {
                break;
            }
            j += 1;
        }
        if j + 1 < n {
            let next = line(j + 1)?;
            let s = next.to_str()?;
            if crate::split::may_start_insert(s) {
                if let Some(nm) = crate::split::insert_head(s) {
                    if nm.table == table && nm.columns == columns {
                        j += 1;
                        continue;
                    }
                }
            }
        }
        break;
    }
    Ok(j)
}

// `candidate_starts`' two whole-text passes (`seeds._PAIR_RE2`, `_BLANK_RE2`, `_SPECIAL_RE2`),
// spelled for `regex::bytes` as `seed_re` is (RE2's `\d` `\s` `\S` as ASCII classes; negated
// classes match any byte outside them, which on valid UTF-8 is any character outside them).
// Every alternative is anchored at a line start (`(?m)^`) and the caller reads only where a
// match starts: the leftmost start is the least offset at which the pattern's language
// matches, the same for any engine, whatever its match semantics. `(?i:insert|...)` folds ASCII
// only here, RE2 (UTF-8) also folds "ſ" to "s": "ſ" alone is an alternative of `_SP`, so the
// lines matched are the same.
const SEEDC: &str = r"(?:@|%40|[0-9](?:[ ./%+-]?[0-9]){7}|[\[({] ?[aA][tT] ?[\])}])";
const COMBO_LINE: &str = r"[ \t>]*(?:[0-9]+[.)\]][ \t]+)?[^\t\n\x0C\r :|;]+[:|][^\t\n\x0C\r ]+[ \t]*";
/// `seeds._PW`: a password's label at a line's start (ASCII, spelled out)
const PW: &str = r"[ \t>]*(?:[pP][aA][sS][sS](?:[wW][oO][rR][dD]|[wW][dD])?|[pP][wW][dD]|[mM][dD][pP]|[mM][oO][tT] [dD][eE] [pP][aA][sS][sS][eE])[ \t]*[:=]";
const FULL_LINE: &str = r"[^\n]*[^ \t\n\-_=*~#+][^\n]*";

fn pair_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let seed_line = format!(
            r"(?:[^\n]*?{SEEDC}[^\n]*|{COMBO_LINE}|(?:MSH\||COPY |CREATE |INSERT |REPLACE )[^\n]*|{PW}[^\n]*)"
        );
        Regex::new(&format!(r"(?-u)(?m)^(?:{seed_line}\n{FULL_LINE}|{FULL_LINE}\n{seed_line})"))
            .expect("the pair pattern compiles")
    })
}

/// `(?m)^[ \t\-_=*~#+]*$` searched from `st` (a line start): the start of the first line from
/// there made only of those bytes (an empty one included; `b.len()` when `b` ends with a
/// newline and no line before it is blank). Line by line: a dump's lines fail at their first
/// byte, where the pattern's automaton read every byte of the block.
fn blank_from(b: &[u8], st: usize) -> Option<usize> {
    let n = b.len();
    let mut p = st;
    loop {
        let e = memchr::memchr(b'\n', &b[p..]).map_or(n, |k| p + k);
        if b[p..e].iter().all(|&c| matches!(c, b' ' | b'\t' | b'-' | b'_' | b'=' | b'*' | b'~' | b'#' | b'+')) {
            return Some(p);
        }
        if e == n {
            return None;
        }
        p = e + 1;
    }
}

fn special_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // "ı" (C4 B1) and "ſ" (C5 BF) as their UTF-8 bytes
        let sp = r"(?:[:=>{\[@]|MSH\||(?i:insert|replac|create|copy)|\xC4\xB1|\xC5\xBF)";
        Regex::new(&format!(
            r"(?-u)(?m)^(?:[^\n]*?(?:{sp}[^\n]*?{SEEDC}|{SEEDC}[^\n]*?{sp})|{COMBO_LINE}$|(?:MSH\||COPY |CREATE |INSERT |REPLACE )|{PW})"
        ))
        .expect("the special pattern compiles")
    })
}

#[inline]
fn newlines(b: &[u8]) -> i64 {
    memchr::memchr_iter(b'\n', b).count() as i64
}

/// seed_passes(b, today) -> (kept, special) | None: `candidate_starts`' two passes over the
/// UTF-8 bytes `b` in one call. `kept`: the seed lines of every block a pair opens, ascending;
/// `special`: (line, start, end, code) of each special seed line in none of them and without a
/// ">" (those are kept: the ">" lines' test), ascending, for `alone_is_nothing` (its label
/// tables are Python's), with what this code could tell of it (`prefilter::alone_code`: it is
/// nothing; or it is no prose dox, which is most of the cost of asking Python). A special line
/// with a ">" is in `kept`. None when `b` is not UTF-8. `today` is `indexer.engine.today()`.
#[pyfunction]
pub fn seed_passes(b: &[u8], today: (i32, i32, (i32, u32, u32)))
                   -> Option<(Vec<i64>, Vec<(i64, usize, usize, u8)>)> {
    let today = crate::canon::today_of(today);
    if std::str::from_utf8(b).is_err() {
        return None;
    }
    let n = b.len();
    let (pair, seed) = (pair_re(), seed_re());
    let mut kept: Vec<i64> = Vec::new();
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let (mut pos, mut line) = (0usize, 0i64);
    while pos < n {
        let Some(m) = pair.find_at(b, pos) else { break };
        let st = m.start();
        line += newlines(&b[pos..st]);
        let be = blank_from(b, st).unwrap_or(n).max(st + 1).min(n);
        blocks.push((st, be));
        // the block's seed lines (`seed_lines`, on the block: its end is a line start), each
        // line asked on its own: no match spans a line, and on a line alone `^` and `$` are at
        // its ends as they were in the block, so "this line holds a match" is the same answer;
        // `is_match` stops at the first match state (a dump's lines hold one early), where a
        // search over the block found the match's end, then its start with a reverse scan
        let mut q = st;
        let mut l = line;
        while q < be {
            let e = memchr::memchr(b'\n', &b[q..be]).map_or(be, |k| q + k);
            if seed.is_match(&b[q..e]) {
                kept.push(l);
            }
            q = e + 1;
            l += 1;
        }
        line += newlines(&b[st..be]);
        pos = be;
    }
    // The special pass reads only the gaps between those blocks: every special line is a seed
    // line (each alternative of `_SPECIAL` holds one of `_SEED_PATTERN`), so one inside a block
    // is kept already, and the reference's `line not in kept` passes over it.
    let mut special = Vec::new();
    let mut more = Vec::new();
    let (mut pos, mut line) = (0usize, 0i64);
    let sre = special_re();
    let mut bi = 0;
    loop {
        // a gap ends at a block's first line start (its last line ends with "\n"), or at n
        let gap_end = blocks.get(bi).map_or(n, |x| x.0);
        let hay = &b[..gap_end];
        while pos < gap_end {
            let Some(m) = sre.find_at(hay, pos) else { break };
            let st = m.start();
            line += newlines(&b[pos..st]);
            let e = memchr::memchr(b'\n', &b[st..]).map_or(n, |k| st + k);
            if kept.binary_search(&line).is_err() {
                if memchr::memchr(b'>', &b[st..e]).is_some() {
                    more.push(line);
                } else {
                    // valid UTF-8 (checked above), cut at line ends (ASCII)
                    let text = std::str::from_utf8(&b[st..e]).unwrap_or("");
                    special.push((line, st, e, crate::prefilter::alone_code(text, today)));
                }
            }
            pos = e + 1;
            line += 1;
        }
        let Some(&(bs, be)) = blocks.get(bi) else { break };
        line += newlines(&b[pos.min(bs)..bs]) + newlines(&b[bs..be]);
        pos = be;
        bi += 1;
    }
    if !more.is_empty() {
        kept.extend(more);
        kept.sort_unstable();
        kept.dedup();
    }
    Some((kept, special))
}

/// combo_line(s) -> bool | None: `shapes._combo_line(s)`, None where Python's Unicode `\d` or
/// `str.isdigit` decides (for the differential test; `combo_end` hands those lines back).
#[pyfunction]
pub fn combo_line(s: &str) -> Option<bool> {
    crate::split::combo_line(s)
}

/// combo_end(lines, j, line_ok) -> int: `shapes._combo`'s scan: the first line from `j` on
/// that is not a combo line. A line the port cannot decide goes to `line_ok` (the reference
/// `_combo_line`).
#[pyfunction]
pub fn combo_end(lines: &Bound<'_, pyo3::types::PyList>, j: usize, line_ok: &Bound<'_, PyAny>) -> PyResult<usize> {
    let n = lines.len();
    let mut j = j;
    while j < n {
        let item = lines.get_item(j)?;
        let s = item.cast::<pyo3::types::PyString>()?.to_str()?;
        let ok = match crate::split::combo_line(s) {
            Some(v) => v,
            None => line_ok.call1((&item,))?.is_truthy()?,
        };
        if !ok {
            break;
        }
        j += 1;
    }
    Ok(j)
}
