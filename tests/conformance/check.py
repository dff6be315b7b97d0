#!/usr/bin/env python3
"""Conformance check of a built cadence site, read the way its users' tools
read it.

Usage: check.py OUT_DIR [--base-url URL]

- every atom.xml / rss.xml parses with feedparser without `bozo` (the flag
  feedparser raises on malformed or non-conforming feeds), as Atom 1.0 /
  RSS 2.0, with an id or guid on every entry;
- every .xml file is well-formed XML;
- every .ics file parses with icalendar; every VEVENT has UID, DTSTAMP and
  DTSTART; UIDs are unique; lines end in CRLF and hold at most 75 octets;
- every .json file parses;
- every internal link and asset reference resolves to a file of the output:
  `href`/`src` in HTML pages that are relative, site-relative, or absolute
  under base_url (`/x/` is `x/index.html`), and, when the folder is a full
  build (it has index.html), the links of feeds, calendars and the sitemap.
  A link on base_url's host but outside its path is an error too: it is a
  site-relative link that lost the base path.

base_url defaults to the folder of the `rel="self"` link of /atom.xml.
Exits 1 when anything fails, listing every failure.
"""

import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import feedparser
import icalendar

SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


class Report:
    def __init__(self):
        self.failures = []
        self.checked = 0

    def fail(self, path, message):
        self.failures.append(f"{path}: {message}")

    def ok(self):
        self.checked += 1


def files(root, suffix=None, name=None):
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            if (suffix and n.endswith(suffix)) or (name and n == name):
                yield os.path.join(folder, n)


def rel(root, path):
    return os.path.relpath(path, root).replace(os.sep, "/")


def page_url(base_url, relpath):
    """The URL a file of the output is served at."""
    if relpath == "index.html":
        return base_url
    if relpath.endswith("/index.html"):
        return base_url + relpath[: -len("index.html")]
    return base_url + relpath


def guess_base_url(root):
    """The folder of the rel="self" link of /atom.xml (or /rss.xml), read
    with a pattern so that a broken feed still names it."""
    for name in ("atom.xml", "rss.xml"):
        path = os.path.join(root, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for tag in re.findall(r"<(?:atom:)?link\b[^>]*>", text):
            if re.search(r'\brel="self"', tag):
                href = re.search(r'\bhref="([^"]*)"', tag)
                if href and href.group(1).endswith(name):
                    return href.group(1)[: -len(name)]
    return None


def check_xml(root, report):
    for path in files(root, suffix=".xml"):
        try:
            ET.parse(path)
            report.ok()
        except ET.ParseError as e:
            report.fail(rel(root, path), f"not well-formed XML: {e}")


def check_feeds(root, report):
    links = []
    for name, version in (("atom.xml", "atom10"), ("rss.xml", "rss20")):
        for path in files(root, name=name):
            r = rel(root, path)
            with open(path, "rb") as f:
                feed = feedparser.parse(f.read())
            if feed.bozo:
                report.fail(r, f"feedparser: {feed.bozo_exception!r}")
                continue
            if feed.version != version:
                report.fail(r, f"parsed as {feed.version!r}, not {version}")
            if not feed.feed.get("title"):
                report.fail(r, "feed has no title")
            ids = [e.get("id") for e in feed.entries]
            if not all(ids):
                report.fail(r, "an entry has no id/guid")
            if len(set(ids)) != len(ids):
                report.fail(r, "duplicate entry ids")
            for e in feed.entries:
                if e.get("link"):
                    links.append((r, e["link"]))
            for link in feed.feed.get("links", []):
                links.append((r, link["href"]))
            report.ok()
    return links


def check_calendars(root, report):
    links = []
    for path in files(root, suffix=".ics"):
        r = rel(root, path)
        with open(path, "rb") as f:
            data = f.read()
        lines = data.split(b"\r\n")
        if lines[-1] != b"":
            report.fail(r, "does not end in CRLF")
        for n, line in enumerate(lines, 1):
            if b"\n" in line or b"\r" in line:
                report.fail(r, f"line {n}: bare CR or LF")
            if len(line) > 75:
                report.fail(r, f"line {n}: {len(line)} octets, more than 75")
        try:
            cal = icalendar.Calendar.from_ical(data)
        except Exception as e:  # icalendar raises ValueError and friends
            report.fail(r, f"icalendar: {e!r}")
            continue
        for prop in ("VERSION", "PRODID"):
            if prop not in cal:
                report.fail(r, f"no {prop}")
        uids = set()
        for event in cal.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "DTSTART"):
                if prop not in event:
                    report.fail(r, f"an event has no {prop}")
            uid = str(event.get("UID"))
            if uid in uids:
                report.fail(r, f"UID {uid} twice")
            uids.add(uid)
            if "URL" in event:
                links.append((r, str(event["URL"])))
        report.ok()
    return links


