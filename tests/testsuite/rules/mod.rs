//! The cadence rules of SPEC 5. Each rule's fault is the good fixture
//! changed a line or two ([`fault`]); `each_rule` runs `check` on each and
//! checks the code, severity, file, line and exit status, and a site with
//! ten faults in ten files; `boundaries` tests the rules' edges.

mod boundaries;
mod bounds;
mod each_rule;
mod markdown;

use crate::prelude::*;

pub const E: &str = "error";
pub const W: &str = "warning";

pub const V: &str = "releases/m/versioned/";
pub const STREAM_BUILD: &str = "releases/m/stream/2024-05-01.yaml";
pub const FINAL: &str = "releases/m/versioned/1.0.0.yaml";
pub const SKIP: &str = "releases/m/versioned/skip-2024-04-15.yaml";

/// Every rule that has a fault of its own in [`fault`].
pub const RULES: &[&str] = &[
    "artifact",
    "candidate-after-final",
    "candidate-missing",
    "candidate-soak",
    "config",
    "content",
    "duplicate-version",
    "file-name",
    "future-date",
    "gate",
    "off-schedule",
    "planned-past",
    "promote-revision",
    "revision-format",
    "schema",
    "skip-late",
    "skip-unknown-slot",
    "slot-conflict",
    "slot-missed",
    "slot-unplanned",
    "tag-collision",
    "tag-format",
    "taxonomy-date",
    "unknown-channel",
    "unknown-model",
    "unsafe-path",
    "version-format",
    "version-order",
    "yaml-syntax",
];

/// A versioned release of the good fixture's shape: `revision` is 40
/// times `rev`, MT-Bench 7.2.
pub fn versioned(version: &str, date: &str, rev: char) -> String {
    format!(
        "version: {version}\ndate: {date}\nsummary: Release {version}.\nrevision: {}\nevaluations:\n  mt_bench: 7.2\n",
        rev.to_string().repeat(40)
    )
}

/// A stream build dated its version: `revision` is 40 times `rev`.
pub fn build(version: &str, rev: char) -> String {
    format!(
        "version: {version}\ndate: {version}\nsummary: A stream build.\nrevision: {}\n",
        rev.to_string().repeat(40)
    )
}

/// The good fixture with the one fault of `rule` (one of [`RULES`]): what
/// the rule fixtures under `tests/fixtures/rules/<rule>/` held before they
/// became these deltas. `slot-unplanned` is found on 2024-07-10, the others
/// on [`GOOD_TODAY`].
pub fn fault(rule: &str) -> SiteTest {
    let mut t = SiteTest::good();
    match rule {
        "artifact" => t.manifest(
            "m/stream/2024-05-01",
            "artifacts:\n  - format: gguf\n    file: m-Q4_K_M.gguf\n    size: 4080218931",
        ),
        "candidate-after-final" => t.manifest(
            "m/versioned/1.0.0-rc.2",
            &versioned("1.0.0-rc.2", "2024-01-20", '1'),
        ),
        "candidate-missing" => t
            .remove(SKIP)
            .manifest("m/versioned/1.1.0", &versioned("1.1.0", "2024-04-15", '3')),
        "candidate-soak" => t.manifest("m/versioned/1.0.0-rc.1", "date: 2024-01-10"),
        "config" => t.edit("cadence.toml", "window_days", "windw_days"),
        "content" => t.edit(
            "content/about.md",
            "title: About\n",
            "title: About\ndraft: maybe\n",
        ),
        "duplicate-version" => t.manifest("m/stream/2024-05-02", &build("2024-05-01", '3')),
        "file-name" => t.manifest("m/stream/2024-05-03", &build("2024-05-02", '2')),
        "future-date" => t.manifest("m/stream/2024-06-05", &build("2024-06-05", '3')),
        "gate" => t.manifest("m/versioned/1.0.0", "evaluations:\n  mt_bench: 6.9"),
        "off-schedule" => t
            .manifest(
                "m/versioned/1.1.0-rc.1",
                &versioned("1.1.0-rc.1", "2024-02-20", '3'),
            )
            .manifest("m/versioned/1.1.0", &versioned("1.1.0", "2024-03-01", '3')),
        "planned-past" => t.remove(SKIP).manifest(
            "m/versioned/1.1.0",
            "version: 1.1.0\ndate: 2024-04-20\nsummary: The next release.\nstatus: planned",
        ),
        "promote-revision" => t.manifest(
            "m/versioned/1.0.0",
            &format!("revision: {}", "3".repeat(40)),
        ),
        "revision-format" => t.manifest("m/stream/2024-05-01", "revision: abc123"),
        "schema" => t.edit(STREAM_BUILD, "summary:", "sumary:"),
        "skip-late" => t.manifest("m/versioned/skip-2024-04-15", "announced: 2024-04-10"),
        "skip-unknown-slot" => t.manifest(
            "m/versioned/skip-2024-07-16",
            "kind: skip\nslot: 2024-07-16\nannounced: 2024-05-01\nreason: Holidays.",
        ),
        "slot-conflict" => t
            .manifest(
                "m/versioned/1.1.0-rc.1",
                &versioned("1.1.0-rc.1", "2024-04-01", '3'),
            )
            .manifest("m/versioned/1.1.0", &versioned("1.1.0", "2024-04-15", '3')),
        "slot-missed" => t.remove(SKIP),
        "slot-unplanned" => t.manifest("m/stream/2024-07-01", &build("2024-07-01", '3')),
        "tag-collision" => t.config("[channels.versioned]\ntag = \"v{major}.{minor}.{patch}\""),
        "tag-format" => t.config("[channels.stream]\ntag = \"stream/{compact}\""),
        "taxonomy-date" => t.manifest("m/stream/2024-05-01", "taxonomy: cmb-run-2024-05-02"),
        "unknown-channel" => t.manifest("m/nightly/2024-05-02", &build("2024-05-02", '2')),
        "unknown-model" => t.manifest("mm/stream/2024-05-02", &build("2024-05-02", '2')),
        "unsafe-path" => {
            // A link to a manifest outside the site.
            let outside = t.beside("outside/2024-05-01.yaml");
            std::fs::create_dir_all(outside.parent().unwrap()).unwrap();
            std::fs::write(&outside, build("2024-05-01", '2')).unwrap();
            t.symlink(&outside, "releases/m/stream/2024-05-02.yaml")
        }
        "version-format" => t.manifest(
            "m/versioned/1.2.0-beta.1",
            &versioned("1.2.0-beta.1", "2024-05-20", '3'),
        ),
        "version-order" => t.manifest(
            "m/versioned/1.0.0-rc.2",
            &versioned("1.0.0-rc.2", "2024-01-01", '1'),
        ),
        "yaml-syntax" => t.manifest("m/stream/2024-05-01", "date: 2024-05-01: noon"),
        other => panic!("no fault for rule `{other}`"),
    };
    t
}
