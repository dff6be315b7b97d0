//! The `template` rule (SPEC 5): `check` loads the theme in use, and a
//! template override that does not parse, or names a filter, test,
//! function, macro or template that does not exist, is a `template` error
//! at its file and line; `build` refuses it the same way, before writing.

use crate::prelude::*;

/// The good fixture with `theme = "t"` and `files` written under
/// `themes/t/templates/`.
fn site_with(files: &[(&str, &str)]) -> SiteTest {
    let mut site = SiteTest::good();
    site.config("theme = \"t\"")
        .write("themes/t/static/.keep", "");
    for (name, text) in files {
        site.write(&format!("themes/t/templates/{name}"), text);
    }
    site
}

/// `(file, line, message)` of each `template` finding, and the exit status.
fn template_findings(site: &SiteTest) -> (i32, Vec<(String, Option<u64>, String)>) {
    let report = site.check();
    let found = report
        .diagnostics()
        .iter()
        .filter(|d| d["code"] == "template")
        .map(|d| {
            assert_eq!(d["severity"], "error");
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (report.status, found)
}

/// One broken override: exit 1 with one `template` finding naming its
/// file and `line`, whose message holds `says`.
fn assert_broken(name: &str, text: &str, line: u64, says: &str) {
    let site = site_with(&[(name, text)]);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1, "{name}: {found:?}");
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    let (file, at, message) = &found[0];
    assert_eq!(file, &format!("themes/t/templates/{name}"));
    assert_eq!(*at, Some(line), "{message}");
    assert!(message.contains(says), "{message}");
}

const HEAD: &str =
    "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}\n";

#[test]
fn a_template_that_does_not_parse() {
    assert_broken(
        "page.html",
        &format!("{HEAD}<h1>{{{{ page.title }}</h1>\n{{% if page.title %}}\n{{% endblock main %}}"),
        4,
        "does not parse",
    );
}

#[test]
fn an_unknown_filter() {
    assert_broken(
        "release.html",
        &format!(
            "{HEAD}<p>{{{{ release.version }}}}</p>\n<p>{{{{ release.summary | no_such_filter }}}}</p>\n{{% endblock main %}}"
        ),
        5,
        "filter `no_such_filter`",
    );
}

#[test]
fn an_unknown_function() {
    assert_broken(
        "page.html",
        &format!("{HEAD}\n\n{{{{ no_such_function(n=1) }}}}\n{{% endblock main %}}"),
        6,
        "function `no_such_function`",
    );
}

#[test]
fn an_unknown_test() {
    assert_broken(
        "page.html",
        &format!("{HEAD}{{% if page.title is shiny %}}x{{% endif %}}\n{{% endblock main %}}"),
        4,
        "test `shiny`",
    );
}

#[test]
fn a_missing_include() {
    assert_broken(
        "page.html",
        &format!(
            "{HEAD}<p>intro</p>\n{{% include \"partials/missing.html\" %}}\n{{% endblock main %}}"
        ),
        5,
        "`partials/missing.html`, which does not exist",
    );
}

#[test]
fn a_missing_parent() {
    assert_broken(
        "page.html",
        "{# a page #}\n{% extends \"layout.html\" %}\n{% block main %}{% endblock main %}",
        2,
        "extends the template `layout.html`",
    );
}

#[test]
fn a_missing_macro_import_and_a_missing_macro() {
    // Calls `x::` without importing anything as `x`.
    assert_broken(
        "page.html",
        &format!(
            "{HEAD}{{{{ m::date(d=page.title) }}}}\n{{{{ x::badges(r=page) }}}}\n{{% endblock main %}}"
        ),
        5,
        "imports nothing as `x`",
    );
    // Imports a file that is not there.
    assert_broken(
        "page.html",
        "{% extends \"base.html\" %}\n\n{% import \"my-macros.html\" as mm %}\n{% block main %}{% endblock main %}",
        3,
        "imports macros from the template `my-macros.html`",
    );
    // A macro that the imported file does not define.
    assert_broken(
        "page.html",
        &format!("{HEAD}\n{{{{ m::no_such_macro(r=page) }}}}\n{{% endblock main %}}"),
        5,
        "`m::no_such_macro`, which `macros.html` does not define",
    );
}

#[test]
fn an_override_that_breaks_a_built_in_template_names_the_built_in_one() {
    // macros.html without `badges`: the built-in release.html calls it.
    let site = site_with(&[(
        "macros.html",
        "{% macro date(d) %}{{ d }}{% endmacro date %}",
    )]);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1);
    assert!(
        found
            .iter()
            .any(|(file, line, message)| file == "builtin:release.html"
                && line.is_some()
                && message.contains("`m::badges`, which `macros.html` does not define")),
        "{found:#?}"
    );
}

