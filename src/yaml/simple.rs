//! The fast path of [`super::parse`]: a manifest written in the plain
//! block style that manifests use (a mapping of keys to one-line plain
//! scalars, literal `|` blocks, nested mappings and indented sequences of
//! mappings or scalars) is read line by line into the same tree, with the
//! same positions, that yaml-rust2's event parser gives. Reading a
//! manifest was two thirds of `cadence check`, nearly all of it in
//! yaml-rust2's scanner, which goes character by character.
//!
//! Anything outside that style (flow collections, quotes, anchors, tags,
//! folded blocks, tabs, indentless sequences, multi-line plain scalars,
//! comments that are not at the start of a line or after a value,
//! duplicate keys, anything that may be an error) makes it give up, and
//! yaml-rust2 reads the file as before: errors and their positions always
//! come from there. `tests` hold a differential test against yaml-rust2.

use super::{Key, MAX_DEPTH, MAX_NODES, Node, Pos, Value};

/// One line: its number (from 1), its indentation (spaces) and the rest.
struct Line<'a> {
    no: usize,
    indent: usize,
    rest: &'a str,
}

impl Line<'_> {
    fn blank(&self) -> bool {
        self.rest.is_empty()
    }
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    i: usize,
    /// Nodes so far, keys included, as yaml::Builder counts them.
    nodes: usize,
    /// Mappings open.
    depth: usize,
}

/// The document's tree, or `None` to leave the file to yaml-rust2.
pub fn parse(source: &str) -> Option<Node> {
    // Tabs, CR and other control characters, and characters YAML does
    // not allow or treats specially, are yaml-rust2's to judge.
    if !source.ends_with('\n') || has_odd_characters(source.as_bytes()) {
        return None;
    }
    let mut lines = Vec::with_capacity(source.len() / 24);
    for (n, raw) in source[..source.len() - 1].split('\n').enumerate() {
        let rest = raw.trim_start_matches(' ');
        lines.push(Line {
            no: n + 1,
            indent: raw.len() - rest.len(),
            rest,
        });
    }
    let mut r = Reader {
        lines,
        i: 0,
        nodes: 0,
        depth: 0,
    };
    r.skip_blank();
    let first = r.lines.get(r.i)?;
    if first.indent != 0 || first.rest.starts_with("---") || first.rest.starts_with('%') {
        return None;
    }
    let root = r.mapping(0, None)?;
    r.skip_blank();
    (r.i == r.lines.len()).then_some(root)
}

/// Control characters but `\n` (tabs and CR included), U+007F to U+009F,
/// U+FEFF, U+FFFE and U+FFFF, found in the UTF-8 bytes.
fn has_odd_characters(b: &[u8]) -> bool {
    // Most manifests are printable ASCII: one quick pass says so.
    if !b.iter().fold(false, |odd, &c| {
        odd | ((c < 0x20 && c != b'\n') | (c >= 0x7F))
    }) {
        return false;
    }
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\n' => false,
        0..0x20 | 0x7F => true,
        // U+0080 to U+009F.
        0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        // U+FEFF, U+FFFE, U+FFFF.
        0xEF => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
        ),
        _ => false,
    })
}

/// Characters a plain scalar may not start with (YAML's indicators), and
/// the space.
const INDICATORS: &[u8] = b"-?:,[]{}#&*!|>'\"%@` ";

/// A key: letters, digits, `_`, `-` and `.`, not starting with `-` or `.`.
fn key_len(s: &str) -> Option<usize> {
    let n = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    (n > 0 && !s.starts_with(['-', '.'])).then_some(n)
}

