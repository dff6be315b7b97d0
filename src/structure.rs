//! The structure test: it reads `src/` and holds the rules of the layout
//! that no compiler checks (README, Development).
//!
//! - Layers import downward only: `model` (what a site is, read from
//!   disk) → `site` (the derived site and everything rendered from it) →
//!   `commands` (one module per command, and what only commands use) →
//!   `lib.rs`/`main.rs`. A module outside these folders is in no layer.
//! - No import cycle among the modules of the crate root and of each
//!   layer, their own file counted as one of them (`commands/mod.rs` ↔
//!   `commands/serve/` is a cycle), nor among the children of any module
//!   below (`site::theme::check` ↔ `site::theme::locate`); a deeper
//!   module's own file may hold what its children share.
//! - No file over 600 lines, no function over 120 lines.
//! - Only `commands::terminal` writes to the terminal (`print!`,
//!   `eprintln!`, `stdout()`, ...).
//! - Every module starts with a doc comment (`//!`) that, in a layer, names
//!   it (`Part of the site layer.`); test modules aside.
//!
//! An import is a `use` path or a path written in the code that starts
//! with `crate`, `super`, `self` or a child module's name; it points at
//! the deepest module the path names. A `tests` module counts as part of
//! the module it tests. The scan is textual (comments and literals are
//! skipped) and needs no compiler; it is a test module, in no layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MAX_FILE_LINES: usize = 600;
/// The layers, lowest first; `lib.rs` and `main.rs` stand above them.
const LAYERS: &[&str] = &["model", "site", "commands"];
mod scan;

use scan::{
    Import, PRINTER, Token, imports, long_functions, module_of, path_attributes, printing, tokens,
};

/// One source file: its path under `src/` (with `/`) and its text.
pub struct File {
    pub path: String,
    pub text: String,
}