#[test]
fn every_broken_template_is_reported_not_only_the_first() {
    let site = site_with(&[
        ("page.html", "{{ x | nope }}"),
        ("skip.html", "{% if %}"),
        ("announce/skip.txt", "{{ nope_fn() }}"),
    ]);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1);
    let files: Vec<&str> = found.iter().map(|(f, _, _)| f.as_str()).collect();
    for f in [
        "themes/t/templates/page.html",
        "themes/t/templates/skip.html",
        "themes/t/templates/announce/skip.txt",
    ] {
        assert!(files.contains(&f), "{f}: {found:#?}");
    }
}

#[test]
fn a_good_override_passes_and_is_built() {
    let site = site_with(&[
        (
            "page.html",
            "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}<h1 class=\"mine\">{{ page.title | upper }}</h1>{% include \"part.html\" %}{% if page.title is string %}{{ m::date(d=site.today) }}{% endif %}{% endblock main %}",
        ),
        ("part.html", "<p>{{ page.title | truncate(length=3) }}</p>"),
    ]);
    let (status, found) = template_findings(&site);
    assert_eq!((status, found.len()), (0, 0), "{found:#?}");
    let out = site.path("public");
    let built = site.run(["build", "--out", out.to_str().unwrap()]);
    assert_eq!(built.status, 0, "{}", built.stderr);
}

