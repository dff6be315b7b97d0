#!/usr/bin/env python3
"""Converts a cadence site (as written by examples/synth.rs) into an
equivalent Hugo site, for benches/hugo.sh.

    python3 benches/to_hugo.py SITE HUGO_DIR

Reads SITE/cadence.toml (titles of the models and channels) and every
release manifest SITE/releases/<model>/<channel>/*.yaml with PyYAML, and
writes HUGO_DIR/hugo.toml, HUGO_DIR/content/ (one page per release and per
skip, carrying the same markdown notes, plus a section page per model and
per channel and the home page) and HUGO_DIR/layouts/ (copied from
benches/hugo-layouts/). Release pages keep in their front matter what
cadence's release page shows: version, date, summary, revision, taxonomy,
artifacts (file, format, quantization, size, sha256) and evaluations.

Not carried over: what cadence works out from the whole site (states such
as latest, superseded or yanked, previous release and score changes, major
lines, the schedule and its slots), which a Hugo theme would have to
compute in templates; the feeds per major line, the iCalendar files, the
JSON API and the rule checks have no counterpart in the Hugo site.
"""

import json
import os
import shutil
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HERE = os.path.dirname(os.path.abspath(__file__))


def load_config(site):
    path = os.path.join(site, "cadence.toml")
    if tomllib is None:
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


def s(value):
    """A manifest scalar as text (PyYAML reads dates and numbers)."""
    return "" if value is None else str(value)


def front_matter(fields, body):
    # JSON is valid YAML: every value is quoted as it must be, whatever the
    # manifest held, and Hugo reads the front matter as YAML.
    lines = ["---"]
    for key, value in fields.items():
        if value is None or value == [] or value == {}:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def release_page(doc, model, channel, order):
    version = s(doc.get("version"))
    tag = channel["tag"].replace("{version}", version).replace("{compact}", version.replace("-", ""))
    date = s(doc.get("date"))
    artifacts = []
    for a in doc.get("artifacts") or []:
        artifacts.append(
            {
                "file": s(a.get("file")),
                "format": s(a.get("format")),
                "quantization": s(a.get("quantization")) or None,
                "repo": s(a.get("repo")) or None,
                "size": a.get("size"),
                "sha256": s(a.get("sha256")) or None,
            }
        )
    evaluations = {s(k): v for k, v in (doc.get("evaluations") or {}).items()}
    fields = {
        "title": f"{model['title']} {version}",
        # Several stream builds a day: the hour keeps them in order.
        "date": f"{date}T{order:02d}:00:00Z",
        "version": version,
        "summary": s(doc.get("summary")),
        "model": model["id"],
        "model_title": model["title"],
        "channel_title": channel["title"],
        "repo": model["repo"],
        "revision": s(doc.get("revision")) or None,
        "tag": tag,
        "taxonomy": s(doc.get("taxonomy")) or None,
        "taxonomy_commit": s(doc.get("taxonomy_commit")) or None,
        "artifacts": artifacts,
        "evaluations": evaluations,
    }
    return version, front_matter(fields, s(doc.get("notes")))


def skip_page(doc, model, channel):
    slot = s(doc.get("slot"))
    fields = {
        "title": f"{model['title']}: the {slot} release is skipped",
        "date": f"{slot}T00:00:00Z",
        "layout": "skip",
        "skip": True,
        "slot": slot,
        "announced": s(doc.get("announced")),
        "summary": f"The {slot} {channel['title']} release of {model['title']} is skipped.",
        "model_title": model["title"],
        "channel_title": channel["title"],
    }
    return f"skip-{slot}", front_matter(fields, s(doc.get("reason")))