def check_json(root, report):
    for path in files(root, suffix=".json"):
        try:
            with open(path, encoding="utf-8") as f:
                json.load(f)
            report.ok()
        except ValueError as e:
            report.fail(rel(root, path), f"not JSON: {e}")


class Refs(HTMLParser):
    ATTRS = {"href", "src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []
        self.base = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if tag == "base" and name == "href":
                self.base = value
            elif name in self.ATTRS and value is not None:
                self.refs.append((tag, value))


def resolve(root, base_url, url):
    """The output file a URL under base_url names, or None outside it."""
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    base = urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(base.path):
        return False
    inside = path[len(base.path):]
    target = os.path.join(root, *inside.split("/"))
    if inside == "" or inside.endswith("/") or os.path.isdir(target):
        target = os.path.join(target, "index.html")
    return target


def check_link(root, base_url, report, where, url):
    if not url or url.startswith("#") or url.lower().startswith(SKIP_SCHEMES):
        return
    target = resolve(root, base_url, url)
    if target is None:
        return  # another site
    if target is False:
        report.fail(where, f"{url} is on the site's host but outside {base_url}")
    elif not os.path.isfile(target):
        report.fail(where, f"{url} -> {rel(root, target)} does not exist")
    else:
        report.ok()


def check_html_links(root, base_url, report):
    for path in files(root, suffix=".html"):
        r = rel(root, path)
        parser = Refs()
        with open(path, encoding="utf-8") as f:
            parser.feed(f.read())
        here = page_url(base_url, r)
        if parser.base:
            here = urljoin(here, parser.base)
        for _tag, ref in parser.refs:
            if ref.lower().startswith(SKIP_SCHEMES) or ref.startswith("#"):
                continue
            check_link(root, base_url, report, r, urljoin(here, ref))


def check_sitemap(root, base_url, report):
    path = os.path.join(root, "sitemap.xml")
    if not os.path.exists(path):
        return []
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return []  # reported by check_xml
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [("sitemap.xml", loc.text or "") for loc in tree.getroot().iter(f"{ns}loc")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="a built output folder")
    ap.add_argument("--base-url", help="the site's base_url (default: from /atom.xml)")
    args = ap.parse_args()
    root = os.path.abspath(args.out)
    if not os.path.isdir(root):
        print(f"error: {args.out} is not a folder", file=sys.stderr)
        return 2
    report = Report()
    base_url = args.base_url or guess_base_url(root)
    if base_url and not base_url.endswith("/"):
        base_url += "/"

    check_xml(root, report)
    links = check_feeds(root, report)
    links += check_calendars(root, report)
    check_json(root, report)
    if base_url is None:
        report.fail(".", "no base_url: pass --base-url or build an atom.xml")
    else:
        check_html_links(root, base_url, report)
        links += check_sitemap(root, base_url, report)
        if os.path.exists(os.path.join(root, "index.html")):
            for where, url in links:
                check_link(root, base_url, report, where, url)
        else:
            print(
                "note: no index.html, so this is not a full build: "
                "links of feeds, calendars and the sitemap were not followed"
            )

    for failure in report.failures:
        print(f"FAIL {failure}")
    print(f"conformance: {report.checked} passed, {len(report.failures)} failed")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
