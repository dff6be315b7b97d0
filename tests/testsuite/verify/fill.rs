//! `cadence verify --fill`: what the Hub knows written into manifests with
//! comments, in block and flow style, changing nothing else; idempotent;
//! the result passes `check`.

use super::*;

fn commented() -> String {
    format!(
        "\
# Release 1.0.0 of M.
version: 1.0.0
date: 2025-01-10
summary: \"First, with a quoted summary.\"   # quoted on purpose
revision: {C1}

artifacts:
  # The weights, in block style.
  - format: safetensors
    file: model.safetensors    # no size or sha256 yet

  - {{format: other, file: config.json}}   # flow style

  # A GGUF on another repo, following its main branch.
  - format: gguf
    file: m-Q4_K_M.gguf
    repo: org/m-GGUF
    quantization: Q4_K_M

  # A mismatch stays a mismatch.
  - format: other
    file: big.bin
    size: 123
notes: |
  Some notes.
"
    )
}

/// Lines of `after` that are not in `before`, in order, checking that
/// every line of `before` is still there, in order, but for `changed`
/// (line of `before` -> its line in `after`).
fn added_lines(before: &str, after: &str, changed: &[(&str, &str)]) -> Vec<String> {
    let mut old = before.lines().peekable();
    let mut added = Vec::new();
    for line in after.lines() {
        match old.peek() {
            Some(o) if *o == line => {
                old.next();
            }
            Some(o) if changed.iter().any(|(from, to)| from == o && *to == line) => {
                old.next();
            }
            _ => added.push(line.to_string()),
        }
    }
    assert!(
        old.next().is_none(),
        "a line of the manifest was lost:\n{after}"
    );
    added
}

#[test]
fn fill_adds_lines_and_pins_keeping_every_other_byte() {
    let before = commented();
    let (hub, s) = (hub(), site_with(&[(V100, &before)]));
    let r = verify(&s, &hub, &["--fill"]);
    // big.bin's size differs: exit 1, and it is left alone.
    assert_eq!(r.status, 1, "{}", r.show());
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines.contains(&V100), "{}", r.stdout);
    assert_eq!(
        r.last_line(),
        "ok 3, missing 0, mismatched 1, unverifiable 0, unpinned 1"
    );

    let after = s.read(V100);
    let flow_before = "  - {format: other, file: config.json}   # flow style";
    let flow_after = format!(
        "  - {{format: other, file: config.json, size: {}, sha256: {}}}   # flow style",
        config_json().size(),
        config_json().sha256()
    );
    let added = added_lines(&before, &after, &[(flow_before, &flow_after)]);
    assert_eq!(
        added,
        [
            format!("    size: {}", weights().size()),
            format!("    sha256: {}", weights().sha256()),
            format!("    revision: {G2}"),
            format!("    size: {}", gguf_new().size()),
            format!("    sha256: {}", gguf_new().sha256()),
        ],
        "{after}"
    );
    assert!(after.contains(&flow_after), "{after}");
    assert!(after.contains("    size: 123\n"), "{after}");

    // The result passes check, and a second run changes nothing.
    let r = check(&s);
    assert_eq!(r.status, 0, "{}", r.show());
    let r = verify(&s, &hub, &["--fill"]);
    assert!(!r.stdout.lines().any(|l| l == V100), "{}", r.stdout);
    assert_eq!(s.read(V100), after);
    assert_eq!(
        r.last_line(),
        "ok 3, missing 0, mismatched 1, unverifiable 0, unpinned 0"
    );
}

#[test]
fn a_branch_written_as_revision_is_replaced_in_place() {
    let before = format!(
        "version: 1.0.0\r\ndate: 2025-01-10\r\nsummary: First.\r\nrevision: {C1}\r\nartifacts:\r\n  - format: gguf\r\n    file: m-Q4_K_M.gguf\r\n    repo: org/m-GGUF\r\n    revision: 'main'   # follows main\r\n    quantization: Q4_K_M\r\n    size: {}\r\n",
        gguf_new().size()
    );
    let (hub, s) = (hub(), site_with(&[(V100, &before)]));
    let r = verify(&s, &hub, &["--fill"]);
    assert_eq!(r.status, 0, "{}", r.show());
    let after = s.read(V100);
    let expected = before.replace("'main'", &format!("'{G2}'")).replace(
        "    quantization: Q4_K_M\r\n    size: 25\r\n",
        &format!(
            "    quantization: Q4_K_M\r\n    size: 25\r\n    sha256: {}\r\n",
            gguf_new().sha256()
        ),
    );
    assert_eq!(gguf_new().size(), 25);
    assert_eq!(after, expected);
    assert_eq!(check(&s).status, 0);
    // Pinned now: nothing left to fill.
    let r = verify(&s, &hub, &["--fill"]);
    assert_eq!(r.status, 0, "{}", r.show());
    assert_eq!(s.read(V100), after);
    assert_eq!(
        r.last_line(),
        "ok 1, missing 0, mismatched 0, unverifiable 0, unpinned 0"
    );
}

#[test]
fn fill_writes_nothing_but_ok_artifacts() {
    let before = format!(
        "version: 1.0.0\ndate: 2025-01-10\nsummary: First.\nrevision: {C1}\nartifacts:\n  - format: other\n    file: big.bin\n  - format: other\n    file: nope.bin\n"
    );
    let (hub, s) = (hub(), site_with(&[(V100, &before)]));
    let r = verify(&s, &hub, &["--fill"]);
    // big.bin is unverifiable, nope.bin missing.
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(s.read(V100), before);
    assert!(!r.stdout.lines().any(|l| l == V100), "{}", r.stdout);
}

#[test]
fn with_json_the_paths_filled_go_to_stderr() {
    let before = format!(
        "version: 1.0.0\ndate: 2025-01-10\nsummary: First.\nrevision: {C1}\nartifacts:\n  - format: safetensors\n    file: model.safetensors\n"
    );
    let (hub, s) = (hub(), site_with(&[(V100, &before)]));
    let r = verify(&s, &hub, &["--fill", "--format", "json"]);
    assert_eq!(r.status, 0, "{}", r.show());
    // Only JSON on stdout; it tells what was found.
    assert_eq!(items(&r)[0]["expected"]["size"], Value::Null);
    assert_eq!(items(&r)[0]["actual"]["size"], weights().size());
    assert!(r.stderr.lines().any(|l| l == V100), "{}", r.stderr);
    assert!(s.read(V100).contains("    size: "));
}

#[test]
fn a_manifest_that_cannot_be_edited_in_place_is_left_alone() {
    // The artifact's last value is an alias: no place to add a key safely.
    let before = format!(
        "version: 1.0.0\ndate: 2025-01-10\nsummary: &s First.\nrevision: {C1}\nartifacts:\n  - format: safetensors\n    file: model.safetensors\n    quantization: *s\n"
    );
    let (hub, s) = (hub(), site_with(&[(V100, &before)]));
    if check(&s).status != 0 {
        // The loader refuses this style outright; nothing to fill then.
        return;
    }
    let r = verify(&s, &hub, &["--fill"]);
    assert_eq!(r.status, 1, "{}", r.show());
    assert!(r.stderr.contains("cannot fill"), "{}", r.stderr);
    assert_eq!(s.read(V100), before);
}
