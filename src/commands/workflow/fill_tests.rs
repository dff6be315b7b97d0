//! Editing manifests in place: only the lines added and the revision value
//! change, in block and flow style, with comments, quotes and CRLF kept.

use super::*;

const SHA: &str = "6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487";
const COMMIT: &str = "c0ffee0000000000000000000000000000000001";

fn fill(index: usize, file: &str) -> ArtifactFill {
    ArtifactFill {
        index,
        file: file.into(),
        ..ArtifactFill::default()
    }
}

const BLOCK: &str = "\
version: 1.0.0   # the first
date: 2025-01-10
summary: 'First, quoted.'
revision: 1111111111111111111111111111111111111111

# The downloads.
artifacts:
  - format: gguf        # a comment
    file: m-Q4_K_M.gguf
    quantization: Q4_K_M

  - format: other
    file: README.md
    repo: org/docs
    revision: \"main\"    # moves
notes: |
  Text.
";

#[test]
fn block_mappings_get_lines_and_nothing_else_changes() {
    let mut a = fill(0, "m-Q4_K_M.gguf");
    a.size = Some(4080218931);
    a.sha256 = Some(SHA.into());
    let mut b = fill(1, "README.md");
    b.revision = Some(COMMIT.into());
    b.size = Some(12);
    let out = edit(BLOCK, &[a.clone(), b.clone()]).unwrap().unwrap();
    let expected = BLOCK
        .replace(
            "    quantization: Q4_K_M\n",
            &format!("    quantization: Q4_K_M\n    size: 4080218931\n    sha256: {SHA}\n"),
        )
        .replace(
            "    revision: \"main\"    # moves\n",
            &format!("    revision: \"{COMMIT}\"    # moves\n    size: 12\n"),
        );
    assert_eq!(out, expected);
    // A second run changes nothing.
    assert_eq!(edit(&out, &[a, b]).unwrap(), None);
}

#[test]
fn values_already_written_are_never_changed() {
    let mut a = fill(0, "m-Q4_K_M.gguf");
    a.size = Some(4080218931);
    let text = BLOCK.replace(
        "    quantization: Q4_K_M\n",
        "    quantization: Q4_K_M\n    size: 99\n",
    );
    assert_eq!(edit(&text, &[a]).unwrap(), None);
}

#[test]
fn flow_mappings_get_pairs_before_their_brace() {
    let text = "version: 1.0.0\nartifacts:\n  - {format: gguf, file: a.gguf, quantization: Q4_K_M}   # one\n  - {repo: \"orgé/x\", format: other, file: b.bin}\n";
    let mut a = fill(0, "a.gguf");
    a.sha256 = Some(SHA.into());
    let mut b = fill(1, "b.bin");
    b.revision = Some(COMMIT.into());
    b.size = Some(5);
    let out = edit(text, &[a.clone(), b.clone()]).unwrap().unwrap();
    assert_eq!(
        out,
        format!(
            "version: 1.0.0\nartifacts:\n  - {{format: gguf, file: a.gguf, quantization: Q4_K_M, sha256: {SHA}}}   # one\n  - {{repo: \"orgé/x\", format: other, file: b.bin, revision: {COMMIT}, size: 5}}\n"
        )
    );
    assert_eq!(edit(&out, &[a, b]).unwrap(), None);
}

#[test]
fn crlf_line_ends_stay_crlf() {
    let text = BLOCK.replace('\n', "\r\n");
    let mut a = fill(0, "m-Q4_K_M.gguf");
    a.size = Some(7);
    let out = edit(&text, &[a]).unwrap().unwrap();
    assert_eq!(
        out,
        text.replace(
            "    quantization: Q4_K_M\r\n",
            "    quantization: Q4_K_M\r\n    size: 7\r\n"
        )
    );
}

#[test]
fn a_last_line_without_a_line_break_and_a_bom() {
    let text =
        "\u{feff}version: 1.0.0\nartifacts:\n- format: other\n  file: a.bin\n  revision: main";
    let mut a = fill(0, "a.bin");
    a.revision = Some(COMMIT.into());
    a.sha256 = Some(SHA.into());
    let out = edit(text, &[a]).unwrap().unwrap();
    assert_eq!(
        out,
        format!(
            "\u{feff}version: 1.0.0\nartifacts:\n- format: other\n  file: a.bin\n  revision: {COMMIT}\n  sha256: {SHA}"
        )
    );
}

#[test]
fn single_quoted_revisions_keep_their_quotes() {
    let text = "artifacts:\n  - file: a.bin\n    revision: 'it''s'\n    format: other\n";
    let mut a = fill(0, "a.bin");
    a.revision = Some(COMMIT.into());
    let out = edit(text, &[a]).unwrap().unwrap();
    assert_eq!(
        out,
        format!("artifacts:\n  - file: a.bin\n    revision: '{COMMIT}'\n    format: other\n")
    );
}

#[test]
fn a_folded_last_value_gets_the_new_line_after_it() {
    let text = "artifacts:\n  - format: other\n    file: >-\n      a.bin\n# end\n";
    let mut a = fill(0, "a.bin");
    a.size = Some(1);
    assert_eq!(
        edit(text, &[a]).unwrap().unwrap(),
        "artifacts:\n  - format: other\n    file: >-\n      a.bin\n    size: 1\n# end\n"
    );
}

#[test]
fn styles_that_cannot_be_edited_in_place_are_refused() {
    let mut a = fill(0, "a.bin");
    a.size = Some(1);
    for text in [
        // A comment between the last value and the brace.
        "artifacts:\n  - {format: other, file: a.bin  # c\n    }\n",
        // The last value is a list.
        "artifacts:\n  - format: other\n    file: a.bin\n    tags: [x]\n",
        // A trailing comma in a flow mapping.
        "artifacts:\n  - {format: other, file: a.bin, }\n",
        // The last value is an alias.
        "x: &f a.bin\nartifacts:\n  - format: other\n    file: *f\n",
    ] {
        assert!(edit(text, &[a.clone()]).is_err(), "{text}");
    }
    // The artifact at that index is another file.
    let text = "artifacts:\n  - format: other\n    file: b.bin\n";
    assert!(edit(text, &[a]).is_err());
}
