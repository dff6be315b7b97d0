//! The JSON API (SPEC 7) and the manifest schema:
//!
//! - `api/v1/releases.json`: `{"title", "base_url", "releases": [...]}`, every
//!   release (planned and candidates included, not limited by `feed_limit`)
//!   and every skip, newest first (see [`releases`] for the order);
//! - `api/v1/<model>/<channel>/latest.json`: the newest released final of
//!   each model's channel, or `null` when it has none yet;
//! - `api/v1/<model>/<channel>/lines.json`: the major lines of each
//!   model's semver channel (SPEC 10), newest first;
//! - `api/v1/<model>/<channel>/<major>.x/latest.json`: the newest released
//!   final of each existing major line;
//! - `api/v1/schedule.json`: slots with state, and the major lines;
//! - `schema/manifest.schema.json`.
//!
//! Pretty-printed, with a trailing newline, keys in a fixed order.
//! [`render`] makes them all in memory; a build writes `releases.json`
//! with [`write_releases`] as it is made and the rest from
//! [`render_rest`].
//!
//! Part of the site layer.

use std::cmp::Reverse;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::OutputFile;
use super::catalog::Catalog;

/// Where `releases.json` goes; [`write_releases`] writes it.
pub const RELEASES: &str = "api/v1/releases.json";

/// `releases.json`, written as it is made: it holds every release with its
/// notes (370 MB for 100,000 releases), so it is never held whole.
pub fn write_releases(catalog: &Catalog, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_releases_in(catalog, w, 4096, 64)
}

/// [`write_releases`], serialising `batch` items at a time in parallel
/// pieces of `piece`. Each item is pretty-printed on its own and indented
/// to its depth in the file (a JSON string holds no raw newline, so every
/// newline of an item's text is a line break of the layout), which gives
/// the very bytes `serde_json::to_writer_pretty` gives for the whole file,
/// in parallel and with one batch in memory at a time.
fn write_releases_in(
    catalog: &Catalog,
    w: &mut dyn std::io::Write,
    batch: usize,
    piece: usize,
) -> std::io::Result<()> {
    const ITEM_BREAK: &[u8] = b",\n    ";
    let items = order(catalog);
    w.write_all(b"{\n  \"title\": ")?;
    serde_json::to_writer(&mut *w, &catalog.config.title)?;
    w.write_all(b",\n  \"base_url\": ")?;
    serde_json::to_writer(&mut *w, &catalog.config.base_url)?;
    if items.is_empty() {
        return w.write_all(b",\n  \"releases\": []\n}\n");
    }
    w.write_all(b",\n  \"releases\": [\n    ")?;
    for (n, group) in items.chunks(batch.max(1)).enumerate() {
        let parts: Vec<std::io::Result<Vec<u8>>> = group
            .par_chunks(piece.max(1))
            .map(|chunk| {
                let mut out = Vec::with_capacity(chunk.len() * 4096);
                let mut one = Vec::with_capacity(8192);
                for (k, &(i, skip)) in chunk.iter().enumerate() {
                    if k > 0 {
                        out.extend_from_slice(ITEM_BREAK);
                    }
                    one.clear();
                    if skip {
                        serde_json::to_writer_pretty(&mut one, &catalog.skip_shape(i))?;
                    } else {
                        serde_json::to_writer_pretty(&mut one, &catalog.release_shape(i))?;
                    }
                    for line in one.split_inclusive(|&b| b == b'\n') {
                        out.extend_from_slice(line);
                        if line.ends_with(b"\n") {
                            out.extend_from_slice(b"    ");
                        }
                    }
                }
                Ok(out)
            })
            .collect();
        for (k, part) in parts.into_iter().enumerate() {
            if n > 0 || k > 0 {
                w.write_all(ITEM_BREAK)?;
            }
            w.write_all(&part?)?;
        }
    }
    w.write_all(b"\n  ]\n}\n")
}

/// Every file of the API, in memory.
pub fn render(catalog: &Catalog) -> Vec<OutputFile> {
    let mut releases = Vec::new();
    write_releases(catalog, &mut releases).expect("writing to memory cannot fail");
    let mut out = vec![OutputFile::new(RELEASES, releases)];
    out.extend(render_rest(catalog));
    out
}

