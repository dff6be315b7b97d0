//! The commands of SPEC 10: `cadence new line`, `cadence announce
//! <model> <channel> line-N`, the line file in `cadence schema`, and a
//! hostile line note through every output that shows it.

use serde_json::json;

use super::feeds::atom_feed;
use super::{EOL_1, V, read_json, site};
use crate::prelude::*;

#[test]
fn new_line_scaffolds_an_existing_line_and_never_overwrites() {
    let site = site();
    let run = site.run(["new", "line", "granite-7b-lab", "versioned", "1"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let path = site.path(&format!("{V}/line-1.yaml"));
    assert_eq!(run.stdout.trim(), path.to_str().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nkind: line\nmajor: 1 "), "{text}");
    assert!(text.contains("# eol: 2025-01-15"), "{text}");
    assert_eq!(site.check().status, 0, "the new file passes check");
    for (args, says) in [
        (["granite-7b-lab", "versioned", "1"], "already exists"),
        (["granite-7b-lab", "versioned", "2"], "already exists"),
        (
            ["granite-7b-lab", "versioned", "4"],
            "no released 4.x final",
        ),
        (["phi-lab", "versioned", "1"], "no released 1.x final"),
        (["granite-7b-lab", "stream", "1"], "date versions"),
        (
            ["granite-7b-lab", "versioned", "one"],
            "not a major version",
        ),
        (["granite-7b-lab", "nope", "1"], "not a channel"),
    ] {
        let before = std::fs::read_to_string(&path).unwrap();
        let mut all = vec!["new", "line"];
        all.extend(args);
        let run = site.run(&all);
        assert_eq!(run.status, 2, "{args:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
    assert!(!site.path(&format!("{V}/line-4.yaml")).exists());
    assert!(
        !site
            .path("releases/granite-7b-lab/stream/line-1.yaml")
            .exists()
    );
}

#[test]
fn announce_an_end_of_support() {
    let site = site();
    let run = site.run(["announce", "granite-7b-lab", "versioned", "line-1"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "Subject: [ANN] Granite 7B Lab 1.x reached end of support on 2025-01-15\n\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "    https://releases.example.org/lc/granite-7b-lab/versioned/1.x/atom.xml\n"
        )
    );
    let eml = site.beside("eol.eml");
    let run = site.run([
        "announce",
        "granite-7b-lab",
        "versioned",
        "line-2",
        "--eml",
        eml.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let mail = std::fs::read_to_string(&eml).unwrap();
    for header in [
        "From: Release team <release-team@example.org>\r\n",
        "To: announce@example.org\r\n",
        "Subject: [ANN] Granite 7B Lab 2.x end of support on 2026-07-31\r\n",
        "Date: Sun, 20 Jul 2025 00:00:00 +0000\r\n",
        "Message-ID: <line.granite-7b-lab.versioned.2@releases.example.org>\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
    ] {
        assert!(mail.contains(header), "{header}\n{mail}");
    }
    // The note, as text.
    assert!(mail.contains("Long-term support: security fixes until July 2026."));
    for (target, says) in [
        ("line-3", "end of support of 3.x is unknown"),
        ("line-4", "no line 4.x"),
        ("line-x", "not line-<major>"),
    ] {
        let run = site.run(["announce", "granite-7b-lab", "versioned", target]);
        assert_eq!(run.status, 2, "{target}");
        assert!(run.stderr.contains(says), "{target}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{target}");
    }
}

#[test]
fn the_schema_knows_line_files() {
    let site = site();
    let schema = site.run(["schema"]).json();
    let line = &schema["$defs"]["line"];
    assert_eq!(line["required"], json!(["kind", "major"]));
    assert_eq!(line["additionalProperties"], false);
    assert_eq!(line["properties"]["lts"]["type"], "boolean");
    assert!(
        schema["oneOf"]
            .as_array()
            .unwrap()
            .contains(&json!({"$ref": "#/$defs/line"}))
    );
    let out = site.build(&[]);
    let published = read_json(&out, "schema/manifest.schema.json");
    assert_eq!(published["$defs"]["line"], schema["$defs"]["line"]);
}

#[test]
fn a_hostile_note_is_sanitised_everywhere() {
    let note = "note: |\n  <script>alert(1)</script> <a href=\"javascript:alert(2)\">x</a> <img src=x onerror=alert(3)> & <b>bold</b>\n";
    let mut site = site();
    site.write(
        &format!("{V}/line-1.yaml"),
        format!("kind: line\nmajor: 1\n{note}"),
    );
    let out = site.build(&[]);
    for path in [
        "granite-7b-lab/versioned/1.x/index.html",
        "granite-7b-lab/versioned/1.x/atom.xml",
        "granite-7b-lab/versioned/1.x/rss.xml",
        "calendar.ics",
    ] {
        let text = read(&out, path);
        for bad in ["<script", "javascript:", "onerror"] {
            assert!(!text.contains(bad), "{path} has {bad}");
        }
    }
    // Still valid: the feed parses and keeps the entry.
    let (ids, _, _) = atom_feed(&out, "granite-7b-lab/versioned/1.x/atom.xml");
    assert_eq!(ids[0], EOL_1);
    assert!(read(&out, "granite-7b-lab/versioned/1.x/index.html").contains("<b>bold</b>"));
}
