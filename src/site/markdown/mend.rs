//! What the sanitiser leaves that a reader would trip over, mended after
//! it: an `<img>` without `alt` gets `alt=""` (nothing says what it shows,
//! so a screen reader skips it rather than reading out its file name), and
//! an `<a>` without `href` (its URL was refused, or it never had one) is
//! unwrapped: its text stays, as text, since a link that goes nowhere is no
//! link and a reader could not follow it.
//!
//! It reads ammonia's serialised output, whose shape is fixed: every `<`
//! starts a tag (text has `&lt;`), every attribute value is in double
//! quotes with no `"` inside (`&quot;`), and an `<a>` never holds another
//! (the HTML parser closes the first), so the next `</a>` ends it.
//!
//! Part of the site layer.

/// `html` (ammonia's output) with images given `alt=""` and links without
/// `href` unwrapped.
pub fn mend(html: String) -> String {
    if !html.contains("<img") && !html.contains("<a") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html.as_str();
    // A link's start tag was dropped: drop its end tag too.
    let mut unwrapped = false;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let len = tag_len(rest);
        let tag = &rest[..len];
        rest = &rest[len..];
        match name(tag) {
            "img" if !has(tag, "alt") => {
                out.push_str("<img alt=\"\"");
                out.push_str(&tag[4..]);
            }
            "a" if !has(tag, "href") => unwrapped = true,
            "/a" if unwrapped => unwrapped = false,
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag `s` starts with, up to its `>` outside quotes
/// (all of `s` when it has none).
fn tag_len(s: &str) -> usize {
    let mut quoted = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// `img`, `a`, `/a`: the tag's name, lowercase as the serialiser writes it.
fn name(tag: &str) -> &str {
    let inner = &tag[1..];
    let end = inner
        .find(|c: char| c.is_ascii_whitespace() || c == '>')
        .unwrap_or(inner.len());
    &inner[..end]
}

/// Whether `tag` has the attribute `attr` (an attribute's value is never
/// taken for a name).
fn has(tag: &str, attr: &str) -> bool {
    attributes(tag).any(|a| a == attr)
}

/// The attribute names of a serialised start tag.
fn attributes(tag: &str) -> impl Iterator<Item = &str> {
    let mut rest = &tag[1 + name(tag).len()..];
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        let end = rest.find(|c: char| c == '=' || c == '>' || c.is_ascii_whitespace())?;
        let attr = &rest[..end];
        if attr.is_empty() || attr == "/" {
            return None;
        }
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix("=\"") {
            let close = value.find('"').map_or(value.len(), |q| q + 1);
            rest = &value[close..];
        }
        Some(attr)
    })
}

#[cfg(test)]
mod tests {
    use super::mend;

    #[test]
    fn an_image_without_alt_gets_an_empty_one() {
        assert_eq!(
            mend(r#"<p><img src="x.png"> <img src="y.png" alt="A chart"></p>"#.into()),
            r#"<p><img alt="" src="x.png"> <img src="y.png" alt="A chart"></p>"#
        );
    }

    #[test]
    fn an_alt_inside_another_attributes_value_does_not_count() {
        assert_eq!(
            mend(r#"<img title="alt=&quot;x&quot; > alt" src="x">"#.into()),
            r#"<img alt="" title="alt=&quot;x&quot; > alt" src="x">"#
        );
    }

    #[test]
    fn a_link_without_href_is_unwrapped_and_other_links_kept() {
        assert_eq!(
            mend(
                r#"<p><a>refused</a> and <a href="https://x.org/" rel="noopener noreferrer">kept</a> <a title="href">t<em>e</em>xt</a></p>"#
                    .into()
            ),
            r#"<p>refused and <a href="https://x.org/" rel="noopener noreferrer">kept</a> t<em>e</em>xt</p>"#
        );
    }

    #[test]
    fn a_tag_inside_an_attribute_value_is_not_a_tag() {
        assert_eq!(
            mend(r#"<a title="<img src=x> <a href=y>">t</a> <img title="</a>" alt="x">"#.into()),
            r#"t <img title="</a>" alt="x">"#
        );
    }

    #[test]
    fn other_tags_and_text_are_untouched() {
        let html = "<p>a &lt;img&gt; <abbr title=\"x\">y</abbr> <aside>z</aside></p>\n";
        assert_eq!(mend(html.into()), html);
    }
}
