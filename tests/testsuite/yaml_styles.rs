//! The same releases written in any YAML style build the same site: the
//! synthetic generator (`examples/synth.rs`) writes one site in the plain
//! block style and one in every other style from the same seed, and every
//! file of the two builds, and what `check` prints, must be equal byte for
//! byte.

#[allow(dead_code)]
#[path = "../../examples/synth.rs"]
mod synth;

use std::path::Path;

use crate::prelude::*;

const TODAY: &str = "2025-05-20";

/// A synthetic site in `style`, from the same seed for every style.
fn write_site(style: synth::Style) -> SiteTest {
    let mut site = SiteTest::empty();
    site.today(TODAY);
    let mut options = synth::Options::new(site.root().to_path_buf());
    options.models = 2;
    options.releases = 150;
    options.seed = 7;
    options.today = TODAY.parse().unwrap();
    options.style = style;
    synth::write_site(&options).unwrap();
    site
}

/// The text of every manifest of a site, one after the other.
fn manifests(root: &Path) -> String {
    tree(&root.join("releases"))
        .into_values()
        .map(|bytes| String::from_utf8(bytes).unwrap())
        .collect()
}

#[test]
fn every_yaml_style_builds_the_same_site() {
    let plain = write_site(synth::Style::Plain);
    let mixed = write_site(synth::Style::Mixed);

    // The mixed site is written in every style, the plain one in one.
    let text = manifests(mixed.root());
    for (style, needle) in [
        ("single-quoted scalar", ": '"),
        ("double-quoted scalar", ": \""),
        ("escape in a double-quoted scalar", "\"\\u00"),
        ("folded block scalar", ": >-"),
        ("literal block scalar", ": |"),
        ("explicit indentation indicator", ": |3"),
        ("flow mapping", ": {"),
        ("flow sequence", ": ["),
        ("full-line comment", "\n# "),
        ("trailing comment", "  # note"),
        ("anchor", "&a"),
        ("alias", ": *a"),
        ("quoted key", "\n'"),
        ("explicit key", "\n? "),
        ("indentless sequence", "\n- "),
        ("directive", "%YAML 1.2"),
        ("document start", "---"),
        ("document end", "\n..."),
        ("CRLF line end", "\r\n"),
        ("byte order mark", "\u{feff}"),
    ] {
        assert!(text.contains(needle), "no {style} in the mixed site");
    }
    let plain_text = manifests(plain.root());
    for needle in [
        ": '", ": \"", ": {", ": [", ": >", "&a", "*a", "\n#", "---", "\r",
    ] {
        assert!(!plain_text.contains(needle), "`{needle}` in the plain site");
    }
    assert_ne!(plain_text, text);

    let check = |site: &SiteTest| {
        let run = site.run(["check"]);
        run.success();
        run.output()
    };
    assert_eq!(check(&plain), check(&mixed));

    let plain_out = tree(&plain.build(&[]));
    let mixed_out = tree(&mixed.build(&[]));
    assert!(
        plain_out.keys().any(|p| p.ends_with("1.2.0/index.html")),
        "{:?}",
        plain_out.keys()
    );
    assert!(plain_out.len() > 150, "{}", plain_out.len());
    assert_eq!(
        plain_out.keys().collect::<Vec<_>>(),
        mixed_out.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &plain_out {
        assert!(
            *bytes == mixed_out[path],
            "{path} differs between the plain and the mixed site"
        );
    }
}
