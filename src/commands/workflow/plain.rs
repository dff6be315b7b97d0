//! Markdown to plain text for mail, and wrapping at 72 columns.
//!
//! Release notes and skip reasons are markdown; an announcement is plain
//! text. [`markdown_to_text`] walks pulldown-cmark's events and writes what a
//! reader of a plain-text mail expects: headings underlined, list bullets and
//! numbers kept with hanging indents, code blocks and tables indented four
//! spaces and never wrapped, links numbered with their URLs listed after the
//! text (`[1] https://...`), site-relative links made absolute.
//!
//! [`wrap`] wraps any text for mail: lines indented four spaces or more (code,
//! commands, checksums) are left alone, and no word is ever broken, so a URL
//! longer than the width stands on a line of its own.
//!
//! Part of the commands layer.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The width announcements are wrapped at.
pub const WIDTH: usize = 72;

/// How links in markdown are made absolute.
#[derive(Debug, Clone)]
pub struct Links<'a> {
    /// `base_url` of the site, ending in `/`: `/schedule/` becomes `<base_url>schedule/`.
    pub base_url: &'a str,
    /// The page the markdown is shown on: relative links resolve against it.
    pub page_url: &'a str,
}

impl Links<'_> {
    /// The absolute form of a link destination.
    pub fn resolve(&self, dest: &str) -> String {
        if dest.is_empty() {
            return self.page_url.to_string();
        }
        if let Some(rest) = dest.strip_prefix('/')
            && !rest.starts_with('/')
        {
            return format!("{}{rest}", self.base_url);
        }
        if url::Url::parse(dest).is_ok() {
            return dest.to_string();
        }
        url::Url::parse(self.page_url)
            .and_then(|page| page.join(dest))
            .map_or_else(|_| dest.to_string(), |u| u.to_string())
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Wrap `text` to `limit` columns, breaking only at spaces. The first line
/// starts with `first`, the others with `rest`; a word longer than the room
/// left stands alone on its line, unbroken.
fn fill(text: &str, limit: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !empty && width(&line) + 1 + width(word) > limit {
            lines.push(line);
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The hanging prefix of a line: how many bytes of it are indent and list
/// bullet, number, quote marker or reference label (`  - `, `12. `, `> `,
/// `[1] `), and what continuation lines start with.
fn hanging(line: &str) -> (usize, String) {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let marker = if ["- ", "* ", "+ ", "> "].iter().any(|m| rest.starts_with(m)) {
        2
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = &rest[digits..];
        if (1..=3).contains(&digits) && (after.starts_with(". ") || after.starts_with(") ")) {
            digits + 2
        } else if rest.starts_with('[') {
            rest.find("] ").filter(|i| *i < 12).map_or(0, |i| i + 2)
        } else {
            0
        }
    };
    let len = indent + marker;
    let cont = if rest.starts_with("> ") {
        line[..len].to_string()
    } else {
        " ".repeat(width(&line[..len]))
    };
    (len, cont)
}

/// Wrap every line of `text` longer than `limit` columns, keeping list
/// bullets' hanging indents. Lines that start with four spaces or a tab are
/// verbatim (code, commands, checksums, tables) and never wrapped.
pub fn wrap(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        // The signature separator keeps its space; other lines lose theirs.
        let line = if line == "-- " {
            line
        } else {
            line.trim_end_matches(' ')
        };
        if width(line) <= limit || line.starts_with("    ") || line.starts_with('\t') {
            out.push_str(line);
        } else {
            let (len, cont) = hanging(line);
            out.push_str(&fill(&line[len..], limit, &line[..len], &cont).join("\n"));
        }
        out.push('\n');
    }
    out.pop();
    out
}

/// One level of nesting: a list item or a block quote.
struct Container {
    first: String,
    rest: String,
    used: bool,
}

struct Table {
    rows: Vec<Vec<String>>,
    cell: Option<String>,
}

struct Writer<'a> {
    links: &'a Links<'a>,
    limit: usize,
    out: Vec<String>,
    stack: Vec<Container>,
    /// Counters of open lists: `Some(n)` for ordered ones.
    lists: Vec<Option<u64>>,
    inline: String,
    code: Option<String>,
    table: Option<Table>,
    heading: Option<HeadingLevel>,
    need_blank: bool,
    /// Link destinations, numbered from 1.
    refs: Vec<String>,
    /// Open links and images: their destination and where their text began.
    open_links: Vec<(String, usize, bool)>,
}

impl Writer<'_> {
    fn prefix(&mut self) -> String {
        let mut p = String::new();
        for c in &mut self.stack {
            if c.used {
                p.push_str(&c.rest);
            } else {
                p.push_str(&c.first);
                c.used = true;
            }
        }
        p
    }

    fn blank_prefix(&self) -> String {
        self.stack
            .iter()
            .map(|c| c.rest.as_str())
            .collect::<String>()
            .trim_end()
            .to_string()
    }

    fn emit(&mut self, text: &str) {
        let p = self.prefix();
        self.out.push(format!("{p}{text}").trim_end().to_string());
    }

    /// Before a block: finish pending text and leave a blank line if one is due.
    fn block_start(&mut self) {
        self.flush();
        if self.need_blank && !self.out.is_empty() {
            let p = self.blank_prefix();
            self.out.push(p);
        }
        self.need_blank = false;
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.inline);
        if text.trim().is_empty() {
            return;
        }
        for (n, para) in text.split('\n').enumerate() {
            let para = para.trim();
            if para.is_empty() && n > 0 {
                continue;
            }
            // Take the prefix once to know its width, then fill.
            let first = self.prefix();
            let rest = self.blank_prefix_full();
            let limit = self.limit.max(width(&first) + 20);
            for line in fill(para, limit, &first, &rest) {
                self.out.push(line.trim_end().to_string());
            }
        }
    }

    /// The continuation prefix with its trailing spaces kept.
    fn blank_prefix_full(&self) -> String {
        self.stack.iter().map(|c| c.rest.as_str()).collect()
    }

    fn push_text(&mut self, text: &str) {
        if let Some(code) = &mut self.code {
            code.push_str(text);
        } else if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.push_str(text);
        } else {
            self.inline.push_str(text);
        }
    }

    fn reference(&mut self, dest: &str) -> usize {
        let url = self.links.resolve(dest);
        match self.refs.iter().position(|r| *r == url) {
            Some(i) => i + 1,
            None => {
                self.refs.push(url);
                self.refs.len()
            }
        }
    }

    fn current_text_len(&self) -> usize {
        match self.table.as_ref().and_then(|t| t.cell.as_ref()) {
            Some(cell) => cell.len(),
            None => self.inline.len(),
        }
    }

    fn current_text_since(&self, start: usize) -> String {
        let s = match self.table.as_ref().and_then(|t| t.cell.as_ref()) {
            Some(cell) => cell.as_str(),
            None => self.inline.as_str(),
        };
        s.get(start..).unwrap_or("").to_string()
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.push_text(&t),
            Event::Code(t) => self.push_text(&format!("`{t}`")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(&t),
            Event::Html(html) => self.push_text(&strip_tags(&html)),
            Event::InlineHtml(html) => {
                let lower = html.to_ascii_lowercase();
                if lower.starts_with("<br") {
                    self.push_text("\n");
                }
            }
            Event::FootnoteReference(name) => self.push_text(&format!("[^{name}]")),
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.push_text("\n"),
            Event::Rule => {
                self.block_start();
                self.emit("* * *");
                self.need_blank = true;
            }
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.block_start(),
            Tag::Heading { level, .. } => {
                self.block_start();
                self.heading = Some(level);
            }
            Tag::BlockQuote(_) => {
                self.block_start();
                self.stack.push(Container {
                    first: "> ".into(),
                    rest: "> ".into(),
                    used: false,
                });
            }
            Tag::CodeBlock(_) => {
                self.block_start();
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => self.block_start(),
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.block_start();
                } else {
                    self.flush();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                if self.need_blank && !self.out.is_empty() {
                    let p = self.blank_prefix();
                    self.out.push(p);
                    self.need_blank = false;
                }
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => "- ".to_string(),
                };
                let rest = " ".repeat(width(&bullet));
                self.stack.push(Container {
                    first: bullet,
                    rest,
                    used: false,
                });
            }
            Tag::FootnoteDefinition(name) => {
                self.block_start();
                let first = format!("[^{name}]: ");
                self.stack.push(Container {
                    first,
                    rest: "    ".into(),
                    used: false,
                });
            }
            Tag::Table(_) => {
                self.block_start();
                self.table = Some(Table {
                    rows: Vec::new(),
                    cell: None,
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = &mut self.table {
                    t.cell = Some(String::new());
                }
            }
            Tag::Link { dest_url, .. } => {
                let at = self.current_text_len();
                self.open_links.push((dest_url.to_string(), at, false));
            }
            Tag::Image { dest_url, .. } => {
                self.push_text("[image: ");
                let at = self.current_text_len();
                self.open_links.push((dest_url.to_string(), at, true));
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.need_blank = true;
            }
            TagEnd::Heading(_) => {
                let text = std::mem::take(&mut self.inline).trim().to_string();
                let level = self.heading.take();
                self.emit(&text);
                let mark = if level == Some(HeadingLevel::H1) {
                    '='
                } else {
                    '-'
                };
                let underline: String = std::iter::repeat_n(mark, width(&text).max(3)).collect();
                self.emit(&underline);
                self.need_blank = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.stack.pop();
                self.need_blank = true;
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                for line in code.trim_end_matches('\n').split('\n') {
                    let line = line.trim_end();
                    if line.is_empty() {
                        let p = self.blank_prefix();
                        self.out.push(p);
                    } else {
                        self.emit(&format!("    {line}"));
                    }
                }
                self.need_blank = true;
            }
            TagEnd::HtmlBlock => {
                self.flush();
                self.need_blank = true;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.need_blank = true;
                }
            }
            TagEnd::Item => {
                self.flush();
                self.stack.pop();
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.stack.pop();
                self.need_blank = true;
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    for line in table_lines(&t.rows) {
                        self.emit(&format!("    {line}"));
                    }
                }
                self.need_blank = true;
            }
            TagEnd::TableHead | TagEnd::TableRow => {}
            TagEnd::TableCell => {
                if let Some(t) = &mut self.table
                    && let Some(cell) = t.cell.take()
                    && let Some(row) = t.rows.last_mut()
                {
                    row.push(cell.trim().to_string());
                }
            }
            TagEnd::Link | TagEnd::Image => {
                let Some((dest, at, image)) = self.open_links.pop() else {
                    return;
                };
                let text = self.current_text_since(at);
                let resolved = self.links.resolve(&dest);
                let same = text == dest || text == resolved || format!("mailto:{text}") == dest;
                if image {
                    self.push_text("]");
                }
                if !same || image {
                    let n = self.reference(&dest);
                    self.push_text(&format!(" [{n}]"));
                }
            }
            _ => {}
        }
    }
}

/// Table rows as aligned columns, the header row underlined.
fn table_lines(rows: &[Vec<String>]) -> Vec<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..cols)
            .map(|c| {
                let s = row.get(c).map_or("", String::as_str);
                format!("{s}{}", " ".repeat(widths[c] - width(s)))
            })
            .collect();
        out.push(cells.join("  ").trim_end().to_string());
        if n == 0 {
            out.push(
                widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
        }
    }
    out
}

/// The text of raw HTML without its tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Markdown as plain text, wrapped at `limit` columns, with the URLs of its
/// links listed at the end.
pub fn markdown_to_text(markdown: &str, links: &Links, limit: usize) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut w = Writer {
        links,
        limit,
        out: Vec::new(),
        stack: Vec::new(),
        lists: Vec::new(),
        inline: String::new(),
        code: None,
        table: None,
        heading: None,
        need_blank: false,
        refs: Vec::new(),
        open_links: Vec::new(),
    };
    for event in Parser::new_ext(markdown, options) {
        w.event(event);
    }
    w.flush();
    let mut out = w.out;
    if !w.refs.is_empty() {
        out.push(String::new());
        for (n, url) in w.refs.iter().enumerate() {
            out.push(format!("[{}] {url}", n + 1));
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests;
