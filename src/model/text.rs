//! What counts as plain text in a site's inputs (SPEC 5): no C0 or C1
//! control character (tab and line break only where a field is prose, such
//! as `notes` and `reason`) and no Unicode noncharacter, in any value or
//! key of a manifest, of a content page's front matter or of
//! `cadence.toml`; and the character sets of the artifact fields that end
//! up in URLs and shell commands. The feeds, pages and calendars are built
//! from these values: a control character there makes an ill-formed XML
//! file that every feed reader drops.
//!
//! Part of the model layer.

use crate::model::yaml::{Node, Pos, Value};

/// The first character of `text` that plain text may not hold: a control
/// character (tab and line break allowed when `prose`; trailing line breaks,
/// which a YAML block scalar adds, always) or a noncharacter.
pub fn fault(text: &str, prose: bool) -> Option<char> {
    let body = text.trim_end_matches('\n');
    if printable_ascii(body.as_bytes(), prose) {
        return None;
    }
    body.chars().find(|&c| {
        if c == '\t' || c == '\n' {
            return !prose;
        }
        c.is_control() || is_noncharacter(c)
    })
}

/// Whether `bytes` are all printable ASCII (and tabs and line breaks when
/// `prose`), as most text is: a pass without a branch per byte, which the
/// compiler vectorises, in blocks so that a fault stops it early.
fn printable_ascii(bytes: &[u8], prose: bool) -> bool {
    bytes.chunks(64).all(|block| {
        block.iter().fold(true, |ok, &b| {
            let printable = b.wrapping_sub(0x20) < 0x5f;
            let spacing = (b == b'\n') | (b == b'\t');
            ok & (printable | (prose & spacing))
        })
    })
}

/// U+FDD0..U+FDEF and the last two code points of every plane.
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// "`summary` holds a control character (U+0001); ...": why `c` may not be
/// in the text of `field`.
pub fn message(field: &str, c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    match c {
        '\n' => format!("`{field}` spans lines; only prose such as `notes` and `reason` may"),
        '\t' => {
            format!("`{field}` holds a tab ({code}); only prose such as `notes` and `reason` may")
        }
        c if c.is_control() => {
            format!("`{field}` holds a control character ({code}); text is plain Unicode text")
        }
        _ => format!("`{field}` holds the noncharacter {code}; text is plain Unicode text"),
    }
}

/// Check every key and scalar of a YAML tree: `report(pos, message)` for
/// each that is not plain text. A value under a key in `prose` may hold
/// tabs and line breaks.
pub fn check_yaml(root: &Node, prose: &[&str], report: &mut dyn FnMut(Pos, String)) {
    // The tree is at most `yaml::MAX_DEPTH` deep, so recursion is bounded;
    // the path of a value is written out only when it is reported.
    fn walk<'a>(
        node: &'a Node,
        path: &mut Vec<Segment<'a>>,
        is_prose: bool,
        prose: &[&str],
        report: &mut dyn FnMut(Pos, String),
    ) {
        match &node.value {
            Value::Scalar { text, .. } => {
                if let Some(c) = fault(text, is_prose) {
                    report(node.pos, message(&dotted(path), c));
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    walk(item, path, false, prose, report);
                    path.pop();
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries {
                    if let Some(c) = fault(&key.name, false) {
                        report(key.pos, message_for_key(&dotted(path), c));
                        continue;
                    }
                    path.push(Segment::Key(&key.name));
                    let is_prose = prose.contains(&key.name.as_str());
                    walk(value, path, is_prose, prose, report);
                    path.pop();
                }
            }
        }
    }
    walk(root, &mut Vec::new(), false, prose, report);
}

/// One step of the path to a value: a key, or an index in a list.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `artifacts.0.file`.
fn dotted(path: &[Segment]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|s| match s {
            Segment::Key(k) => (*k).to_string(),
            Segment::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".")
}

type TomlTodo<'a, 'i> = Vec<(&'a toml::Spanned<toml::de::DeValue<'i>>, String, bool)>;

/// Check every key and string of a TOML document (already known to parse):
/// `report(pos, message)` for each that is not plain text. A string under
/// a key in `prose` may hold tabs and line breaks.
pub fn check_toml(source: &str, prose: &[&str], report: &mut dyn FnMut(Pos, String)) {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(source) else {
        return;
    };
    let mut todo: TomlTodo = Vec::new();
    toml_table(source, doc.get_ref(), "", prose, &mut todo, report);
    while let Some((value, path, is_prose)) = todo.pop() {
        match value.get_ref() {
            DeValue::String(s) => {
                if let Some(c) = fault(s, is_prose) {
                    report(
                        crate::model::read::position(source, value.span().start),
                        message(&path, c),
                    );
                }
            }
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    todo.push((item, join(&path, &i.to_string()), false));
                }
            }
            DeValue::Table(t) => toml_table(source, t, &path, prose, &mut todo, report),
            _ => {}
        }
    }
}