/// The API's files but `releases.json`: each `latest.json`,
/// `schedule.json` and the manifest schema.
pub fn render_rest(catalog: &Catalog) -> Vec<OutputFile> {
    let mut out = Vec::new();
    // Every channel a model publishes on gets its `latest.json`, so a
    // script can fetch it without knowing whether the channel has shipped:
    // `null` says "nothing released yet", where a missing file (404) would
    // look like a wrong model or channel name.
    for stream in catalog.streams.values() {
        let latest = stream
            .latest
            .map_or(Value::Null, |i| catalog.release_json(i));
        out.push(OutputFile::new(
            format!("api/v1/{}/{}/latest.json", stream.model, stream.channel),
            pretty(&latest),
        ));
        let semver = catalog
            .config
            .channels
            .get(&stream.channel)
            .is_some_and(|c| c.versioning == crate::model::version::Versioning::Semver);
        if semver {
            out.push(OutputFile::new(
                format!("api/v1/{}/{}/lines.json", stream.model, stream.channel),
                pretty(&catalog.lines_json(&stream.model, &stream.channel)),
            ));
        }
    }
    for line in &catalog.lines {
        out.push(OutputFile::new(
            format!("api/v1/{}latest.json", line.path),
            pretty(&catalog.release_json(line.latest)),
        ));
    }
    out.push(OutputFile::new(
        "api/v1/schedule.json",
        pretty(&catalog.schedule_json(None)),
    ));
    out.push(OutputFile::new(
        "schema/manifest.schema.json",
        pretty(&crate::model::schema::manifest_schema(Some(
            &catalog.config.base_url,
        ))),
    ));
    out
}

/// Every release and skip (`(index, is a skip)`), newest first: by date (a
/// release's `date`, a skip's `slot`, the day the skipped release would
/// have shipped), then model and channel, then a release before a skip of
/// the same day, then the higher version first.
fn order(catalog: &Catalog) -> Vec<(usize, bool)> {
    let site = catalog.site;
    let mut items: Vec<(usize, bool)> = (0..site.releases.len())
        .map(|i| (i, false))
        .chain((0..site.skips.len()).map(|k| (k, true)))
        .collect();
    items.sort_by(|&(a, a_skip), &(b, b_skip)| {
        let key = |i: usize, skip: bool| {
            if skip {
                let s = &site.skips[i];
                (
                    Reverse(s.slot),
                    s.model.as_str(),
                    s.channel.as_str(),
                    true,
                    Reverse(None),
                    s.file.as_str(),
                )
            } else {
                let r = &site.releases[i];
                (
                    Reverse(r.date),
                    r.model.as_str(),
                    r.channel.as_str(),
                    false,
                    Reverse(r.parsed.as_ref()),
                    r.file.as_str(),
                )
            }
        };
        key(a, a_skip).cmp(&key(b, b_skip))
    });
    items
}

fn pretty(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("JSON values serialise");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::ser::SerializeSeq;

    /// `releases.json`, written without building the whole file's tree.
    #[derive(Serialize)]
    struct ReleasesFile<'a> {
        title: &'a str,
        base_url: &'a str,
        releases: Items<'a>,
    }

    /// The items of `releases.json` in [`order`], each serialised as it is
    /// made.
    struct Items<'a>(&'a Catalog<'a>, Vec<(usize, bool)>);

    impl Serialize for Items<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(self.1.len()))?;
            for &(i, skip) in &self.1 {
                if skip {
                    seq.serialize_element(&self.0.skip_shape(i))?;
                } else {
                    seq.serialize_element(&self.0.release_shape(i))?;
                }
            }
            seq.end()
        }
    }

    /// The whole file in one `to_writer_pretty`, as it was written before
    /// the items were serialised in parallel.
    fn reference(catalog: &Catalog) -> Vec<u8> {
        let file = ReleasesFile {
            title: &catalog.config.title,
            base_url: &catalog.config.base_url,
            releases: Items(catalog, order(catalog)),
        };
        let mut out = serde_json::to_vec_pretty(&file).unwrap();
        out.push(b'\n');
        out
    }

    fn fixture() -> crate::model::load::Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        crate::model::load::load(&root).unwrap()
    }

    #[test]
    fn parallel_releases_json_is_byte_for_byte_serde_pretty() {
        let site = fixture();
        let today = chrono::NaiveDate::from_ymd_opt(2025, 5, 20).unwrap();
        let catalog = Catalog::new(&site, today);
        let want = reference(&catalog);
        assert!(catalog.site.releases.len() + catalog.site.skips.len() > 10);
        // Batches and pieces of every size: one item, uneven, all at once.
        for (batch, piece) in [(1, 1), (3, 2), (5, 64), (4096, 3), (4096, 64)] {
            let mut got = Vec::new();
            write_releases_in(&catalog, &mut got, batch, piece).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want.clone()).unwrap(),
                "batch {batch}, piece {piece}"
            );
        }
    }

    #[test]
    fn empty_releases_json_is_serde_pretty() {
        let mut site = fixture();
        site.releases.clear();
        site.skips.clear();
        let today = chrono::NaiveDate::from_ymd_opt(2025, 5, 20).unwrap();
        let catalog = Catalog::new(&site, today);
        let mut got = Vec::new();
        write_releases(&catalog, &mut got).unwrap();
        assert_eq!(got, reference(&catalog));
    }
}
