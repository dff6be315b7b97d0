//! A YAML tree that remembers where every node came from.
//!
//! Manifests are read with `yaml-rust2`'s event parser rather than `serde_yaml`
//! for two reasons the contract depends on: every scalar is kept exactly as
//! written (`version: 1.10` is the string `1.10`, not the float `1.1`), and
//! every key and value keeps its line and column so that a finding can point
//! at the line a maintainer must change.
//!
//! Every file takes this one path, whatever its YAML style (quoted, block or
//! flow, comments, anchors, `---`/`...`, CRLF): the same data gives the same
//! tree. Of the parsers that keep positions and scalar styles, yaml-rust2 was
//! the fastest on the benchmark's manifests (saphyr-parser, libyaml-safer and
//! unsafe-libyaml-norway took 9 %, 80 to 90 % and 110 to 120 % more
//! instructions); see the README's "Performance" section.
//!
//! The loader is defensive: nesting deeper than [`MAX_DEPTH`], alias
//! expansion past [`MAX_NODES`], duplicate keys and multiple documents are
//! errors, never a stack overflow or an exponential blow-up.
//!
//! Part of the model layer.

pub mod hint;

use std::collections::HashSet;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting a manifest may have; real manifests need four levels.
pub const MAX_DEPTH: usize = 64;
/// Most nodes a document may expand to, aliases included.
pub const MAX_NODES: usize = 100_000;

/// A line and column in a source file, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }
    fn from_marker(m: &Marker) -> Self {
        // yaml-rust2 counts lines from 1 and columns from 0.
        Pos {
            line: m.line().max(1),
            column: m.col() + 1,
        }
    }
}

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `plain` is false for quoted and block scalars,
    /// which are always strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys in document order, each with its own position.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

impl Node {
    /// The plain-text scalar, if this node is one (not null).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// True for `~`, `null`, `Null`, `NULL` and an empty plain scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// A YAML 1.2 core-schema boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A finite number written as a plain scalar.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Scalar { text, plain: true } => {
                let t = text.trim();
                // Rust accepts "inf" and "nan"; YAML spells them `.inf`, and
                // neither is a finite number.
                if t.is_empty()
                    || t.chars()
                        .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
                {
                    return None;
                }
                t.parse::<f64>().ok().filter(|v| v.is_finite())
            }
            _ => None,
        }
    }

    /// A non-negative integer written as a plain scalar.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.value {
            Value::Scalar { text, plain: true } => {
                let t = text.trim().replace('_', "");
                t.strip_prefix('+').unwrap_or(&t).parse::<u64>().ok()
            }
            _ => None,
        }
    }

    /// A signed integer written as a plain scalar.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar { text, plain: true } => text.trim().parse::<i64>().ok(),
            _ => None,
        }
    }

    /// What kind of value this is, for "expected a string, found a list".
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "nothing",
            Value::Scalar { .. } if self.as_bool().is_some() => "a boolean",
            Value::Scalar { plain: true, .. } if self.as_f64().is_some() => "a number",
            Value::Scalar { .. } => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }
}

/// Parse one YAML document. An empty document (or one holding only comments)
/// is `Ok(None)`.
pub fn parse(source: &str) -> Result<Option<Node>, SyntaxError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut parser = Parser::new_from_str(source);
    let mut builder = Builder::default();
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| SyntaxError {
            pos: Pos::from_marker(e.marker()),
            message: e.info().to_string(),
        })?;
        let pos = Pos::from_marker(&mark);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        pos,
                        message: "a second YAML document; a file holds exactly one".into(),
                    });
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::Alias(id) => builder.alias(id, pos)?,
            Event::Scalar(text, style, anchor, _tag) => {
                let plain = style == TScalarStyle::Plain;
                builder.push(
                    Node {
                        pos,
                        value: Value::Scalar { text, plain },
                    },
                    anchor,
                )?;
            }
            Event::SequenceStart(anchor, _) => builder.open(pos, anchor, false)?,
            Event::MappingStart(anchor, _) => builder.open(pos, anchor, true)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close()?,
        }
    }
    Ok(builder.root)
}