/// The keys of one TOML table checked, its values queued.
fn toml_table<'a, 'i>(
    source: &str,
    table: &'a toml::de::DeTable<'i>,
    path: &str,
    prose: &[&str],
    todo: &mut TomlTodo<'a, 'i>,
    report: &mut dyn FnMut(Pos, String),
) {
    for (key, value) in table.iter() {
        if let Some(c) = fault(key.get_ref(), false) {
            let pos = crate::model::read::position(source, key.span().start);
            report(pos, message_for_key(path, c));
            continue;
        }
        let is_prose = prose.contains(&key.get_ref().as_ref());
        todo.push((value, join(path, key.get_ref()), is_prose));
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The message for a key that is not plain text.
pub fn message_for_key(parent: &str, c: char) -> String {
    let what = if parent.is_empty() {
        "a key".to_string()
    } else {
        format!("a key in `{parent}`")
    };
    let code = format!("U+{:04X}", u32::from(c));
    if is_noncharacter(c) {
        format!("{what} holds the noncharacter {code}; keys are plain text")
    } else {
        format!("{what} holds a control character ({code}); keys are plain text")
    }
}

/// The characters a field may hold: ASCII letters, digits and `punct`.
#[derive(Debug, Clone, Copy)]
pub struct CharSet {
    /// The punctuation allowed, `-` last (so that [`CharSet::pattern`] is
    /// a valid regular expression class).
    pub punct: &'static str,
}

/// An artifact's `file`: `[A-Za-z0-9._+/-]`.
pub const FILE: CharSet = CharSet { punct: "._+/-" };
/// An artifact's `quantization`: `[A-Za-z0-9._-]`.
pub const QUANTIZATION: CharSet = CharSet { punct: "._-" };
/// A release's `ollama` name: `[A-Za-z0-9._/:-]`.
pub const OLLAMA: CharSet = CharSet { punct: "._/:-" };

impl CharSet {
    /// The first character of `text` outside the set.
    pub fn fault(&self, text: &str) -> Option<char> {
        text.chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || self.punct.contains(c)))
    }

    /// The set as a regular-expression class, `[A-Za-z0-9._-]`.
    pub fn class(&self) -> String {
        format!("[A-Za-z0-9{}]", self.punct)
    }

    /// A JSON Schema (ECMA 262) pattern of one or more such characters.
    pub fn pattern(&self) -> String {
        format!("^{}+$", self.class())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text() {
        assert_eq!(fault("A build.", false), None);
        assert_eq!(fault("a\u{1}b", true), Some('\u{1}'));
        assert_eq!(fault("a\u{85}b", true), Some('\u{85}'));
        assert_eq!(fault("a\u{7f}b", true), Some('\u{7f}'));
        assert_eq!(fault("a\rb", true), Some('\r'));
        assert_eq!(fault("a\tb\nc\n", true), None);
        assert_eq!(fault("a\tb", false), Some('\t'));
        assert_eq!(fault("one line\n", false), None);
        assert_eq!(fault("two\nlines", false), Some('\n'));
        assert_eq!(fault("\u{FFFE}", true), Some('\u{FFFE}'));
        assert_eq!(fault("\u{10FFFF}", true), Some('\u{10FFFF}'));
        assert_eq!(fault("\u{1FFFE}", true), Some('\u{1FFFE}'));
        assert_eq!(fault("\u{FDEF}", true), Some('\u{FDEF}'));
        assert_eq!(fault("\u{FDF0}é€😀", true), None);
    }

    #[test]
    fn char_sets() {
        assert_eq!(FILE.fault("sub/m-1.0+fix_Q4.gguf"), None);
        assert_eq!(FILE.fault("x.gguf; touch"), Some(';'));
        assert_eq!(QUANTIZATION.fault("Q4$(id)"), Some('$'));
        assert_eq!(QUANTIZATION.fault("Q4/K"), Some('/'));
        assert_eq!(OLLAMA.fault("hf.co/o/m:Q4_K_M"), None);
        assert_eq!(OLLAMA.fault("o/m:1 x"), Some(' '));
        assert_eq!(FILE.pattern(), "^[A-Za-z0-9._+/-]+$");
        assert_eq!(OLLAMA.class(), "[A-Za-z0-9._/:-]");
    }

    #[test]
    fn yaml_trees() {
        let doc = crate::model::yaml::parse(
            "a: \"x\\ty\"\nnotes: \"x\\ty\\n\"\nlist:\n  - \"\\u0001\"\n\"k\\e\": 1\n",
        )
        .unwrap()
        .unwrap();
        let mut found = Vec::new();
        check_yaml(&doc, &["notes"], &mut |pos, msg| {
            found.push((pos.line, msg))
        });
        found.sort();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, 1);
        assert!(found[0].1.contains("`a` holds a tab"), "{found:?}");
        assert!(found[1].1.contains("`list.0` holds a control"), "{found:?}");
        assert!(found[2].1.contains("a key holds a control"), "{found:?}");
    }
}
