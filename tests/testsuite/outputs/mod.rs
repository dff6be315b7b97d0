//! The feeds, calendar and JSON API rendered from the fixture site, checked
//! the way a subscriber's feed reader, calendar and scripts would read them:
//! these call the library on the loaded site (`fixture`), and the hostile
//! ones put values into it that a rule would have refused.

mod api;
mod calendar;
mod calendar_rule;
mod commands;
mod feed_times;
mod feeds;
mod fixture;
mod hostile;

use cadence_site::site::{api as api_files, calendar as calendar_files, catalog::Catalog};

/// Not a test: writes the feeds, calendars and API files of the fixture into
/// `$CADENCE_CONFORMANCE_OUT`, for `tests/conformance/run.sh` until
/// `cadence build` writes them.
#[test]
#[ignore]
fn write_fixture_outputs() {
    let Some(out) = std::env::var_os("CADENCE_CONFORMANCE_OUT") else {
        panic!("set CADENCE_CONFORMANCE_OUT to a folder");
    };
    let out = std::path::PathBuf::from(out);
    let (_dir, site) = fixture::site();
    let catalog = Catalog::new(&site, fixture::today());
    let files = cadence_site::site::feeds::render(&catalog)
        .into_iter()
        .chain(calendar_files::render(&catalog))
        .chain(api_files::render(&catalog));
    for f in files {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.bytes).unwrap();
    }
}
