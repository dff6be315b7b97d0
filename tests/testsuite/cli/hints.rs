//! What a newcomer's first YAML mistakes print (issue 17): an unquoted `: `
//! gets a hint to quote the value (and the hint works; the slot its release
//! fulfils, reported missed meanwhile, says to fix the file first), a ` #`
//! that cuts a summary short is a warning, a tab is shown in the echoed line
//! with the caret on it, and a late skip says how late in words.

use crate::prelude::*;
use crate::rules::{FINAL, SKIP};

/// The first line of `out` that starts with `prefix` (after spaces), in
/// the finding that starts with `error[yaml-syntax]`.
#[track_caller]
fn line_with<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.split("\n\n")
        .filter(|f| f.starts_with("error[yaml-syntax]"))
        .flat_map(str::lines)
        .find(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{out}"))
}

#[test]
fn an_unquoted_colon_in_a_summary_hints_to_quote_it_and_the_hint_works() {
    let mut site = SiteTest::good();
    site.manifest("m/versioned/1.0.0", "summary: Fixes: the tokenizer");
    let run = site.run(["check"]);
    run.assert_status(1);
    let out = &run.stdout;
    assert!(out.contains("error[yaml-syntax]: invalid YAML"), "{out}");
    assert!(out.contains(&format!(" --> {FINAL}:3:15\n")), "{out}");
    let help = line_with(out, "= help:");
    assert!(help.contains("quote the value of `summary`"), "{out}");
    assert!(help.contains("`: `"), "{out}");
    // The slot the unread release fulfils is reported missed: its help
    // says why, and what to fix first.
    let missed = out
        .split("\n\n")
        .find(|f| f.starts_with("error[slot-missed]"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        missed.contains(&format!(
            "help: {FINAL} did not load (see its error) and may be this slot's release: fix it first"
        )),
        "{missed}"
    );
    // The suggested line, pasted in, passes.
    let suggested = help
        .rsplit_once("`summary: ")
        .map(|(_, s)| format!("summary: {}", s.trim_end_matches('`')))
        .unwrap();
    assert_eq!(suggested, "summary: \"Fixes: the tokenizer\"");
    site.manifest("m/versioned/1.0.0", &suggested);
    site.check().assert_clean();
    site.run(["build", "--out", "../public"]).success();
    let page = std::fs::read_to_string(site.beside("public/m/versioned/1.0.0/index.html")).unwrap();
    assert!(page.contains("Fixes: the tokenizer"));
}

#[test]
fn a_reserved_first_character_hints_to_quote_it() {
    let mut site = SiteTest::good();
    site.manifest("m/versioned/1.0.0", "summary: @alice fixed the tokenizer");
    let run = site.run(["check"]);
    run.assert_status(1);
    let help = line_with(&run.stdout, "= help:");
    assert!(help.contains("reserves `@`"), "{}", run.stdout);
    assert!(
        help.ends_with("`summary: \"@alice fixed the tokenizer\"`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_hash_in_an_unquoted_summary_is_a_warning_at_the_hash() {
    let mut site = SiteTest::good();
    site.manifest("m/versioned/1.0.0", "summary: Fixes #42 and more");
    let report = site.check();
    report.assert_findings(0, &[("schema", "warning", FINAL, Some(3))]);
    let d = &report.diagnostics()[0];
    assert_eq!(d["column"], 16, "{report}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("text after ` #` is a comment; quote the value"),
        "{report}"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("`summary: \"Fixes #42 and more\"`"),
        "{report}"
    );
    site.run(["check", "--deny-warnings"]).assert_status(1);

    // Quoted, a comment set apart by two spaces, or a comment after a value
    // that is not a sentence: nothing.
    site.manifest("m/versioned/1.0.0", "summary: \"Fixes #42 and more\"");
    site.manifest("m/versioned/1.0.0", "version: 1.0.0 # as written");
    site.manifest("m/versioned/1.0.0", "title: M 1.0.0  # the default");
    site.check().assert_clean();
    // The reason of a yank is a sentence too.
    site.manifest(
        "m/versioned/1.0.0",
        "status: yanked\nyanked:\n  date: 2024-02-01\n  reason: Broken, see #12",
    );
    let report = site.check();
    let warnings = report.with_code("schema");
    assert_eq!(warnings.len(), 1, "{report}");
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`yanked.reason` ends before ` #`"),
        "{report}"
    );
}

#[test]
fn a_tab_is_shown_in_the_echoed_line_with_the_caret_on_it() {
    let mut site = SiteTest::good();
    let text = site.read(FINAL).replace("\n  mt_bench", "\n\tmt_bench");
    site.write(FINAL, &text);
    let run = site.run(["check"]);
    run.assert_status(1);
    let out = &run.stdout;
    assert!(out.contains(&format!(" --> {FINAL}:6:1\n")), "{out}");
    assert!(out.contains("6 | \\tmt_bench: 7.2\n  | ^\n"), "{out}");
    assert!(
        line_with(out, "= help:").contains("replace the tab (shown as `\\t`) with spaces"),
        "{out}"
    );
    assert!(!out.contains('\t'), "a raw tab is printed:\n{out}");

    // A tab after `key:`: the caret sits under the `\t`, two columns wide.
    let text = site
        .read(FINAL)
        .replace("\n\tmt_bench: ", "\n  mt_bench:\t");
    site.write(FINAL, &text);
    let out = site.run(["check"]).stdout;
    assert!(
        out.contains("6 |   mt_bench:\\t7.2\n  |            ^\n"),
        "{out}"
    );
}

#[test]
fn a_late_skip_says_how_late_in_words() {
    // The good fixture's skip is of the slot 2024-04-15, with 7 days' notice.
    for (announced, today, words) in [
        (
            "2024-04-10",
            "2024-06-01",
            "announced on 2024-04-10, only 5 days before it",
        ),
        ("2024-04-14", "2024-06-01", "only 1 day before it"),
        (
            "2024-04-15",
            "2024-06-01",
            "announced on 2024-04-15, on the day of the slot",
        ),
        (
            "2024-05-20",
            "2024-06-01",
            "announced on 2024-05-20, 35 days after it",
        ),
    ] {
        let mut site = SiteTest::good();
        site.today(today).manifest(
            "m/versioned/skip-2024-04-15",
            &format!("announced: {announced}"),
        );
        let report = site.check();
        report.assert_findings(1, &[("skip-late", "error", SKIP, Some(3))]);
        let message = report.diagnostics()[0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{announced}: {message}");
        assert!(
            message.ends_with("the channel needs 7 days' notice, so it was due by 2024-04-08"),
            "{message}"
        );
        assert!(!message.contains(" -"), "a negative count: {message}");
    }
}