fn show(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

/// The layer a module is in: its index in [`LAYERS`]; the crate root,
/// `main` and this test stand above them.
fn layer(module: &[String]) -> Option<usize> {
    match module.first().map(String::as_str) {
        None | Some("main" | "structure") => Some(LAYERS.len()),
        Some(top) => LAYERS.iter().position(|l| *l == top),
    }
}

/// The groups of nodes that reach each other (cycles) in a small graph.
fn cycles<E>(graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, E>>) -> Vec<Vec<Vec<String>>> {
    let reach = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for next in graph.get(&n).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<_, _> = graph.keys().map(|n| (n.clone(), reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for (n, r) in &reaches {
        if done.contains(n) || !r.contains(n) {
            continue;
        }
        let group: Vec<Vec<String>> = r
            .iter()
            .filter(|m| reaches.get(*m).is_some_and(|back| back.contains(n)))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        out.push(group);
    }
    out
}

/// Everything in `files` that breaks the rules of the module doc.
pub fn problems(files: &[File]) -> Vec<String> {
    let toks: Vec<Vec<Token>> = files.iter().map(|f| tokens(&f.text)).collect();
    let mut module: BTreeMap<&str, Vec<String>> = files
        .iter()
        .map(|f| (f.path.as_str(), module_of(&f.path)))
        .collect();
    for (f, t) in files.iter().zip(&toks) {
        for (file, m) in path_attributes(&f.path, t) {
            if let Some(slot) = module.get_mut(file.as_str()) {
                *slot = m;
            }
        }
    }
    let modules: BTreeSet<Vec<String>> = module.values().cloned().collect();
    let mut out = Vec::new();
    let mut all = Vec::new();
    let mut unplaced = BTreeSet::new();
    for (f, t) in files.iter().zip(&toks) {
        let m = &module[f.path.as_str()];
        let lines = f.text.lines().count();
        if lines > MAX_FILE_LINES {
            out.push(format!(
                "src/{}: {lines} lines (at most {MAX_FILE_LINES}): split it along a seam it has",
                f.path
            ));
        }
        out.extend(long_functions(&f.path, t));
        if show(m) != PRINTER {
            out.extend(printing(&f.path, t));
        }
        out.extend(doc_problem(&f.path, m, &f.text));
        if layer(m).is_none() && unplaced.insert(m[0].clone()) {
            out.push(format!(
                "src/{}: `{}` is in no layer: move it into src/{}/",
                f.path,
                m[0],
                LAYERS.join("/, src/")
            ));
        }
        all.extend(imports(&f.path, m, t, &modules));
    }
    out.extend(upward(&all));
    out.extend(cycle_problems(&all));
    out
}

/// A module that does not start with a doc comment (`//!`), or whose doc
/// does not name its layer (`... site layer ...`); test modules aside.
fn doc_problem(path: &str, module: &[String], text: &str) -> Option<String> {
    if module.last().is_some_and(|m| m == "tests") {
        return None;
    }
    let doc: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
    if doc.is_empty() {
        return Some(format!(
            "src/{path}: no module doc: start the file with `//!` lines saying what it is for and its layer"
        ));
    }
    let name = LAYERS.get(layer(module)?)?;
    let named = doc
        .join(" ")
        .to_lowercase()
        .contains(&format!("{name} layer"));
    (!named).then(|| {
        format!("src/{path}: its module doc does not name its layer: say it is in the {name} layer")
    })
}

/// Imports that go up a layer.
fn upward(all: &[Import]) -> Vec<String> {
    let mut out = Vec::new();
    for imp in all {
        if let (Some(a), Some(b)) = (layer(&imp.from), layer(&imp.to))
            && b > a
        {
            out.push(format!(
                "{}: `{}` imports `{}`, a layer above it: move what both need down to `{}`",
                imp.at,
                show(&imp.from),
                show(&imp.to),
                LAYERS[a]
            ));
        }
    }
    out
}

/// Import cycles among the children of each module (and the root's and
/// the layers' own files), each with the imports that close it.
fn cycle_problems(all: &[Import]) -> Vec<String> {
    type Graph = BTreeMap<Vec<String>, BTreeMap<Vec<String>, BTreeSet<String>>>;
    let mut levels: BTreeMap<Vec<String>, Graph> = BTreeMap::new();
    for imp in all {
        let common = imp
            .from
            .iter()
            .zip(&imp.to)
            .take_while(|(a, b)| a == b)
            .count();
        let node = |m: &[String]| m[..(common + 1).min(m.len())].to_vec();
        let level = imp.from[..common].to_vec();
        if level.len() >= 2 && (imp.from.len() == common || imp.to.len() == common) {
            continue;
        }
        levels
            .entry(level)
            .or_default()
            .entry(node(&imp.from))
            .or_default()
            .entry(node(&imp.to))
            .or_default()
            .insert(imp.at.clone());
    }
    let mut out = Vec::new();
    for graph in levels.values() {
        for group in cycles(graph) {
            let names: Vec<String> = group.iter().map(|m| format!("`{}`", show(m))).collect();
            let mut text = format!(
                "import cycle among {}: move what they share into a module below them",
                names.join(", ")
            );
            for a in &group {
                for (b, at) in graph.get(a).into_iter().flatten() {
                    if group.contains(b) {
                        let first: Vec<&str> = at.iter().take(2).map(String::as_str).collect();
                        let more = match at.len() {
                            0..=2 => String::new(),
                            n => format!(" and {} more", n - 2),
                        };
                        text += &format!(
                            "\n    {} -> {}: {}{more}",
                            show(a),
                            show(b),
                            first.join(", ")
                        );
                    }
                }
            }
            out.push(text);
        }
    }
    out
}

/// Every `.rs` file under `dir`, by its path relative to `dir`.
fn read_tree(dir: &Path) -> Vec<File> {
    let mut files: Vec<File> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("src/ can be read"))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| File {
            path: e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(e.path()).expect("a source file is UTF-8"),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

#[test]
fn the_source_keeps_its_layers_and_sizes() {
    let files = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(files.len() > 50, "read {} files", files.len());
    let problems = problems(&files);
    assert!(
        problems.is_empty(),
        "{} problems in the structure of src/:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[cfg(test)]
mod tests;