#[derive(Default)]
struct Builder {
    /// Open collections: (node, anchor, pending key for maps).
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
    nodes: usize,
}

struct Frame {
    node: Node,
    anchor: usize,
    key: Option<Key>,
    /// Key names of a large mapping so far, so that finding a duplicate
    /// stays linear in a mapping with tens of thousands of keys.
    names: HashSet<String>,
}

fn size(node: &Node) -> usize {
    // Iterative, so that a pathological tree cannot overflow the stack.
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.value {
            Value::Scalar { .. } => {}
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => todo.extend(entries.iter().map(|(_, v)| v)),
        }
    }
    count
}

impl Builder {
    fn open(&mut self, pos: Pos, anchor: usize, map: bool) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                pos,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        self.count(pos, 1)?;
        let value = if map {
            Value::Map(Vec::new())
        } else {
            Value::Seq(Vec::new())
        };
        self.stack.push(Frame {
            node: Node { pos, value },
            anchor,
            key: None,
            names: HashSet::new(),
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        let frame = self.stack.pop().expect("parser balances collections");
        if let Some(key) = frame.key {
            return Err(SyntaxError {
                pos: key.pos,
                message: format!("key `{}` has no value", key.name),
            });
        }
        self.attach(frame.node, frame.anchor)
    }

    fn count(&mut self, pos: Pos, n: usize) -> Result<(), SyntaxError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                pos,
                message: format!("the document expands to more than {MAX_NODES} values"),
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        self.count(node.pos, 1)?;
        self.attach(node, anchor)
    }

    fn alias(&mut self, id: usize, pos: Pos) -> Result<(), SyntaxError> {
        let Some((_, target)) = self.anchors.iter().rev().find(|(a, _)| *a == id) else {
            return Err(SyntaxError {
                pos,
                message: "alias to an anchor that is not defined before it".into(),
            });
        };
        let mut copy = target.clone();
        self.count(pos, size(&copy))?;
        copy.pos = pos;
        self.attach(copy, 0)
    }

