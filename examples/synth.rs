//! Writes a synthetic cadence site for benchmarks: M models, N releases over
//! a stream and a scheduled versioned channel, with candidates, skips,
//! artifacts, evaluations and about 2 KB of markdown notes per release.
//! The site passes `cadence check --today <today>` (printed on stderr) and
//! is byte-identical for the same arguments.
//!
//! `--style plain` (the default) writes every manifest in one block style;
//! `--style mixed` writes the same data in YAML styles that vary per file and
//! per value: quoted, folded, literal and multi-line plain scalars, flow
//! mappings and sequences, indentless sequences, comments, anchors and
//! aliases, quoted and explicit keys, `%YAML`, `---` and `...`, CRLF line
//! ends and a byte order mark in some files. Both styles of one seed build
//! byte-identical sites (`tests/testsuite/yaml_styles.rs`).
//!
//! cargo run --release --example synth -- --models 4 --releases 10000 --out /tmp/site [--seed 1] [--today 2026-01-01] [--style plain|mixed]

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use chrono::{Duration, NaiveDate};

#[path = "synth/style.rs"]
mod style;

pub use style::Style;
use style::{Entries, Item, Writer, num, text};

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(len);
        s
    }
    fn score(&mut self, lo: f64, hi: f64) -> f64 {
        let x = self.below(10_000) as f64 / 10_000.0;
        ((lo + x * (hi - lo)) * 100.0).round() / 100.0
    }
}

const WORDS: &[&str] = &[
    "taxonomy",
    "skills",
    "knowledge",
    "teacher",
    "synthetic",
    "data",
    "epoch",
    "checkpoint",
    "evaluation",
    "benchmark",
    "tokenizer",
    "alignment",
    "instruction",
    "tuning",
    "merge",
    "branch",
    "compositional",
    "grounded",
    "reasoning",
    "coding",
    "writing",
    "math",
    "safety",
    "quantized",
    "throughput",
    "context",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str() + ".",
        None => s,
    }
}

/// About 2 KB of markdown with headings, lists, a table and code.
fn notes(rng: &mut Rng, version: &str) -> String {
    let mut n = String::new();
    let _ = writeln!(n, "## What's new in {version}\n");
    for _ in 0..6 {
        let _ = writeln!(n, "- {}", sentence(rng, 8));
    }
    let _ = writeln!(
        n,
        "\n## Details\n\n{}\n\n{}\n",
        sentence(rng, 40),
        sentence(rng, 40)
    );
    let _ = writeln!(n, "| Skill | Examples | Change |\n|:--|--:|--:|");
    for _ in 0..5 {
        let _ = writeln!(
            n,
            "| {} | {} | +{}% |",
            WORDS[rng.below(WORDS.len() as u64) as usize],
            rng.below(5000),
            rng.below(20)
        );
    }
    let _ = writeln!(
        n,
        "\n```shell\nilab model download --repository example/model --release {version}\n```\n"
    );
    let _ = writeln!(
        n,
        "{}\n\n- [x] {}\n- [ ] {}",
        sentence(rng, 30),
        sentence(rng, 5),
        sentence(rng, 5)
    );
    n
}

pub struct Options {
    pub models: usize,
    pub releases: usize,
    pub out: PathBuf,
    pub seed: u64,
    pub today: NaiveDate,
    pub style: Style,
}

impl Options {
    pub fn new(out: PathBuf) -> Self {
        Options {
            models: 2,
            releases: 1000,
            out,
            seed: 1,
            today: NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid"),
            style: Style::Plain,
        }
    }
}

fn args() -> Result<Options, String> {
    let mut a = Options::new(PathBuf::from("synthetic-site"));
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--models" => a.models = value()?.parse().map_err(|e| format!("--models: {e}"))?,
            "--releases" => {
                a.releases = value()?.parse().map_err(|e| format!("--releases: {e}"))?
            }
            "--out" => a.out = PathBuf::from(value()?),
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--today" => {
                a.today = NaiveDate::parse_from_str(&value()?, "%Y-%m-%d")
                    .map_err(|e| format!("--today: {e}"))?
            }
            "--style" => {
                a.style = match value()?.as_str() {
                    "plain" => Style::Plain,
                    "mixed" => Style::Mixed,
                    other => return Err(format!("--style: `{other}` is not plain or mixed")),
                }
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.models == 0 {
        return Err("--models must be at least 1".into());
    }
    Ok(a)
}

