//! Unit tests of the `template` rule's walk and resolution.

use super::*;

fn findings(files: &[(&str, &str)]) -> Vec<(String, Option<usize>, String)> {
    let sources = Source::overrides(files);
    check(&sources, &tera::Tera::default())
        .0
        .into_iter()
        .map(|f| (f.file, f.line, f.message))
        .collect()
}

#[test]
fn each_unknown_name_is_found_at_its_line() {
    let base = "<html>\n{% block main %}{% endblock main %}\n</html>";
    let page = "{% extends \"base.html\" %}\n{% import \"m.html\" as m %}\n{% block main %}\n{{ x | upper }}\n{{ x | nope }}\n{% if x is nothing %}{% endif %}\n{{ absent(a=1) }}\n{{ m::gone() }}\n{{ m::here() }}\n{% include \"missing.html\" %}\n{% include \"gone.html\" ignore missing %}\n{{ \"a | nope2\" }}\n{% endblock main %}";
    let macros = "{% macro here() %}ok{% endmacro here %}";
    let got = findings(&[("base.html", base), ("page.html", page), ("m.html", macros)]);
    let lines: Vec<(Option<usize>, &str)> = got.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
    assert_eq!(got.len(), 5, "{got:#?}");
    for (line, word) in [
        (5, "filter `nope`"),
        (6, "test `hing`"),
        (7, "function `absent`"),
        (8, "macro `m::gone`"),
        (10, "template `missing.html`"),
    ] {
        assert!(
            lines
                .iter()
                .any(|(l, m)| *l == Some(line) && m.contains(word)),
            "{word} at line {line}: {lines:#?}"
        );
    }
}

#[test]
fn multi_byte_text_in_strings_keeps_the_position_right() {
    let got = findings(&[(
        "a.html",
        "<p>é</p>\n{{ \"€€€ — ü\" ~ x | nope }} {{ y | nope2 }}",
    )]);
    let lines: Vec<_> = got.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == Some(2) && m.contains("`nope`")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == Some(2) && m.contains("`nope2`")),
        "{lines:#?}"
    );
}

#[test]
fn any_text_gives_findings_never_a_panic() {
    let pieces = [
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "#}",
        "-",
        " | ",
        "nope",
        "upper",
        "(",
        ")",
        "\"",
        "'",
        "`",
        "é€",
        "\n",
        "if x",
        "endif",
        "include \"a.html\"",
        "m::x()",
        " is ",
        "raw",
        "endraw",
        "filter nope",
        "endfilter",
        "extends \"b.html\"",
        "::",
        ".",
    ];
    let mut seed: u64 = 11;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(seed % 24) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        seed = seed.wrapping_add(1);
        let _ = findings(&[
            ("a.html", text.as_str()),
            ("b.html", "{% block c %}{% endblock c %}"),
        ]);
    }
}

#[test]
fn a_syntax_error_has_the_line_tera_reports() {
    let got = findings(&[("a.html", "ok\n\n{{ x | }}\n")]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, Some(3), "{got:?}");
    assert!(got[0].2.contains("does not parse"), "{got:?}");
}

#[test]
fn missing_parents_imports_and_namespaces_are_found() {
    let got = findings(&[(
        "a.html",
        "{% extends \"nope.html\" %}\n{% import \"gone.html\" as g %}\n{% block b %}{{ z::y() }}{% endblock b %}",
    )]);
    let lines: Vec<(Option<usize>, &str)> = got.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
    assert!(
        lines.contains(&(
            Some(1),
            "`a.html` extends the template `nope.html`, which does not exist"
        )),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&(
            Some(2),
            "`a.html` imports macros from the template `gone.html`, which does not exist"
        )),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == Some(3) && m.contains("imports nothing as `z`")),
        "{lines:#?}"
    );
}

#[test]
fn extends_cycles_are_found() {
    let got = findings(&[
        ("a.html", "{% extends \"b.html\" %}"),
        ("b.html", "{% extends \"a.html\" %}"),
    ]);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].2.contains("a.html -> b.html -> a.html"), "{got:#?}");
}

#[test]
fn macros_of_parents_and_imports_of_imports_resolve() {
    let got = findings(&[
        (
            "base.html",
            "{% import \"m.html\" as m %}{% block b %}{% endblock b %}",
        ),
        (
            "child.html",
            "{% extends \"base.html\" %}{% block b %}{{ m::one() }}{% endblock b %}",
        ),
        (
            "m.html",
            "{% import \"n.html\" as n %}{% macro one() %}{{ n::two() }}{{ self::three() }}{% endmacro one %}{% macro three() %}3{% endmacro three %}",
        ),
        ("n.html", "{% macro two() %}2{% endmacro two %}"),
    ]);
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn the_built_in_theme_is_clean() {
    let sources: Vec<Source> = super::super::built_in_files("templates/")
        .into_iter()
        .map(|(name, bytes)| Source {
            file: format!("builtin:{name}"),
            text: String::from_utf8(bytes.to_vec()).unwrap(),
            name,
        })
        .collect();
    assert!(sources.len() > 10);
    assert!(check(&sources, &super::super::new_tera()).0.is_empty());
}