    fn attach(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.node.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match frame.key.take() {
                None => {
                    let pos = node.pos;
                    let name = match node.value {
                        Value::Scalar { text, .. } => text,
                        _ => {
                            return Err(SyntaxError {
                                pos,
                                message: "a key must be plain text, not a list or mapping".into(),
                            });
                        }
                    };
                    // A scan of a small mapping; a set of its names once it
                    // is large.
                    let duplicate = if entries.len() < 32 {
                        entries.iter().any(|(k, _)| k.name == name)
                    } else {
                        if frame.names.is_empty() {
                            frame.names = entries.iter().map(|(k, _)| k.name.clone()).collect();
                        }
                        !frame.names.insert(name.clone())
                    };
                    if duplicate {
                        return Err(SyntaxError {
                            pos,
                            message: format!("duplicate key `{name}`"),
                        });
                    }
                    // yaml-rust2 marks a block mapping at the `:` of its
                    // first key; the mapping starts at that key.
                    if entries.is_empty() && pos < frame.node.pos {
                        frame.node.pos = pos;
                    }
                    frame.key = Some(Key { name, pos });
                }
                Some(key) => {
                    // An empty value (`key:` and nothing after it) is marked
                    // where the parser noticed it, the next line: point at
                    // the key instead.
                    let mut node = node;
                    if matches!(&node.value, Value::Scalar { text, plain: true } if text.is_empty())
                    {
                        node.pos = key.pos;
                    }
                    entries.push((key, node))
                }
            },
            Value::Scalar { .. } => unreachable!("scalars are never open frames"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scalars_as_written_with_positions() {
        let doc = parse("version: 1.10\ndate: 2025-03-01\nlist:\n  - a\n  - 'b'\n")
            .unwrap()
            .unwrap();
        let map = doc.as_map().unwrap();
        assert_eq!(map[0].0.name, "version");
        assert_eq!(map[0].0.pos, Pos::new(1, 1));
        assert_eq!(doc.get("version").unwrap().as_str(), Some("1.10"));
        assert_eq!(doc.get("version").unwrap().pos, Pos::new(1, 10));
        assert_eq!(doc.get("date").unwrap().as_str(), Some("2025-03-01"));
        let list = doc.get("list").unwrap().as_seq().unwrap();
        assert_eq!(list[1].pos.line, 5);
    }

    #[test]
    fn block_mappings_start_at_their_first_key() {
        let doc = parse("version: 1\nitems:\n  - format: gguf\n    file: x\n  - {a: 1}\n")
            .unwrap()
            .unwrap();
        assert_eq!(doc.pos, Pos::new(1, 1));
        let items = doc.get("items").unwrap().as_seq().unwrap();
        assert_eq!(items[0].pos, Pos::new(3, 5));
        assert_eq!(items[1].pos, Pos::new(5, 5));
    }

    #[test]
    fn an_empty_value_points_at_its_key() {
        let doc = parse("summary:   # TODO\nrevision:\nlist:\n  - a: \n    b: 1\n")
            .unwrap()
            .unwrap();
        assert!(doc.get("summary").unwrap().is_null());
        assert_eq!(doc.get("summary").unwrap().pos, Pos::new(1, 1));
        assert_eq!(doc.get("revision").unwrap().pos, Pos::new(2, 1));
        let item = &doc.get("list").unwrap().as_seq().unwrap()[0];
        assert_eq!(item.get("a").unwrap().pos.line, 4);
    }

    #[test]
    fn empty_and_comment_only_documents_are_none() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# nothing\n").unwrap(), None);
    }

    #[test]
    fn duplicate_keys_are_errors_with_the_line() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos.line, 3);
        assert!(err.message.contains("duplicate key `a`"));
    }

    #[test]
    fn tabs_and_bad_syntax_are_errors() {
        assert!(parse("a:\n\t- b\n").is_err());
        assert!(parse("a: [1, 2\n").is_err());
        assert!(parse("a: b\n---\nc: d\n").is_err());
    }

    #[test]
    fn bom_is_ignored() {
        let doc = parse("\u{feff}a: b\n").unwrap().unwrap();
        assert_eq!(doc.get("a").unwrap().as_str(), Some("b"));
    }

    #[test]
    fn aliases_expand_and_bombs_are_stopped() {
        let doc = parse("x: &a [1, 2]\ny: *a\n").unwrap().unwrap();
        assert_eq!(doc.get("y").unwrap().as_seq().unwrap().len(), 2);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("expands"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
        let deep_map: String = (0..200)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        assert!(parse(&deep_map).is_err());
    }

    #[test]
    fn numbers_and_booleans() {
        let doc = parse("a: 7.23\nb: .inf\nc: true\nd: '1'\ne: 12\n")
            .unwrap()
            .unwrap();
        assert_eq!(doc.get("a").unwrap().as_f64(), Some(7.23));
        assert_eq!(doc.get("b").unwrap().as_f64(), None);
        assert_eq!(doc.get("c").unwrap().as_bool(), Some(true));
        assert_eq!(doc.get("d").unwrap().as_f64(), None);
        assert_eq!(doc.get("e").unwrap().as_u64(), Some(12));
    }

    /// A tree's values without positions or styles, for comparing trees.
    fn values(node: &Node) -> String {
        match &node.value {
            Value::Scalar { text, .. } => format!("{text:?}"),
            Value::Seq(items) => format!(
                "[{}]",
                items.iter().map(values).collect::<Vec<_>>().join(", ")
            ),
            Value::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{:?}: {}", k.name, values(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    #[test]
    fn every_style_gives_the_same_values() {
        let plain = "version: 1.10\ndate: 2025-03-01\nsummary: First release of the line.\n\
            notes: |\n  ## New\n\n  - one\nartifacts:\n  - format: gguf\n    size: 4080218931\n\
            \x20 - format: gguf\n    size: 1\nevaluations:\n  mt_bench: 7.23\n";
        let styles = [
            ("single-quoted", "version: '1.10'\ndate: '2025-03-01'\nsummary: 'First release of the line.'\n\
                notes: \"## New\\n\\n- one\\n\"\nartifacts:\n  - format: 'gguf'\n    size: 4080218931\n\
                \x20 - 'format': 'gguf'\n    size: 1\nevaluations:\n  'mt_bench': 7.23\n".to_string()),
            ("double-quoted", "\"version\": \"1.10\"\ndate: \"2025-03-01\"\nsummary: \"First release \\x6ff the line.\"\n\
                notes: \"## New\\n\\n\\\n  - one\\n\"\nartifacts:\n- format: \"gguf\"\n  size: 4080218931\n\
                - format: \"\\u0067guf\"\n  size: 1\nevaluations:\n  mt_bench: 7.23\n".to_string()),
            ("flow", "{version: 1.10, date: 2025-03-01, summary: First release of the line.,\n  \
                notes: \"## New\\n\\n- one\\n\", artifacts: [{format: gguf, size: 4080218931},\n  \
                {format: gguf, size: 1}], evaluations: {mt_bench: 7.23}}\n".to_string()),
            ("block scalars", "version: 1.10\ndate: 2025-03-01\nsummary: >-\n  First release\n  of the line.\n\
                notes: |2\n  ## New\n\n  - one\nartifacts:\n    -   format: gguf\n        size: 4080218931\n\
                \x20   -   format: gguf\n        size: 1\nevaluations:\n    mt_bench: 7.23\n".to_string()),
            ("anchors and comments", "%YAML 1.2\n--- # a release\n# the version\nversion: 1.10  # as written\n\
                date: 2025-03-01\nsummary: First release\n  of the line.\nnotes: |  # markdown\n  ## New\n\n  - one\n\
                artifacts:\n  - format: &f gguf\n    size: 4080218931\n  # the next one\n  - format: *f\n    size: 1\n\
                ? evaluations\n: {mt_bench: 7.23}\n...\n".to_string()),
            ("CRLF", plain.replace('\n', "\r\n")),
        ];
        let expected = parse(plain).unwrap().unwrap();
        for (style, source) in &styles {
            let doc = parse(source)
                .unwrap_or_else(|e| panic!("{style}: {e:?}"))
                .unwrap();
            assert_eq!(values(&doc), values(&expected), "{style}");
            // Numbers stay numbers; quoted or not, the version is text.
            let artifacts = doc.get("artifacts").unwrap().as_seq().unwrap();
            assert_eq!(
                artifacts[0].get("size").unwrap().as_u64(),
                Some(4080218931),
                "{style}"
            );
            let eval = doc.get("evaluations").unwrap();
            assert_eq!(
                eval.get("mt_bench").unwrap().as_f64(),
                Some(7.23),
                "{style}"
            );
            assert_eq!(
                doc.get("version").unwrap().as_str(),
                Some("1.10"),
                "{style}"
            );
        }
        // A quoted number is text, a plain one a number.
        let quoted = parse("size: '12'\n").unwrap().unwrap();
        assert_eq!(quoted.get("size").unwrap().as_u64(), None);
        assert_eq!(quoted.get("size").unwrap().as_str(), Some("12"));
    }

    #[test]
    fn crlf_files_keep_lines_and_columns() {
        let lf = "version: 1.0.0\nnotes: |\n  a\n\n  b\nlist:\n  - x: 1\n    y: 'two'\n";
        let crlf = lf.replace('\n', "\r\n");
        let (a, b) = (parse(lf).unwrap().unwrap(), parse(&crlf).unwrap().unwrap());
        assert_eq!(a, b);
        assert_eq!(b.get("notes").unwrap().as_str(), Some("a\n\nb\n"));
        let item = &b.get("list").unwrap().as_seq().unwrap()[0];
        assert_eq!(item.get("y").unwrap().pos, Pos::new(8, 8));
        let err = parse("a: 1\r\nb: [1, 2\r\nc: 3\r\n").unwrap_err();
        let lf_err = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert_eq!(err.pos, lf_err.pos);
    }
}
