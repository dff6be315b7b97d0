//! The YAML styles of `examples/synth.rs`: a manifest as data ([`Item`]),
//! written in the one block style of `cadence new` ([`Style::Plain`]) or in
//! every YAML style, picked per file and per value by a generator of its own
//! ([`Style::Mixed`]).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use super::Rng;

/// How the manifests are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One block style: the shape `cadence new` writes.
    Plain,
    /// Every YAML style, varied per file and per value.
    Mixed,
}

/// A value of a manifest as data; [`Writer`] gives it a YAML style.
pub enum Item {
    /// One line of text: a version, a date, a name, hex.
    Text(String),
    /// A number: plain in every style, since a quoted number is text.
    Num(String),
    /// Markdown of one or more lines, ending in a newline.
    Block(String),
    Map(Entries),
    List(Vec<Item>),
}

pub type Entries = Vec<(&'static str, Item)>;

pub fn text(s: impl Into<String>) -> Item {
    Item::Text(s.into())
}

pub fn num(n: impl std::fmt::Display) -> Item {
    Item::Num(n.to_string())
}

/// Writes manifests in one style; its generator picks the style of each
/// file and value and never touches the data's.
pub struct Writer {
    pub style: Style,
    pub rng: Rng,
}

impl Writer {
    pub fn write(&mut self, path: &Path, doc: &[(&'static str, Item)]) -> Result<(), String> {
        let mut y = String::new();
        match self.style {
            Style::Plain => plain(doc, 0, &mut y),
            Style::Mixed => y = Mixed::document(&mut self.rng, doc),
        }
        fs::write(path, y).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn pad(y: &mut String, n: usize) {
    y.extend(std::iter::repeat_n(' ', n));
}

/// Lines of a literal block scalar, indented; blank lines stay empty.
fn literal(y: &mut String, block: &str, indent: usize) {
    for line in block.lines() {
        if !line.is_empty() {
            pad(y, indent);
            y.push_str(line);
        }
        y.push('\n');
    }
}

/// The block style of `cadence new`: two spaces an indent, literal blocks.
fn plain(entries: &[(&'static str, Item)], indent: usize, y: &mut String) {
    for (key, item) in entries {
        pad(y, indent);
        y.push_str(key);
        y.push(':');
        match item {
            Item::Text(t) | Item::Num(t) => {
                y.push(' ');
                y.push_str(t);
                y.push('\n');
            }
            Item::Block(b) => {
                y.push_str(" |\n");
                literal(y, b, indent + 2);
            }
            Item::Map(m) => {
                y.push('\n');
                plain(m, indent + 2, y);
            }
            Item::List(items) => {
                y.push('\n');
                for item in items {
                    if let Item::Map(m) = item {
                        let mut s = String::new();
                        plain(m, indent + 4, &mut s);
                        pad(y, indent + 2);
                        y.push_str("- ");
                        y.push_str(&s[indent + 4..]);
                    }
                }
            }
        }
    }
}

fn single(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn double(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Every YAML style, picked per file and per value.
struct Mixed<'r> {
    rng: &'r mut Rng,
    y: String,
    /// Spaces a level of nesting: 2, 3 or 4, per file.
    step: usize,
    /// Text values given an anchor so far, with the anchor: a later equal
    /// value is written as an alias.
    anchors: Vec<(String, String)>,
    /// Anchors written so far, for unique names.
    count: usize,
}

impl Mixed<'_> {
    fn document(rng: &mut Rng, doc: &[(&'static str, Item)]) -> String {
        let step = 2 + rng.below(3) as usize;
        let mut m = Mixed {
            rng,
            y: String::new(),
            step,
            anchors: Vec::new(),
            count: 0,
        };
        if m.one_in(20) {
            m.y.push('\u{feff}');
        }
        match m.rng.below(5) {
            0 => m.y.push_str("---\n"),
            1 => m.y.push_str("--- # a release manifest\n"),
            2 => m.y.push_str("%YAML 1.2\n---\n"),
            _ => {}
        }
        if m.one_in(3) {
            m.y.push_str("# Written by examples/synth.rs in the mixed style.\n\n");
        }
        m.block_map(doc, 0);
        if m.one_in(3) {
            m.y.push_str("...\n");
        }
        if m.one_in(5) {
            m.y = m.y.replace('\n', "\r\n");
        }
        m.y
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.rng.below(n) == 0
    }

    /// A new anchor's name, `&` included.
    fn anchor(&mut self) -> String {
        self.count += 1;
        format!("&a{} ", self.count)
    }

    /// A trailing comment, sometimes.
    fn comment(&mut self) {
        if self.one_in(8) {
            self.y.push_str("  # note");
        }
    }

    fn key(&mut self, key: &str) {
        match self.rng.below(12) {
            0 => self.y.push_str(&single(key)),
            1 => self.y.push_str(&double(key)),
            _ => self.y.push_str(key),
        }
    }

    /// A block mapping whose keys are at `indent`; the caller strips the
    /// first line's indentation to write it after a `- `.
    fn block_map(&mut self, entries: &[(&'static str, Item)], indent: usize) {
        for (i, (key, item)) in entries.iter().enumerate() {
            if i > 0 && self.one_in(12) {
                self.y.push('\n');
            }
            if i > 0 && self.one_in(10) {
                pad(&mut self.y, indent);
                let _ = writeln!(self.y, "# {key}");
            }
            pad(&mut self.y, indent);
            if indent == 0 && matches!(item, Item::Text(_)) && self.one_in(15) {
                // An explicit key.
                self.y.push_str("? ");
                self.key(key);
                self.y.push_str("\n:");
            } else {
                self.key(key);
                self.y.push(':');
            }
            self.block_value(item, indent);
        }
    }

    /// The value after `key:` of a block mapping at `indent`.
    fn block_value(&mut self, item: &Item, indent: usize) {
        let inner = indent + self.step;
        match item {
            Item::Text(t) => {
                self.y.push(' ');
                self.block_text(t, inner);
            }
            Item::Num(n) => {
                self.y.push(' ');
                self.y.push_str(n);
                self.comment();
                self.y.push('\n');
            }
            Item::Block(b) => self.block_scalar(b, inner),
            Item::Map(m) => match self.rng.below(4) {
                0 => self.one_line(|w| w.flow_map(m)),
                1 => self.flow_lines(["{", "}"], m.len(), inner, |w, i| {
                    w.key(m[i].0);
                    w.y.push_str(": ");
                    w.flow_value(&m[i].1);
                }),
                2 => {
                    let a = self.anchor();
                    self.y.push(' ');
                    self.y.push_str(a.trim_end());
                    self.y.push('\n');
                    self.block_map(m, inner);
                }
                _ => {
                    self.comment();
                    self.y.push('\n');
                    self.block_map(m, inner);
                }
            },
            Item::List(items) => match self.rng.below(5) {
                0 => self.one_line(|w| w.flow_list(items)),
                1 => self.flow_lines(["[", "]"], items.len(), inner, |w, i| {
                    w.flow_value(&items[i])
                }),
                // An indentless sequence: `- ` at the key's indentation.
                2 => {
                    self.y.push('\n');
                    self.block_list(items, indent);
                }
                _ => {
                    self.comment();
                    self.y.push('\n');
                    self.block_list(items, inner);
                }
            },
        }
    }

    /// A flow collection on the line of its key, then maybe a comment.
    fn one_line(&mut self, flow: impl FnOnce(&mut Self)) {
        self.y.push(' ');
        flow(self);
        self.comment();
        self.y.push('\n');
    }

    /// A flow collection over several lines, an entry a line at `inner`.
    fn flow_lines(
        &mut self,
        brackets: [&str; 2],
        count: usize,
        inner: usize,
        mut entry: impl FnMut(&mut Self, usize),
    ) {
        let _ = writeln!(self.y, " {}", brackets[0]);
        for i in 0..count {
            pad(&mut self.y, inner);
            entry(self, i);
            self.y.push_str(if i + 1 < count { ",\n" } else { "\n" });
        }
        pad(&mut self.y, inner);
        let _ = writeln!(self.y, "{}", brackets[1]);
    }

    fn block_list(&mut self, items: &[Item], at: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 && self.one_in(4) {
                pad(&mut self.y, at);
                self.y.push_str("# the next artifact\n");
            }
            pad(&mut self.y, at);
            self.y.push('-');
            match item {
                Item::Map(m) if !self.one_in(3) => {
                    // `-` and spaces up to the mapping's indentation.
                    let inner = at + self.step;
                    pad(&mut self.y, self.step - 1);
                    let outer = std::mem::take(&mut self.y);
                    self.block_map(m, inner);
                    let map = std::mem::replace(&mut self.y, outer);
                    self.y.push_str(&map[inner..]);
                }
                other => {
                    self.y.push(' ');
                    self.flow_value(other);
                    self.comment();
                    self.y.push('\n');
                }
            }
        }
    }

    /// One line of text after `key: `; lines after the first at `inner`.
    fn block_text(&mut self, t: &str, inner: usize) {
        if let Some((_, a)) = self.anchors.iter().find(|(v, _)| v == t) {
            let _ = write!(self.y, "*{a}");
            self.comment();
            self.y.push('\n');
            return;
        }
        if self.one_in(3) {
            let a = self.anchor();
            self.anchors
                .push((t.to_string(), a[1..].trim_end().to_string()));
            self.y.push_str(&a);
        }
        // Where a scalar may break over two lines: a space in the middle.
        let spaces: Vec<usize> = t.match_indices(' ').map(|(i, _)| i).collect();
        let (first, rest) = match spaces.get(spaces.len() / 2) {
            Some(&i) => (&t[..i], &t[i + 1..]),
            None => (t, ""),
        };
        let styles = if rest.is_empty() { 4 } else { 8 };
        match self.rng.below(styles) {
            0 => self.y.push_str(&single(t)),
            1 => self.y.push_str(&double(t)),
            2 => {
                // The first character as an escape.
                let mut c = t.chars();
                let head = c.next().map_or(0, u32::from);
                let _ = write!(self.y, "\"\\u{head:04X}{}", &double(c.as_str())[1..]);
            }
            4 => {
                self.y.push_str(">-");
                self.comment();
                self.y.push('\n');
                for part in [first, rest] {
                    pad(&mut self.y, inner);
                    self.y.push_str(part);
                    self.y.push('\n');
                }
                return;
            }
            5 => {
                // A plain scalar over two lines.
                self.y.push_str(first);
                self.y.push('\n');
                pad(&mut self.y, inner);
                self.y.push_str(rest);
            }
            6 => {
                self.y.push_str("|-\n");
                pad(&mut self.y, inner);
                self.y.push_str(t);
                self.y.push('\n');
                return;
            }
            7 => {
                let _ = writeln!(self.y, "\"{first}");
                pad(&mut self.y, inner);
                let _ = write!(self.y, "{rest}\"");
            }
            _ => self.y.push_str(t),
        }
        self.comment();
        self.y.push('\n');
    }

    /// Markdown after `key:`, in a literal block at `inner` or quoted.
    fn block_scalar(&mut self, b: &str, inner: usize) {
        match self.rng.below(4) {
            0 => {
                self.y.push(' ');
                self.y.push_str(&double(b));
                self.comment();
                self.y.push('\n');
            }
            1 => {
                // An explicit indentation indicator.
                let _ = write!(self.y, " |{}", self.step);
                self.comment();
                self.y.push('\n');
                literal(&mut self.y, b, inner);
            }
            _ => {
                self.y.push_str(" |");
                self.comment();
                self.y.push('\n');
                literal(&mut self.y, b, inner);
            }
        }
    }

    fn flow_value(&mut self, item: &Item) {
        match item {
            Item::Text(t) => {
                if let Some((_, a)) = self.anchors.iter().find(|(v, _)| v == t) {
                    let _ = write!(self.y, "*{a}");
                    return;
                }
                match self.rng.below(3) {
                    0 => self.y.push_str(&single(t)),
                    1 => self.y.push_str(&double(t)),
                    _ => self.y.push_str(t),
                }
            }
            Item::Num(n) => self.y.push_str(n),
            Item::Block(b) => self.y.push_str(&double(b)),
            Item::Map(m) => self.flow_map(m),
            Item::List(items) => self.flow_list(items),
        }
    }

    fn flow_map(&mut self, m: &[(&'static str, Item)]) {
        if self.one_in(6) {
            let a = self.anchor();
            self.y.push_str(&a);
        }
        self.y.push('{');
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 {
                self.y.push_str(", ");
            }
            self.key(k);
            self.y.push_str(": ");
            self.flow_value(v);
        }
        self.y.push('}');
    }

    fn flow_list(&mut self, items: &[Item]) {
        self.y.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.y.push_str(", ");
            }
            self.flow_value(item);
        }
        self.y.push(']');
    }
}
