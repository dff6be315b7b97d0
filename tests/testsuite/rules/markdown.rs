//! Markdown from a pull request that would make the sanitiser's HTML
//! parser quadratic (html5ever scans its stack of open elements: 50,000
//! nested quotes or `<div>`s took 7 seconds, a 1 MiB manifest of them
//! hours) is a finding before anything renders it; and a note of many
//! headings of one name builds as quickly as one of distinct names.

use super::{E, FINAL, SKIP};
use crate::prelude::*;

#[test]
fn notes_nested_too_deep_are_a_schema_error_at_the_notes_line() {
    let mut site = SiteTest::good();
    // Line 7: the notes key, after the fixture's six lines.
    site.manifest(
        "m/versioned/1.0.0",
        &format!(
            "notes: \"Fine so far.\\n\\n{} too deep\"",
            ">".repeat(50_000)
        ),
    );
    let report = site.check();
    report.assert_findings(1, &[("schema", E, FINAL, Some(7))]);
    let message = report.with_code("schema")[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`notes` nests") && message.contains("more than the 128"),
        "{message}"
    );
    let out = site.path("public");
    let run = site.run(["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn raw_html_nested_too_deep_in_a_skip_reason_is_found_too() {
    let mut site = SiteTest::good();
    let divs = format!("{}x{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
    site.manifest(
        "m/versioned/skip-2024-04-15",
        &format!("reason: \"{divs}\""),
    );
    let report = site.check();
    report.assert_findings(1, &[("schema", E, SKIP, Some(4))]);
    assert!(
        report.with_code("schema")[0]["message"]
            .as_str()
            .unwrap()
            .contains("`reason` nests 50001 levels deep"),
        "{report}"
    );
}

#[test]
fn a_content_page_nested_too_deep_is_a_content_error_at_its_line() {
    let mut site = SiteTest::good();
    site.write(
        "content/about.md",
        format!(
            "---\ntitle: About\n---\nA fixture site.\n\n{} x\n",
            "- ".repeat(400)
        ),
    );
    let report = site.check();
    report.assert_findings(1, &[("content", E, "content/about.md", Some(6))]);
}

#[test]
fn nesting_that_real_notes_use_builds() {
    let mut site = SiteTest::good();
    let notes = format!(
        "{}\n\n<details><summary>All</summary>\n\n{}\n\n</details>\n",
        "> quoted\n>> twice\n>>> three times",
        (0..200)
            .map(|i| format!("- item {i}\n  - sub\n    <p>a<p>b</p><ul><li>c<li>d</ul>"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    site.manifest(
        "m/versioned/1.0.0",
        &format!("notes: {}", serde_json::to_string(&notes).unwrap()),
    );
    site.check().assert_clean();
    site.build(&[]);
}

/// 20,000 headings `# a`: each id was found by trying `a`, `a-1`, ... up
/// to the first free one, 200 million tries in all.
#[test]
fn many_headings_of_one_name_get_distinct_ids() {
    let mut site = SiteTest::good();
    let notes = "# a\n".repeat(20_000);
    site.manifest(
        "m/versioned/1.0.0",
        &format!("notes: {}", serde_json::to_string(&notes).unwrap()),
    );
    let out = site.build(&[]);
    let page = std::fs::read_to_string(out.join("m/versioned/1.0.0/index.html")).unwrap();
    assert!(page.contains("id=\"a\""), "first");
    assert!(page.contains("id=\"a-1\""), "second");
    assert!(page.contains("id=\"a-19999\""), "last");
    assert!(!page.contains("id=\"a-20000\""));
}