def order_of(version):
    """2025-01-01 -> 1, 2025-01-01.2 -> 2 (stream builds of one day)."""
    head, _, tail = version.rpartition(".")
    if head and tail.isdigit() and len(head) == 10 and head[4] == "-":
        return int(tail)
    return 1 if len(version) == 10 and version[4] == "-" else 0


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def convert(site, out):
    config = load_config(site)
    models_cfg = config.get("models", {})
    channels_cfg = config.get("channels", {})
    title = config.get("title", "Synthetic release site")
    metrics = "".join(
        f"{json.dumps(k)} = {json.dumps(v.get('title', k))}\n"
        for k, v in config.get("metrics", {}).items()
    )
    content = os.path.join(out, "content")
    os.makedirs(content, exist_ok=True)
    write(
        os.path.join(out, "hugo.toml"),
        f"""baseURL = "{config.get('base_url', 'https://bench.example.org/')}"
title = {json.dumps(title)}
languageCode = "en"
# No tags or categories: cadence has no taxonomy pages.
disableKinds = ["taxonomy", "term"]
# cadence's feeds hold the newest 50 entries (feed_limit); Hugo's default
# is every page of the section.
rssLimit = 50
[markup.goldmark.renderer]
unsafe = false  # Hugo's default: raw HTML in markdown is dropped
[markup.highlight]
# cadence does not colour code blocks; without this Hugo runs chroma on
# every release's shell block.
codeFences = false
[params]
description = {json.dumps(config.get('description', ''))}
notice = {json.dumps(config.get('notice', ''))}
[params.metrics]
{metrics}""",
    )
    write(os.path.join(content, "_index.md"), front_matter({"title": title}, ""))
    about = os.path.join(site, "content", "about.md")
    if os.path.exists(about):
        with open(about, encoding="utf-8") as f:
            text = f.read()
        # The same front matter, shown by the plain page layout.
        write(os.path.join(content, "about.md"), text.replace("---\n", "---\nlayout: page\n", 1))
    layouts = os.path.join(out, "layouts")
    if os.path.exists(layouts):
        shutil.rmtree(layouts)
    shutil.copytree(os.path.join(HERE, "hugo-layouts"), layouts)

    releases = os.path.join(site, "releases")
    pages = 0
    for model_id in sorted(os.listdir(releases)):
        cfg = models_cfg.get(model_id, {})
        model_dir = os.path.join(content, model_id)
        os.makedirs(model_dir, exist_ok=True)
        model_title = cfg.get("title", model_id)
        write(
            os.path.join(model_dir, "_index.md"),
            front_matter({"title": model_title, "weight": 0}, ""),
        )
        for channel_id in sorted(os.listdir(os.path.join(releases, model_id))):
            src = os.path.join(releases, model_id, channel_id)
            if not os.path.isdir(src):
                continue
            ch = channels_cfg.get(channel_id, {})
            channel = {"title": ch.get("title", channel_id), "tag": ch.get("tag", "{version}")}
            repo = cfg.get("repos", {}).get(channel_id, "")
            model = {"id": model_id, "title": model_title, "repo": repo}
            dst = os.path.join(model_dir, channel_id)
            os.makedirs(dst, exist_ok=True)
            write(
                os.path.join(dst, "_index.md"),
                front_matter(
                    {
                        "title": f"{model_title} {channel['title']}",
                        "description": ch.get("description", ""),
                        "repo": repo,
                    },
                    "",
                ),
            )
            for name in sorted(os.listdir(src)):
                if not name.endswith((".yaml", ".yml")):
                    continue
                with open(os.path.join(src, name), "rb") as f:
                    doc = yaml.load(f, Loader=Loader)
                if doc.get("kind") == "skip":
                    slug, text = skip_page(doc, model, channel)
                else:
                    order = order_of(s(doc.get("version")))
                    slug, text = release_page(doc, model, channel, order)
                write(os.path.join(dst, slug + ".md"), text)
                pages += 1
    return pages


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: python3 benches/to_hugo.py SITE HUGO_DIR")
    pages = convert(argv[1], argv[2])
    print(f"{pages} release and skip pages written to {argv[2]}/content", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
