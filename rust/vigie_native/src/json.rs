//! JSON lines parsed in Rust for `records.jsonl` (issue 17): the values `json.loads` would give,
//! without building a Python object per key and value.
//!
//! The reference is `json.loads(t)` followed by `records._walk`. This parser accepts a strict
//! subset of what `json.loads` accepts and reads it the same way; on anything else (an error
//! `json.loads` would raise, and also what it accepts but this does not read: duplicate keys,
//! a lone surrogate escape, an integer longer than `MAX_INT_DIGITS`, nesting deeper than
//! `MAX_NESTING`) it answers `None`, and the caller takes the reference path for that line. So
//! a difference can only be a bug of what this accepts, never a line it hands back.

/// A parsed value: only what `_walk` reads is kept (strings, integers' text, containers).
pub enum Value {
    Str(String),
    /// An integer as `str(int)` writes it.
    Int(String),
    /// true, false, null, a float, NaN or an infinity: `_walk` skips them.
    Skip,
    List(Vec<Value>),
    /// Members in document order (no key twice: those objects are handed back).
    Obj(Vec<(String, Value)>),
}

/// Nesting past this is handed back (`json.loads` recurses in C and may raise RecursionError).
const MAX_NESTING: u32 = 200;
/// Integers longer than this are handed back (Python refuses to convert past 4300 digits).
const MAX_INT_DIGITS: usize = 1000;

/// `json.loads(t)`'s value, or None (see the module docstring).
pub fn parse(t: &str) -> Option<Value> {
    let b = t.as_bytes();
    let mut p = Parser { b, s: t, i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    (p.i == b.len()).then_some(v)
}

struct Parser<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    /// JSON's whitespace only (`json.decoder.WHITESPACE`: space, tab, LF, CR).
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &[u8]) -> bool {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: u32) -> Option<Value> {
        match *self.b.get(self.i)? {
            b'"' => self.string().map(Value::Str),
            b'{' => self.object(depth),
            b'[' => self.list(depth),
            b't' => self.lit(b"true").then_some(Value::Skip),
            b'f' => self.lit(b"false").then_some(Value::Skip),
            b'n' => self.lit(b"null").then_some(Value::Skip),
            b'N' => self.lit(b"NaN").then_some(Value::Skip),
            b'I' => self.lit(b"Infinity").then_some(Value::Skip),
            b'-' if self.b[self.i + 1..].starts_with(b"Infinity") => {
                self.i += 9;
                Some(Value::Skip)
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?` as `json.scanner` matches it: an integer
    /// without fraction or exponent, else a float. What follows is the caller's to check (a
    /// `.` or `e` without digits after it makes the line fail there, as in `json.loads`).
    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        let int_end = self.i;
        let mut float = false;
        if self.b.get(self.i) == Some(&b'.') && matches!(self.b.get(self.i + 1), Some(b'0'..=b'9')) {
            self.i += 1;
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            float = true;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            let mut k = self.i + 1;
            if matches!(self.b.get(k), Some(b'+' | b'-')) {
                k += 1;
            }
            if matches!(self.b.get(k), Some(b'0'..=b'9')) {
                while matches!(self.b.get(k), Some(b'0'..=b'9')) {
                    k += 1;
                }
                self.i = k;
                float = true;
            }
        }
        if float {
            return Some(Value::Skip);
        }
        let text = &self.s[start..int_end];
        if text.len() > MAX_INT_DIGITS {
            return None;
        }
        Some(Value::Int(if text == "-0" { "0".to_string() } else { text.to_string() }))
    }

    /// A string at `self.i` (on its quote), unescaped. Control characters are errors (the
    /// `strict` default); a lone surrogate escape is handed back.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            // the run up to the next quote, backslash or control character, copied at once
            let run = self.b[self.i..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
            out.push_str(&self.s[self.i..self.i + run]);
            self.i += run;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    let e = *self.b.get(self.i + 1)?;
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                // a pair, or a lone high surrogate (handed back)
                                if self.b.get(self.i) == Some(&b'\\') && self.b.get(self.i + 1) == Some(&b'u') {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return None;
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return None;
                                }
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return None; // a lone low surrogate
                            } else {
                                hi
                            };
                            out.push(char::from_u32(c)?);
                        }
                        _ => return None,
                    }
                }
                _ => return None, // a control character
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }

    /// Past a container's opening bracket: whether it closes at once (`[]`, `{}`), or None when
    /// it is nested too deep to be read here.
    fn open(&mut self, depth: u32, close: u8) -> Option<bool> {
        if depth >= MAX_NESTING {
            return None;
        }
        self.i += 1;
        self.ws();
        let empty = self.b.get(self.i) == Some(&close);
        if empty {
            self.i += 1;
        }
        Some(empty)
    }

    /// After an element or a member: `,` (another follows: false) or the closing bracket (true).
    fn more_or_end(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let c = *self.b.get(self.i)?;
        self.i += 1;
        match c {
            b',' => Some(false),
            _ if c == close => Some(true),
            _ => None,
        }
    }

    fn list(&mut self, depth: u32) -> Option<Value> {
        let mut out = Vec::new();
        if self.open(depth, b']')? {
            return Some(Value::List(out));
        }
        loop {
            self.ws();
            out.push(self.value(depth + 1)?);
            if self.more_or_end(b']')? {
                return Some(Value::List(out));
            }
        }
    }

    fn object(&mut self, depth: u32) -> Option<Value> {
        let mut out: Vec<(String, Value)> = Vec::new();
        if self.open(depth, b'}')? {
            return Some(Value::Obj(out));
        }
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return None;
            }
            let k = self.string()?;
            // a key twice: Python keeps its first place and its last value; handed back. A set
            // once the object is wide, so that a line of 100 000 keys stays linear.
            let twice = if out.len() < 16 {
                out.iter().any(|(x, _)| *x == k)
            } else {
                if seen.is_empty() {
                    seen.extend(out.iter().map(|(x, _)| x.clone()));
                }
                !seen.insert(k.clone())
            };
            if twice {
                return None;
            }
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return None;
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            out.push((k, v));
            if self.more_or_end(b'}')? {
                return Some(Value::Obj(out));
            }
        }
    }
}
