//! The edits behind [`super::SiteTest::manifest`] (top-level keys of a
//! manifest, line by line) and [`super::SiteTest::config`] (a TOML snippet
//! merged with `toml_edit`).

use toml_edit::{DocumentMut, Item, Table};

/// One top-level entry of a YAML text: its key and its lines.
struct Entry<'a> {
    key: &'a str,
    lines: Vec<&'a str>,
}

/// Whether `line` starts a top-level entry (column 0, not blank, not a
/// comment, not a list item or `---`).
fn starts_entry(line: &str) -> bool {
    !line.trim().is_empty() && !line.starts_with([' ', '\t', '#', '-'])
}

/// Whether `line` belongs to the entry above it.
fn continues(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with([' ', '\t']) || line == "-" || line.starts_with("- ")
}

fn key_of(line: &str) -> &str {
    line.split(':').next().unwrap().trim_end()
}

/// The entries of `snippet`; every line must belong to one.
fn entries(snippet: &str) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry> = Vec::new();
    for line in snippet.lines() {
        if starts_entry(line) {
            out.push(Entry {
                key: key_of(line),
                lines: vec![line],
            });
        } else {
            let last = out
                .last_mut()
                .unwrap_or_else(|| panic!("the snippet does not start with a key:\n{snippet}"));
            last.lines.push(line);
        }
    }
    out
}

/// `text` with each top-level entry of `snippet` in place of the entry of
/// the same key, or appended (see `SiteTest::manifest`). Lines end in `\n`.
pub fn set_yaml_keys(text: &str, snippet: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for entry in entries(snippet) {
        let start = lines
            .iter()
            .position(|l| starts_entry(l) && key_of(l) == entry.key);
        let new = entry.lines.iter().map(|l| l.to_string());
        match start {
            Some(start) => {
                let mut end = start + 1;
                while end < lines.len() && continues(&lines[end]) {
                    end += 1;
                }
                // Blank lines after the entry stay where they are.
                while end > start + 1 && lines[end - 1].trim().is_empty() {
                    end -= 1;
                }
                lines.splice(start..end, new);
            }
            None => lines.extend(new),
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `text` (a `cadence.toml`) with `snippet` merged in, every other byte
/// kept (see `SiteTest::config`).
pub fn merge_toml(text: &str, snippet: &str) -> String {
    let mut doc: DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("cadence.toml is not TOML ({e}):\n{text}"));
    let from: DocumentMut = snippet
        .parse()
        .unwrap_or_else(|e| panic!("the snippet is not TOML ({e}):\n{snippet}"));
    merge(doc.as_table_mut(), from.as_table());
    doc.to_string()
}

fn merge(into: &mut Table, from: &Table) {
    for (key, item) in from.iter() {
        match (into.get_mut(key), item) {
            (Some(Item::Table(to)), Item::Table(sub)) => merge(to, sub),
            (Some(existing), _) => *existing = item.clone(),
            (None, _) => {
                let mut item = item.clone();
                forget_positions(&mut item);
                into.insert(key, item);
            }
        }
    }
}

/// A table from the snippet has the snippet's positions, which would place
/// it among the file's first tables: without them, it follows the tables
/// before it.
fn forget_positions(item: &mut Item) {
    match item {
        Item::Table(t) => {
            t.set_position(None);
            for (_, sub) in t.iter_mut() {
                forget_positions(sub);
            }
        }
        Item::ArrayOfTables(a) => {
            for t in a.iter_mut() {
                t.set_position(None);
            }
        }
        _ => {}
    }
}

/// The edits themselves: what `SiteTest::manifest` and `SiteTest::config`
/// promise, so that a rule's fault lands on the line its test names.
mod tests {
    use super::{merge_toml, set_yaml_keys};
    use crate::support::repo_path;

    const MANIFEST: &str = "# c\nversion: 1.0.0\ndate: 2024-01-15\nartifacts:\n  - file: a\n    size: 1\n\nnotes: |\n  x\n";

    #[test]
    fn a_key_is_replaced_in_place_and_a_new_one_appended() {
        assert_eq!(
            set_yaml_keys(MANIFEST, "date: 2024-01-30\nsummary: New."),
            "# c\nversion: 1.0.0\ndate: 2024-01-30\nartifacts:\n  - file: a\n    size: 1\n\nnotes: |\n  x\nsummary: New.\n"
        );
        // A key's indented lines go with it; the blank line after stays.
        assert_eq!(
            set_yaml_keys(MANIFEST, "artifacts: []"),
            "# c\nversion: 1.0.0\ndate: 2024-01-15\nartifacts: []\n\nnotes: |\n  x\n"
        );
        assert_eq!(set_yaml_keys("", "a: 1\nb:\n- 2"), "a: 1\nb:\n- 2\n");
    }

    #[test]
    fn a_config_snippet_keeps_every_other_byte() {
        for site in ["rules/_good", "site", "workflow", "hub"] {
            let path = repo_path(&format!("tests/fixtures/{site}/cadence.toml"));
            let text = std::fs::read_to_string(path).unwrap();
            assert_eq!(merge_toml(&text, ""), text, "{site}");
        }
        let text = "title = \"T\"\n\n# the schedule\n[c.s]\nevery = \"3 months\" # often\nstart = 1\n\n[m]\nx = 1\n";
        assert_eq!(
            merge_toml(text, "[c.s]\nevery = \"1 month\"\nnew = 2\n[c.t]\ny = 3"),
            "title = \"T\"\n\n# the schedule\n[c.s]\nevery = \"1 month\"\nstart = 1\nnew = 2\n[c.t]\ny = 3\n\n[m]\nx = 1\n"
        );
        assert_eq!(
            merge_toml(text, "theme = \"t\""),
            "title = \"T\"\ntheme = \"t\"\n\n# the schedule\n[c.s]\nevery = \"3 months\" # often\nstart = 1\n\n[m]\nx = 1\n"
        );
    }
}
