//! The structure test's own tests: each rule fails on a tree planted to
//! break it, and passes on one that keeps it.

use super::*;

/// The problems of a tree of these files, each given the doc comment the
/// rules ask for (one line) unless it has one.
fn tree(files: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![File {
        path: "lib.rs".into(),
        text: "//! The crate.\npub mod model;\npub mod site;\npub mod commands;\n".into(),
    }];
    all.extend(files.iter().map(|(p, t)| {
        let layer = p.split('/').next().unwrap_or_default();
        let doc = if t.starts_with("//!") {
            String::new()
        } else {
            format!("//! Part of the {layer} layer.\n")
        };
        File {
            path: p.to_string(),
            text: format!("{doc}{t}"),
        }
    }));
    problems(&all)
}

fn body(lines: usize) -> String {
    format!("fn long() {{\n{}}}\n", "    let _ = 1;\n".repeat(lines - 2))
}

#[test]
fn a_tree_in_its_layers_has_no_problem() {
    let p = tree(&[
        ("model/mod.rs", "pub mod config;\npub mod manifest;\n"),
        ("model/config.rs", "pub struct Config;\n"),
        (
            "model/manifest.rs",
            "use super::config::Config;\n// crate::site::x and eprintln!(\"a\")\nconst S: &str = \"crate::site::y println!()\";\n",
        ),
        (
            "site/mod.rs",
            "use crate::model::{config::{self, Config}, manifest};\n",
        ),
        (
            "commands/mod.rs",
            "mod terminal;\nfn f() { terminal::say(); crate::site::x(); }\n",
        ),
        (
            "commands/terminal.rs",
            "pub fn say() { eprintln!(\"{}\", '\"'); }\n",
        ),
    ]);
    assert_eq!(p, Vec::<String>::new());
    assert_eq!(tree(&[("model/a.rs", &body(120))]), Vec::<String>::new());
    assert_eq!(
        tree(&[("model/a.rs", &"\n".repeat(599))]),
        Vec::<String>::new()
    );
}

#[test]
fn a_cycle_between_modules_is_found() {
    let p = tree(&[
        ("model/mod.rs", "pub mod a;\npub mod b;\n"),
        ("model/a.rs", "use crate::model::b::B;\npub struct A;\n"),
        (
            "model/b.rs",
            "pub struct B;\nfn f() -> super::a::A { todo!() }\n",
        ),
    ]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("import cycle among `model::a`, `model::b`"),
        "{p:?}"
    );
    assert!(
        p[0].contains("model::a -> model::b: src/model/a.rs:2"),
        "{p:?}"
    );
    assert!(
        p[0].contains("model::b -> model::a: src/model/b.rs:3"),
        "{p:?}"
    );
}

#[test]
fn a_cycle_with_a_parent_module_and_a_deeper_one_are_found() {
    let p = tree(&[
        (
            "commands/mod.rs",
            "mod serve;\npub struct Context;\nfn run() { serve::run() }\n",
        ),
        ("commands/serve.rs", "use super::Context;\n"),
        ("site/theme.rs", "mod check;\nmod locate;\n"),
        (
            "site/theme/check.rs",
            "use super::locate::locate;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        ("site/theme/locate.rs", "use super::check::Use;\n"),
        (
            "site/context/mod.rs",
            "mod release;\npub struct Brief;\nfn f() { release::g() }\n",
        ),
        (
            "site/context/release.rs",
            "use super::Brief;\npub fn g() {}\n",
        ),
    ]);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("import cycle among `commands`, `commands::serve`"),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("import cycle among `site::theme::check`, `site::theme::locate`"),
        "{p:?}"
    );
}

#[test]
fn an_import_up_a_layer_is_found() {
    let p = tree(&[
        (
            "model/config.rs",
            "fn f() { let _ = crate::site::catalog::Catalog::new(); }\n",
        ),
        ("site/catalog.rs", ""),
    ]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains(
            "src/model/config.rs:2: `model::config` imports `site::catalog`, a layer above it"
        ),
        "{p:?}"
    );
    let p = tree(&[("yaml.rs", "")]);
    assert_eq!(
        p,
        ["src/yaml.rs: `yaml` is in no layer: move it into src/model/, src/site/, src/commands/"]
    );
}

#[test]
fn long_files_and_functions_are_found() {
    let p = tree(&[("model/a.rs", &"\n".repeat(600))]);
    assert_eq!(
        p,
        ["src/model/a.rs: 601 lines (at most 600): split it along a seam it has"]
    );
    let text = format!("/// a\nimpl A {{\n    {}}}\n", body(121));
    let p = tree(&[("site/a.rs", &text)]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("src/site/a.rs:4: fn long is 121 lines"),
        "{p:?}"
    );
}

#[test]
fn printing_outside_the_terminal_module_is_found() {
    let p = tree(&[(
        "site/a.rs",
        "fn f() {\n    eprintln!(\"x\");\n    let _ = std::io::stdout();\n    Command::new(\"x\").stdout(Stdio::null());\n}\n",
    )]);
    assert_eq!(
        p,
        [
            "src/site/a.rs:3: eprintln! outside commands::terminal: print through commands::terminal",
            "src/site/a.rs:4: stdout() outside commands::terminal: print through commands::terminal"
        ]
    );
}

#[test]
fn a_module_without_a_doc_or_its_layer_is_found() {
    let p = tree(&[
        (
            "site/mod.rs",
            "//! The site.\n//! Part of the site layer.\n",
        ),
        ("site/a.rs", "//! Feeds.\nfn f() {}\n"),
        ("site/tests.rs", "//! No layer named: a test module.\n"),
    ]);
    assert_eq!(
        p,
        ["src/site/a.rs: its module doc does not name its layer: say it is in the site layer"]
    );
    let mut all = vec![File {
        path: "lib.rs".into(),
        text: "pub mod model;\n".into(),
    }];
    all.push(File {
        path: "model/a.rs".into(),
        text: "// A plain comment.\n".into(),
    });
    assert_eq!(
        problems(&all),
        [
            "src/lib.rs: no module doc: start the file with `//!` lines saying what it is for and its layer",
            "src/model/a.rs: no module doc: start the file with `//!` lines saying what it is for and its layer"
        ]
    );
}