const SLOT_DAYS: i64 = 7;

fn main() -> Result<(), String> {
    let a = args()?;
    let written = write_site(&a)?;
    eprintln!(
        "wrote {written} releases of {} models into {}; check with --today {}",
        a.models,
        a.out.display(),
        a.today
    );
    Ok(())
}

/// Write the site into `a.out` (which must be empty or absent); returns the
/// number of releases written.
pub fn write_site(a: &Options) -> Result<usize, String> {
    if a.out.exists()
        && fs::read_dir(&a.out)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!("{} is not empty", a.out.display()));
    }
    let mut rng = Rng(a.seed);
    // The data comes from `rng` alone, the style from `writer`'s own
    // generator, so that both styles of a seed hold the same data.
    let mut writer = Writer {
        style: a.style,
        rng: Rng(a.seed ^ 0x5717_1E5E_ED00_0001),
    };
    let per_model = a.releases / a.models;
    // About 70% stream builds; the rest are versioned finals, each with two
    // candidates, so three releases per scheduled slot.
    let slots_per_model = (per_model * 3 / 10) / 3;
    let stream_per_model = per_model - slots_per_model * 3;
    // Every 10th slot is skipped, so a slot more per 9 releases.
    let total_slots = slots_per_model + slots_per_model / 9 + 1;
    // The schedule ends with the slot before `today`'s week.
    let start = a.today - Duration::days(SLOT_DAYS * total_slots as i64);

    fs::create_dir_all(&a.out).map_err(|e| e.to_string())?;
    fs::write(a.out.join("cadence.toml"), config(a, start)).map_err(|e| e.to_string())?;
    fs::create_dir_all(a.out.join("content")).map_err(|e| e.to_string())?;
    let title = match a.style {
        Style::Plain => "title: About",
        Style::Mixed => "title: 'About'   # the page's title",
    };
    fs::write(
        a.out.join("content/about.md"),
        format!("---\n{title}\n---\nA synthetic site for benchmarks.\n"),
    )
    .map_err(|e| e.to_string())?;

    let mut written = 0;
    for m in 0..a.models {
        let model = format!("model-{m}");
        let dir = a.out.join("releases").join(&model);
        fs::create_dir_all(dir.join("stream")).map_err(|e| e.to_string())?;
        fs::create_dir_all(dir.join("versioned")).map_err(|e| e.to_string())?;
        let stream = dir.join("stream");
        let versioned = dir.join("versioned");

        // Stream: up to three builds a day, ending yesterday.
        let days = stream_per_model.div_ceil(3).max(1) as i64;
        let first_day = a.today - Duration::days(days);
        for b in 0..stream_per_model {
            let day = first_day + Duration::days((b / 3) as i64);
            let n = b % 3 + 1;
            let version = if n == 1 {
                day.to_string()
            } else {
                format!("{day}.{n}")
            };
            let doc = release(&mut rng, &version, day, None, &model, "stream");
            writer.write(&stream.join(format!("{version}.yaml")), &doc)?;
            written += 1;
        }

        // Versioned: slot k has a final on its date with rc.1 and rc.2
        // before it, or (every 10th) a skip.
        let mut finals = 0;
        let mut k = 0usize;
        while finals < slots_per_model {
            let slot = start + Duration::days(SLOT_DAYS * k as i64);
            if k % 10 == 9 {
                let doc = skip(slot, sentence(&mut rng, 12));
                writer.write(&versioned.join(format!("skip-{slot}.yaml")), &doc)?;
            } else {
                let (major, minor) = (1 + finals / 50, finals % 50);
                let version = format!("{major}.{minor}.0");
                let revision = rng.hex(40);
                for rc in 1..=2 {
                    let v = format!("{version}-rc.{rc}");
                    let date = slot - Duration::days(5 - rc as i64);
                    let doc = release(&mut rng, &v, date, Some(&revision), &model, "versioned");
                    writer.write(&versioned.join(format!("{v}.yaml")), &doc)?;
                }
                let doc = release(
                    &mut rng,
                    &version,
                    slot,
                    Some(&revision),
                    &model,
                    "versioned",
                );
                writer.write(&versioned.join(format!("{version}.yaml")), &doc)?;
                written += 3;
                finals += 1;
            }
            k += 1;
        }
        // The slots after the last one written, up to today, are skipped.
        loop {
            let slot = start + Duration::days(SLOT_DAYS * k as i64);
            if slot + Duration::days(2) >= a.today {
                break;
            }
            let doc = skip(slot, "Nothing to ship.".into());
            writer.write(&versioned.join(format!("skip-{slot}.yaml")), &doc)?;
            k += 1;
        }
    }
    Ok(written)
}