#[test]
fn build_refuses_a_broken_override_with_the_same_finding() {
    let site = site_with(&[(
        "release.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ release.version | no_such_filter }}\n{% endblock main %}",
    )]);
    let out = site.path("public");
    let run = site.run(["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[template]")
            && run.stderr.contains("--> themes/t/templates/release.html:3"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn an_override_that_is_not_utf8_is_a_finding() {
    let mut site = site_with(&[]);
    site.write("themes/t/templates/page.html", b"ok\n\xff\xfe\n".as_slice());
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, Some(2));
}

#[test]
fn announce_refuses_a_broken_announcement_template() {
    let site = site_with(&[(
        "announce/release.txt",
        "Subject: {{ release.title }}\n\n{{ release.summary | wrapp(width=72) }}\n",
    )]);
    let run = site.run(["announce", "m", "versioned", "1.0.0"]);
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("--> themes/t/templates/announce/release.txt:3"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_refuses_a_theme_that_is_not_there() {
    let run = SiteTest::good().config("theme = \"nope\"").run(["check"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("themes/nope/"), "{}", run.stderr);
}

#[test]
fn a_deeply_nested_override_is_a_finding_not_a_crash() {
    let deep = format!(
        "{}x{}",
        "{% if a %}".repeat(5000),
        "{% endif %}".repeat(5000)
    );
    let site = site_with(&[("page.html", &deep)]);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, Some(1));
}

/// `{{ 1 + 1 + ... }}`: tera nests one node per operator, and walking
/// (or dropping) 100,000 of them overflowed the stack.
#[test]
fn a_long_expression_is_a_finding_not_a_crash() {
    let long = format!("ok\n{{{{ 1{} }}}}\n", " + 1".repeat(100_000));
    let site = site_with(&[("page.html", &long)]);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, Some(2));
    assert!(found[0].2.contains("operators"), "{found:#?}");
}

/// Nesting just under the bound parses, checks and renders: the bound
/// refuses only what no theme needs.
#[test]
fn nesting_under_the_bound_builds() {
    let n = 60;
    let page = format!(
        "{{% extends \"base.html\" %}}\n{{% block main %}}{}<p>{{{{ page.title{} }}}}</p>{}{{% endblock main %}}",
        "{% if page %}{% for i in [1] %}".repeat(n / 2),
        " ~ \"\"".repeat(100),
        "{% endfor %}{% endif %}".repeat(n / 2)
    );
    let site = site_with(&[("page.html", &page)]);
    let out = site.path("public");
    let run = site.run(["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(about.contains("<p>About"), "{about}");
}

/// `(file, line, message)` findings and the exit status of `build`, which
/// renders: a template that includes itself, or a macro that calls itself,
/// would recurse until the stack overflowed.
fn assert_recursion(files: &[(&str, &str)], file: &str, line: u64, chain: &str) {
    let site = site_with(files);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|(f, l, m)| f == &format!("themes/t/templates/{file}")
                && *l == Some(line)
                && m.contains(chain)),
        "{file}:{line} {chain}: {found:#?}"
    );
    let out = site.path("public");
    let run = site.run(["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[template]"), "{}", run.stderr);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_template_that_includes_itself_is_a_finding_not_a_crash() {
    assert_recursion(
        &[(
            "page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{% include \"page.html\" %}\n{% endblock main %}",
        )],
        "page.html",
        3,
        "page.html -> page.html",
    );
}

#[test]
fn an_include_cycle_through_a_parent_is_a_finding() {
    assert_recursion(
        &[
            (
                "footer.html",
                "<footer>\n{% include \"more.html\" %}</footer>",
            ),
            ("more.html", "{% include \"footer.html\" %}"),
        ],
        "footer.html",
        2,
        "footer.html -> more.html -> footer.html",
    );
}

#[test]
fn a_macro_that_calls_itself_is_a_finding_not_a_crash() {
    let macros = format!(
        "{}\n{{% macro again(n) %}}{{{{ self::again(n=n) }}}}{{% endmacro again %}}",
        include_str!("../../themes/default/templates/macros.html")
    );
    let page = "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}{{ m::again(n=1) }}{% endblock main %}";
    let line = macros.lines().count() as u64;
    assert_recursion(
        &[("macros.html", &macros), ("page.html", page)],
        "macros.html",
        line,
        "macros.html::again -> macros.html::again",
    );
}

/// 20,000 unknown filters: each was located by a scan of every tag (46 s
/// here, and four times as long for each doubling).
#[test]
fn many_faults_in_one_template_are_reported_briefly() {
    let page: String = (0..20_000)
        .map(|i| format!("{{{{ x | f{i} }}}}\n"))
        .collect();
    let site = site_with(&[("page.html", &page)]);
    let (status, found) = template_findings(&site);
    assert_eq!(status, 1);
    assert!(found.len() <= 21, "{}", found.len());
    assert_eq!(found[0].1, Some(1), "{found:#?}");
    assert!(
        found.iter().any(|(_, _, m)| m.contains("19980 more")),
        "{found:#?}"
    );
}

/// tera panicked (an `unwrap` on its stack of blocks) rendering `super()`
/// in a block inside an `if`: a panic, not a finding.
#[test]
fn super_outside_a_block_of_its_own_is_a_finding_not_a_panic() {
    assert_broken(
        "page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if page %}{% block inner %}\n{{ super() }}{% endblock inner %}{% endif %}\n{% endblock main %}",
        4,
        "uses `super()` outside a block of its own",
    );
}

/// tera loads the macros of a file's imports, and of theirs, with no
/// guard: two files that import each other recursed until the stack
/// overflowed.
#[test]
fn files_that_import_each_other_are_a_finding_not_a_crash() {
    let macros = format!(
        "{{% import \"more.html\" as more %}}\n{}",
        include_str!("../../themes/default/templates/macros.html")
    );
    assert_recursion(
        &[
            ("macros.html", &macros),
            ("more.html", "{% import \"macros.html\" as m %}"),
        ],
        "macros.html",
        1,
        "imports itself: macros.html -> more.html -> macros.html",
    );
}

/// Ten includes of a template that includes another ten times, four
/// levels down: 11,111 renderings a page (and 10 levels, ten billion).
#[test]
fn exponential_includes_are_a_finding() {
    let files: Vec<(String, String)> = (0..5)
        .map(|i| {
            let text = if i < 4 {
                format!("{{% include \"x{}.html\" %}}", i + 1).repeat(10)
            } else {
                "leaf".to_string()
            };
            (format!("x{i}.html"), text)
        })
        .chain([(
            "footer.html".to_string(),
            "<footer>\n{% include \"x0.html\" %}</footer>".to_string(),
        )])
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_recursion(
        &files,
        "footer.html",
        2,
        "renders 11112 templates and macros",
    );
}

/// tera panicked (`Number::from_f64(..).unwrap()`) on a float literal too
/// large to hold: `1` and 400 zeros.
#[test]
fn a_number_too_large_to_hold_is_a_finding_not_a_panic() {
    let big = format!("1{}.0", "0".repeat(400));
    assert_broken(
        "page.html",
        &format!("{HEAD}<p>\n{{{{ {big} }}}}</p>\n{{% endblock main %}}"),
        5,
        "writes a number too large to hold",
    );
}

/// A page that renders with `body` in its main block: `build`'s exit
/// status and stderr, and whether the output was written.
fn build_with(body: &str) -> (i32, String, bool) {
    let site = site_with(&[("page.html", &format!("{HEAD}{body}\n{{% endblock main %}}"))]);
    let out = site.path("public");
    let run = site.run(["build", "--out", out.to_str().unwrap()]);
    (run.status, run.stderr.clone(), out.exists())
}

/// tera unwraps the sum of two floats (`Number::from_f64(ll + rr)`), so a
/// sum past the largest float panicked: exit 101 and a backtrace.
#[test]
fn a_panic_in_tera_is_an_error_naming_the_template() {
    let big = format!("1{}.0", "0".repeat(308));
    let (status, stderr, written) = build_with(&format!("{{{{ {big} + {big} }}}}"));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("template `page.html`: tera failed while rendering it"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!written, "nothing is written");
}

/// tera's `range` allocates every number first.
#[test]
fn a_huge_range_is_an_error_not_all_the_memory() {
    let (status, stderr, written) =
        build_with("{% for i in range(end=10000000000000) %}{{ i }}{% endfor %}");
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("`range` would give 10000000000000 numbers"),
        "{stderr}"
    );
    assert!(!written);
    // A step of 0: tera's loop never ended, filling the memory.
    let (status, stderr, _) =
        build_with("{% for i in range(end=5, step_by=0) %}{{ i }}{% endfor %}");
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("`step_by` of 1 or more"), "{stderr}");
    let (status, stderr, _) =
        build_with("{% for i in range(end=3, step_by=1) %}{{ i }}{% endfor %}");
    assert_eq!(status, 0, "{stderr}");
}

/// tera registers `get_env` even without its builtins: a theme could
/// print the Hub token (or CI's) into the published pages.
#[test]
fn a_theme_cannot_read_the_environment() {
    assert_broken(
        "page.html",
        &format!("{HEAD}<p>\n{{{{ get_env(name=\"HF_TOKEN\") }}}}</p>\n{{% endblock main %}}"),
        5,
        "calls the function `get_env`, which does not exist",
    );
}
