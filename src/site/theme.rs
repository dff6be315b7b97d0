//! Themes: tera templates and static files. The built-in `default` theme is
//! compiled into the binary; a site's `themes/<name>/templates/` and
//! `themes/<name>/static/` replace its files one by one (as mdBook and Zola
//! do), so a user overrides one template without copying the theme.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use include_dir::{Dir, include_dir};

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    /// Every template by its path under `templates/` (`release.html`,
    /// `announce/release.txt`).
    pub tera: tera::Tera,
    /// Static files by their path under `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
}

fn built_in_files(prefix: &str) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    let mut todo = vec![&BUILT_IN];
    while let Some(dir) = todo.pop() {
        for f in dir.files() {
            let path = f.path().to_string_lossy().replace('\\', "/");
            if let Some(rel) = path.strip_prefix(prefix) {
                out.push((rel.to_string(), f.contents()));
            }
        }
        todo.extend(dir.dirs());
    }
    out.sort();
    out
}

fn disk_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if entry.file_type().is_file() {
            let rel = crate::load::relative(dir, entry.path());
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            out.push((rel, bytes));
        }
    }
    Ok(out)
}

impl Theme {
    /// The built-in theme with the site's `themes/<name>/` files over it.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            bail!(
                "theme `{name}` (cadence.toml `theme`) is not in {}",
                dir.display()
            );
        }
        let mut templates: BTreeMap<String, String> = built_in_files("templates/")
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(v).into_owned()))
            .collect();
        for (rel, bytes) in disk_files(&dir.join("templates"))? {
            let text = String::from_utf8(bytes)
                .with_context(|| format!("themes/{name}/templates/{rel} is not UTF-8"))?;
            templates.insert(rel, text);
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape);
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| anyhow::anyhow!(tera_error(&e)))
            .with_context(|| format!("loading the templates of theme `{name}`"))?;
        let mut statics: BTreeMap<String, Vec<u8>> = built_in_files("static/")
            .into_iter()
            .map(|(k, v)| (k, v.to_vec()))
            .collect();
        statics.extend(disk_files(&dir.join("static"))?);
        Ok(Theme { tera, statics })
    }

    /// Render a template, with tera's whole error chain in the message.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(template, context)
            .map_err(|e| anyhow::anyhow!("template `{template}`: {}", tera_error(&e)))
    }
}

/// Autoescaping for HTML and XML: tera's default also writes `/` as
/// `&#x2F;`, which makes every URL and command in a page unreadable in its
/// source and is not needed in text or quoted attributes.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    escape_into(&mut out, input);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `i` is on a character boundary.
        out.push_str(&input[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&input[start..]);
}

/// Tera's error with its causes, which hold the useful part.
pub fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_the_five_and_nothing_else() {
        assert_eq!(
            super::escape(r#"a & <b> "c" 'd' /e/ é€"#),
            "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39; /e/ é€"
        );
        assert_eq!(super::escape(""), "");
        assert_eq!(super::escape("plain"), "plain");
    }
}