fn config(a: &Options, start: NaiveDate) -> String {
    let mut config = String::new();
    let _ = write!(
        config,
        r#"title = "Synthetic release site"
base_url = "https://bench.example.org/"
description = "A synthetic site for benchmarks"
notice = "Synthetic data generated by examples/synth.rs"

[author]
name = "Bench"

[announce]
to = "announce@example.org"
from = "Bench <bench@example.org>"

[channels.stream]
title = "Stream"
description = "Every build."
versioning = "date"
tag = "release-{{compact}}"
retention = 10

[channels.versioned]
title = "Versioned"
description = "Weekly scheduled releases."
versioning = "semver"
tag = "v{{version}}"

[channels.versioned.schedule]
every = "1 week"
start = {start}
window_days = 2
skip_notice_days = 3

[channels.versioned.candidates]
required = true
soak_days = 2
promote_same_revision = true

[channels.versioned.gates]
mt_bench = {{ min = 6.0 }}

[metrics.mt_bench]
title = "MT-Bench"
[metrics.mmlu]
title = "MMLU"
"#
    );
    for m in 0..a.models {
        let _ = write!(
            config,
            "\n[models.model-{m}]\ntitle = \"Model {m}\"\nlicense = \"apache-2.0\"\n[models.model-{m}.repos]\nstream = \"bench/model-{m}-stream\"\nversioned = \"bench/model-{m}\"\n"
        );
    }
    config
}

fn skip(slot: NaiveDate, reason: String) -> Entries {
    vec![
        ("kind", text("skip")),
        ("slot", text(slot.to_string())),
        ("announced", text((slot - Duration::days(5)).to_string())),
        ("reason", Item::Block(reason + "\n")),
    ]
}

fn release(
    rng: &mut Rng,
    version: &str,
    date: NaiveDate,
    revision: Option<&str>,
    model: &str,
    channel: &str,
) -> Entries {
    let revision = revision.map_or_else(|| rng.hex(40), str::to_string);
    let summary = format!(
        "{} build of {model} from the {channel} channel.",
        sentence(rng, 6)
    );
    let commit = rng.hex(8);
    let safetensors = vec![
        ("format", text("safetensors")),
        ("file", text("model.safetensors")),
        ("size", num(13_000_000_000 + rng.below(1_000_000_000))),
        ("sha256", text(rng.hex(64))),
    ];
    let gguf = vec![
        ("format", text("gguf")),
        ("file", text(format!("{model}-Q4_K_M.gguf"))),
        ("repo", text(format!("bench/{model}-GGUF"))),
        ("quantization", text("Q4_K_M")),
        ("size", num(4_000_000_000 + rng.below(100_000_000))),
        ("sha256", text(rng.hex(64))),
    ];
    let evaluations = vec![
        ("mt_bench", num(rng.score(6.2, 8.0))),
        ("mmlu", num(rng.score(0.45, 0.65))),
    ];
    vec![
        ("version", text(version)),
        ("date", text(date.to_string())),
        ("summary", text(summary)),
        ("revision", text(revision)),
        ("taxonomy", text(format!("cmb-run-{date}"))),
        ("taxonomy_commit", text(commit)),
        (
            "artifacts",
            Item::List(vec![Item::Map(safetensors), Item::Map(gguf)]),
        ),
        ("evaluations", Item::Map(evaluations)),
        ("notes", Item::Block(notes(rng, version))),
    ]
}