/// A one-line plain scalar and its length before a comment, or `None`
/// when the text might mean anything else.
fn plain(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    if INDICATORS.contains(b.first()?) {
        return None;
    }
    // The text ends at ` #` (a comment); `: ` inside it, or a `:` at its
    // end, would make it a mapping.
    let mut end = b.len();
    for i in 0..b.len() {
        match b[i] {
            b'#' if b[i - 1] == b' ' => {
                end = i - 1;
                break;
            }
            b':' if b.get(i + 1).is_none_or(|&n| n == b' ') => return None,
            _ => {}
        }
    }
    let text = s[..end].trim_end_matches(' ');
    (!text.ends_with(':')).then_some(text)
}

/// Nothing, or a comment, after a value.
fn nothing(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    t.is_empty() || (t.len() < s.len() && t.starts_with('#'))
}

impl<'a> Reader<'a> {
    /// Skip blank lines and comment lines at the start of a line.
    fn skip_blank(&mut self) {
        while let Some(l) = self.lines.get(self.i) {
            if l.blank() || (l.indent == 0 && l.rest.starts_with('#')) {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// The next line that is not blank, after skipping.
    fn peek(&mut self) -> Option<&Line<'a>> {
        self.skip_blank();
        self.lines.get(self.i)
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    /// A block mapping whose keys are at column `indent`. `first` is its
    /// first entry when it starts on a line already read (after `- `):
    /// `(line, text)` with the text at column `indent`.
    fn mapping(&mut self, indent: usize, first: Option<(usize, &'a str)>) -> Option<Node> {
        self.count()?;
        self.depth += 1;
        if self.depth > MAX_DEPTH / 2 {
            return None;
        }
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut pending = first;
        loop {
            let (no, text) = match pending.take() {
                Some(f) => f,
                None => {
                    let Some(l) = self.peek() else { break };
                    if l.indent < indent {
                        break;
                    }
                    if l.indent > indent || l.rest.starts_with('#') {
                        return None;
                    }
                    let (no, rest) = (l.no, l.rest);
                    self.i += 1;
                    (no, rest)
                }
            };
            let n = key_len(text)?;
            let name = &text[..n];
            let after = text[n..].strip_prefix(':')?;
            self.count()?;
            let key = Key {
                name: name.to_string(),
                pos: Pos::new(no, indent + 1),
            };
            if entries.iter().any(|(k, _)| k.name == key.name) {
                return None;
            }
            let value = self.value(indent, &key, no, after, indent + n + 1)?;
            entries.push((key, value));
        }
        self.depth -= 1;
        let pos = entries.first()?.0.pos;
        Some(Node {
            pos,
            value: Value::Map(entries),
        })
    }

    /// The value of `key` (at column `indent`), whose line `no` goes on
    /// with `after` (what follows the `:`, at column `col`).
    fn value(
        &mut self,
        indent: usize,
        key: &Key,
        no: usize,
        after: &'a str,
        col: usize,
    ) -> Option<Node> {
        if nothing(after) {
            // A nested block, or nothing at all.
            let next = self.peek().map(|l| (l.indent, l.rest));
            return match next {
                Some((c, rest)) if c > indent => {
                    if rest.starts_with('#') {
                        None
                    } else if rest.starts_with("- ") {
                        self.sequence(c)
                    } else {
                        self.mapping(c, None)
                    }
                }
                Some((c, rest)) if c == indent && rest.starts_with('-') => None,
                _ => {
                    self.count()?;
                    Some(Node {
                        pos: key.pos,
                        value: Value::Scalar {
                            text: String::new(),
                            plain: true,
                        },
                    })
                }
            };
        }
        let text = after.strip_prefix(' ')?;
        let spaces = text.len() - text.trim_start_matches(' ').len();
        let text = &text[spaces..];
        let col = col + 1 + spaces;
        if let Some(header) = text.strip_prefix('|') {
            return self.literal(indent, header);
        }
        let scalar = plain(text)?;
        self.scalar_ends_here(indent)?;
        self.count()?;
        Some(Node {
            pos: Pos::new(no, col + 1),
            value: Value::Scalar {
                text: scalar.to_string(),
                plain: true,
            },
        })
    }

    /// A plain scalar has no continuation: the next line is not indented
    /// deeper than its key.
    fn scalar_ends_here(&mut self, indent: usize) -> Option<()> {
        let i = self.i;
        let deeper = self.peek().is_some_and(|l| l.indent > indent);
        self.i = i;
        (!deeper).then_some(())
    }

    /// A literal block scalar (`|`, `|-`, `|+`) under a key at column
    /// `indent`; `header` follows the `|`.
    fn literal(&mut self, indent: usize, header: &str) -> Option<Node> {
        let (chomp, rest) = match header.as_bytes().first() {
            Some(b'-') => (Chomp::Strip, &header[1..]),
            Some(b'+') => (Chomp::Keep, &header[1..]),
            _ => (Chomp::Clip, header),
        };
        if !nothing(rest) {
            return None;
        }
        // The first line sets the indentation; a block that starts with
        // empty lines, or is empty, is left to yaml-rust2.
        let first = self.lines.get(self.i)?;
        if first.blank() || first.indent <= indent {
            return None;
        }
        let m = first.indent;
        let pos = Pos::new(first.no, m + 1);
        let mut text = String::new();
        let mut empty_run = 0;
        while let Some(l) = self.lines.get(self.i) {
            if l.blank() {
                if l.indent > m {
                    return None;
                }
                empty_run += 1;
            } else if l.indent >= m {
                for _ in 0..empty_run {
                    text.push('\n');
                }
                empty_run = 0;
                for _ in m..l.indent {
                    text.push(' ');
                }
                text.push_str(l.rest);
                text.push('\n');
            } else {
                break;
            }
            self.i += 1;
        }
        // What follows the block is less indented than its key's column
        // would allow inside it.
        if let Some(l) = self.lines.get(self.i)
            && l.indent > indent
        {
            return None;
        }
        match chomp {
            Chomp::Clip => {}
            Chomp::Strip => {
                text.pop();
            }
            Chomp::Keep => {
                for _ in 0..empty_run {
                    text.push('\n');
                }
            }
        }
        self.count()?;
        Some(Node {
            pos,
            value: Value::Scalar { text, plain: false },
        })
    }

    /// A block sequence whose `- ` are at column `indent`.
    fn sequence(&mut self, indent: usize) -> Option<Node> {
        self.count()?;
        let mut items = Vec::new();
        let mut pos = None;
        while let Some(l) = self.peek() {
            if l.indent < indent {
                break;
            }
            if l.indent > indent {
                return None;
            }
            let (no, rest) = (l.no, l.rest);
            let item = rest.strip_prefix("- ")?;
            self.i += 1;
            pos.get_or_insert(Pos::new(no, indent + 1));
            let spaces = item.len() - item.trim_start_matches(' ').len();
            if spaces > 0 {
                return None;
            }
            let col = indent + 2;
            let is_key = key_len(item).is_some_and(|n| {
                item[n..]
                    .strip_prefix(':')
                    .is_some_and(|a| a.is_empty() || a.starts_with(' '))
            });
            let node = if is_key {
                self.mapping(col, Some((no, item)))?
            } else {
                let scalar = plain(item)?;
                self.scalar_ends_here(indent)?;
                self.count()?;
                Node {
                    pos: Pos::new(no, col + 1),
                    value: Value::Scalar {
                        text: scalar.to_string(),
                        plain: true,
                    },
                }
            };
            items.push(node);
        }
        Some(Node {
            pos: pos?,
            value: Value::Seq(items),
        })
    }
}

enum Chomp {
    Clip,
    Strip,
    Keep,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::parse_events;

    /// Whether the fast path read `src`; when it did, its tree must be
    /// yaml-rust2's.
    fn same(src: &str) -> bool {
        let Some(fast) = super::parse(src) else {
            return false;
        };
        match parse_events(src) {
            Ok(slow) => assert_eq!(Some(fast), slow, "{src:?}"),
            Err(e) => panic!("the fast path read what yaml-rust2 refuses ({e:?}): {src:?}"),
        }
        true
    }

    const SYNTHETIC: &str = "version: 1.0.0\ndate: 2020-09-03\nsummary: Benchmark skills coding. build of model-0 from the versioned channel.\nrevision: 1d5fee23d90bfafaf04b344393d458b2c0d5be43\ntaxonomy: cmb-run-2020-09-03\ntaxonomy_commit: e2771613\nartifacts:\n  - format: safetensors\n    file: model.safetensors\n    size: 13197583205\n    sha256: afaa95ae167e6a73b7bb68015c64d366fd452a4ab2521945d44c5c499427d694\n  - format: gguf\n    file: model-0-Q4_K_M.gguf\n    repo: bench/model-0-GGUF\n    quantization: Q4_K_M\n    size: 4036581965\nevaluations:\n  mt_bench: 7.08\n  mmlu: 0.48\nnotes: |\n  ## What's new in 1.0.0\n\n  - Tokenizer alignment.\n\n  | Skill | Examples |\n  |:--|--:|\n  | math | 12 |\n\n  ```shell\n  ilab model download --release 1.0.0\n  ```\n\n  - [x] Data coding.\n";

    #[test]
    fn the_manifests_of_the_repository_and_its_fixtures() {
        assert!(same(SYNTHETIC), "a synthetic manifest takes the fast path");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut fast = 0;
        let mut all = 0;
        for dir in ["releases", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.unwrap();
                if entry.path().extension().is_some_and(|e| e == "yaml")
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    all += 1;
                    if same(text.strip_prefix('\u{feff}').unwrap_or(&text)) {
                        fast += 1;
                    }
                }
            }
        }
        assert!(
            all > 100 && fast * 2 > all,
            "{fast} of {all} took the fast path"
        );
    }

    #[test]
    fn shapes_and_edges() {
        for (src, fast) in [
            ("a: 1\n", true),
            ("a: 1\nb:\nc: x # note\n", true),
            ("# yaml-language-server: x\nversion: 1.10\n", true),
            ("a:   spaced   \n", true),
            (
                "list:\n  - a: 1\n    b: |\n      x\n      y\n\n  - c\n",
                true,
            ),
            ("n: |-\n  keep\nlast: v # c\n", true),
            ("n: |+\n  keep\n\n\nlast: v\n", true),
            ("n: |+\n  keep\n\n", true),
            ("n: |\n  a\n\n  b\n\n", true),
            ("n: |\n    deeper\n  less\n", false),
            ("n: |\n  a\n   \n  b\n", false),
            ("n: |\n\n  late\n", false),
            ("n: |\nx: 1\n", false),
            ("n: |2\n  x\n", false),
            ("n: >\n  x\n", false),
            ("seq:\n- a\n", false),
            ("a: 'q'\n", false),
            ("a: \"q\"\n", false),
            ("a: [1, 2]\n", false),
            ("a: {b: 1}\n", false),
            ("a: &x 1\nb: *x\n", false),
            ("a: !!str 1\n", false),
            ("a: b: c\n", false),
            ("a: multi\n  line\n", false),
            ("a: 1\na: 2\n", false),
            ("a:\tb\n", false),
            ("a: 1", false),
            ("a: 1\r\n", false),
            ("---\na: 1\n", false),
            ("a: 1\n...\n", false),
            ("  a: 1\n", false),
            ("a:\n  b:\n    c: d\n  e: f\n", true),
            ("a:\n  - x\n  - y: 1\n    z:\n  - - nested\n", false),
            ("a:\n  -\n", false),
            ("a:\n  # comment\n  b: 1\n", false),
            ("a: x#y\nb: C# and F#\n", true),
            ("a: http://x.org/a?b=1\n", true),
            ("a: ~\nb: null\nc: -1\nd: .inf\n", false),
            ("b: null\nd: .inf\ne: 1e3\n", true),
            ("k-1: v\nk.2: w\nk_3: x\n", true),
            ("é: x\n", false),
            ("a: é€🚀\n", true),
            ("a: \u{1}\n", false),
            ("a: \u{85}x\n", false),
        ] {
            assert_eq!(same(src), fast, "{src:?}");
        }
    }

    /// Lines to build documents from, at random indentations.
    const LINES: &[&str] = &[
        "a: 1",
        "b: text with words",
        "c:",
        "d: |",
        "e: |-",
        "f: |+",
        "- g: 1",
        "- h",
        "- ",
        "-",
        "text line",
        "# comment",
        "",
        "k: v # trailing",
        "k2: v#x",
        "key: 'quoted'",
        "key: a: b",
        "x: [1]",
        "y: &a z",
        "z: *a",
        "version: 1.10",
        "date: 2024-09-16",
        "---",
        "| table |",
        "  ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]
        #[test]
        fn random_block_documents_match_yaml_rust2(
            lines in prop::collection::vec((0..LINES.len(), 0..4usize), 1..16)
        ) {
            let src: String = lines
                .iter()
                .map(|&(l, indent)| format!("{}{}\n", "  ".repeat(indent), LINES[l]))
                .collect();
            same(&src);
        }

        #[test]
        fn manifest_shaped_documents_match_yaml_rust2(
            doc in prop::collection::vec((0..KEYS.len(), 0..6usize, 0..VALUES.len(), 1..5usize, 0..3usize), 1..10),
            step in 1..4usize,
        ) {
            let mut src = String::new();
            let pad = |n: usize| " ".repeat(n * step);
            for (n, &(k, shape, v, len, extra)) in doc.iter().enumerate() {
                let key = format!("{}{n}", KEYS[k]);
                let value = VALUES[v];
                match shape {
                    0 => src.push_str(&format!("{key}: {value}\n")),
                    1 => src.push_str(&format!("{key}:{}\n", [" # empty", "", "   "][extra])),
                    2 => {
                        src.push_str(&format!("{key}: |{}\n", ["", "-", "+"][extra]));
                        for i in 0..len {
                            src.push_str(&format!("{}{}{value}\n", pad(1), pad(i % 2)));
                            if i % 3 == 1 {
                                src.push('\n');
                            }
                        }
                    }
                    3 => {
                        src.push_str(&format!("{key}:\n"));
                        for i in 0..len {
                            src.push_str(&format!("{}k{i}: {value}\n", pad(1)));
                        }
                    }
                    4 => {
                        src.push_str(&format!("{key}:\n"));
                        for i in 0..len {
                            src.push_str(&format!("{}- {value}{i}\n", pad(1)));
                        }
                    }
                    _ => {
                        src.push_str(&format!("{key}:\n"));
                        for i in 0..len {
                            src.push_str(&format!("{}- a{i}: {value}\n", pad(1)));
                            src.push_str(&format!("{}  b{i}:\n", pad(1)));
                            if extra == 1 {
                                src.push_str(&format!("{}  c: |\n{}    {value}\n", pad(1), pad(1)));
                            }
                        }
                    }
                }
                if extra == 2 {
                    src.push_str(["\n", "# between\n"][n % 2]);
                }
            }
            prop_assert!(same(&src), "the fast path reads {src:?}");
        }
    }

    const KEYS: &[&str] = &[
        "version", "date", "notes", "k", "mt_bench", "model-x", "a.b",
    ];
    const VALUES: &[&str] = &[
        "1.10",
        "2024-09-16",
        "Granite 7B Lab 1.1.0",
        "0123456789abcdef",
        "https://x.org/a?b=1&c=2",
        "C# and F#",
        "a #comment",
        "é€🚀 text",
        "7.23",
        "null",
        "x:y",
        "trailing   ",
        "1e3",
        "true",
    ];
}
