#!/usr/bin/env python3
"""Mine candidate Chinese->English mistranslations from WMT system outputs.

Reads the gzip TSV ``wmt-xen-systems.tsv.gz`` (header:
``testset pair system line mt ref``), keeps rows whose ``pair`` is ``zh-en``
(override with ``--pair``) and looks for word n-grams (1-4 words, lower-cased,
not made only of stopwords/numbers) that MT systems produce but that the
human reference of the *same* source line does not contain.

For every n-gram we count:

* ``absent``  - number of (system, line) MT outputs that contain the n-gram
  while the aligned reference does not (the ranking key);
* ``systems`` - how many distinct systems produced it in such a line;
* ``lines``   - how many distinct source lines it was produced for;
* ``ref``     - in how many distinct references (whole corpus) it occurs.

Candidates must satisfy ``absent >= --min-count``, ``systems >= --min-systems``
and ``ref <= absent * --max-ref-ratio`` (i.e. much rarer in human English
than in MT English).  An n-gram is dropped when a longer candidate containing
it has (almost) the same ``absent`` count, so "public number" does not also
produce "public" noise with the same evidence.  Ranking: ``absent`` x
``systems`` spread (lines weighted), descending.

Output (stdout) is TSV: ngram, count, systems, lines, ref_count, example MT
line, aligned reference.  The candidates are leads for a human to review and
turn into glossary entries (see mtfix/glossary/packs/zh-en-internet.tsv,
entries marked "(mined)"); most of them are ordinary paraphrase noise.

Usage::

    python scripts/mine_glossary_candidates.py ../shared/data/train/wmt-xen-systems.tsv.gz \
        [--top 100] [--min-count 3]

Standard library only; runs in well under a minute on the WMT file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from collections import Counter, defaultdict

STOPWORDS = frozenset(
    """
    a an the and or but if then else of to in on at by for with from as into onto
    over under about after before between through during without within upon
    is are was were be been being am do does did done have has had having
    i me my mine we us our ours you your yours he him his she her hers it its
    they them their theirs this that these those there here who whom whose which
    what when where why how all any both each few more most other some such no
    nor not only own same so than too very can will just should would could may
    might must shall also s t d ll m re ve o y one also up down out off again
    further once because until while get got make made like well even still yet
    etc per via let lets said says say much many now new
    """.split()
)

TOKEN_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
NUMERIC_RE = re.compile(r"^[0-9][0-9\-']*$")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated words and contractions stay whole."""
    return TOKEN_RE.findall(text.lower().replace("\u2019", "'"))


def ngrams(tokens: list[str], max_n: int) -> set[str]:
    """All 1..max_n-grams of ``tokens`` that are not only stopwords/numbers."""
    out: set[str] = set()
    for n in range(1, max_n + 1):
        for i in range(len(tokens) - n + 1):
            gram = tokens[i : i + n]
            if all(w in STOPWORDS or NUMERIC_RE.match(w) for w in gram):
                continue
            # n-grams starting or ending in a stopword are rarely useful terms
            if n > 1 and (gram[0] in STOPWORDS or gram[-1] in STOPWORDS):
                continue
            out.add(" ".join(gram))
    return out


def mine(path: str, pair: str, max_n: int, focus: re.Pattern | None = None) -> dict:
    """Single pass over the gzip TSV; returns the raw statistics (see module doc)."""
    absent: Counter[str] = Counter()  # n-gram -> MT rows having it, ref not
    per_line: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)  # n-gram -> line -> rows
    systems: dict[str, set[str]] = defaultdict(set)
    example: dict[str, tuple[str, str]] = {}
    n_systems: Counter[tuple[str, str]] = Counter()  # line -> number of MT rows
    ref_count: Counter[str] = Counter()  # n-gram -> distinct zh-en refs
    bg_count: Counter[str] = Counter()  # n-gram -> distinct refs, all pairs
    ref_cache: dict[tuple[str, str], set[str]] = {}
    bg_seen: set[tuple[str, str, str]] = set()

    csv.field_size_limit(sys.maxsize)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        for needed in ("testset", "pair", "system", "line", "mt", "ref"):
            if needed not in col:
                sys.exit(f"{path}: missing column {needed!r} in header {header}")
        it, ip, isys, il, imt, iref = (
            col[c] for c in ("testset", "pair", "system", "line", "mt", "ref")
        )
        width = max(col.values())
        for row in reader:
            if len(row) <= width:
                continue
            if row[ip] != pair:
                # references of the other pairs = background English usage
                bkey = (row[ip], row[it], row[il])
                if bkey not in bg_seen:
                    bg_seen.add(bkey)
                    bg_count.update(ngrams(tokenize(row[iref]), max_n))
                continue
            key = (row[it], row[il])
            mt_text, ref_text = row[imt], row[iref]
            ref_grams = ref_cache.get(key)
            if ref_grams is None:
                ref_grams = ref_cache[key] = ngrams(tokenize(ref_text), max_n)
                ref_count.update(ref_grams)
                bg_count.update(ref_grams)
            if focus is not None and not (focus.search(mt_text) or focus.search(ref_text)):
                continue
            n_systems[key] += 1
            for g in ngrams(tokenize(mt_text), max_n) - ref_grams:
                absent[g] += 1
                per_line[g][key] += 1
                systems[g].add(row[isys])
                if g not in example:
                    example[g] = (mt_text, ref_text)
    return {
        "absent": absent,
        "per_line": per_line,
        "systems": systems,
        "example": example,
        "n_systems": n_systems,
        "ref_count": ref_count,
        "bg_count": bg_count,
    }


def rank(
    stats: dict, *, min_count: int, min_systems: int, max_ref_ratio: float, minority: float, by: str
) -> list[dict]:
    """Filter, de-duplicate (sub-n-grams) and rank the candidates."""
    absent, per_line, n_systems = stats["absent"], stats["per_line"], stats["n_systems"]
    bg_count, systems = stats["bg_count"], stats["systems"]
    cands: dict[str, dict] = {}
    for g, count in absent.items():
        if count < min_count or len(systems[g]) < min_systems:
            continue
        minor = sum(v for k, v in per_line[g].items() if v <= minority * n_systems[k])
        key = minor if by == "minority" else count
        if key < min_count or bg_count[g] > key * max_ref_ratio:
            continue
        cands[g] = {
            "ngram": g,
            "count": count,
            "minority": minor,
            "key": key,
            "systems": len(systems[g]),
            "lines": len(per_line[g]),
        }

    # Drop an n-gram if a longer candidate containing it carries ~all its
    # evidence.  Longest first; ``covered`` maps each sub-n-gram of a kept
    # candidate to the largest key among the kept candidates containing it.
    covered: dict[str, int] = {}
    kept: list[dict] = []
    for g in sorted(cands, key=lambda g: -g.count(" ")):
        c = cands[g]["key"]
        if covered.get(g, 0) >= 0.8 * c:
            continue
        kept.append(cands[g])
        words = g.split()
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                sub = " ".join(words[i : i + n])
                if covered.get(sub, 0) < c:
                    covered[sub] = c
    kept.sort(key=lambda d: (d["key"], d["lines"], d["count"], d["ngram"]), reverse=True)
    return kept


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Columns: ngram, count (MT rows with it, aligned ref without), "
        "minority (same, restricted to lines where at most --minority of the "
        "systems produced it), systems, lines, ref_count (distinct zh-en refs "
        "containing it), bg_count (distinct refs of all pairs), example_mt, "
        "example_ref.",
    )
    ap.add_argument("path", help="wmt-xen-systems.tsv.gz")
    ap.add_argument("--top", type=int, default=100, help="rows to print (default 100)")
    ap.add_argument(
        "--min-count", type=int, default=3, help="minimum value of the ranking count (default 3)"
    )
    ap.add_argument(
        "--min-systems", type=int, default=2, help="minimum number of distinct systems (default 2)"
    )
    ap.add_argument(
        "--max-ref-ratio",
        type=float,
        default=0.1,
        help="drop n-grams found in more than RATIO*count distinct "
        "references (all pairs) - i.e. normal English (default 0.1)",
    )
    ap.add_argument(
        "--minority",
        type=float,
        default=0.5,
        help="a line counts towards 'minority' when at most this share of "
        "its systems produced the n-gram (default 0.5)",
    )
    ap.add_argument(
        "--rank",
        choices=("minority", "count"),
        default="minority",
        help="ranking key (default minority: idiosyncratic renderings, "
        "which is what term mistranslations look like; 'count' "
        "is dominated by reference paraphrase)",
    )
    ap.add_argument(
        "--focus",
        metavar="REGEX",
        help="only mine lines whose MT or ref matches this case-insensitive "
        "regex, e.g. 'wechat|e-commerce|taobao|online|app'",
    )
    ap.add_argument("--max-n", type=int, default=4, help="longest n-gram (default 4)")
    ap.add_argument("--pair", default="zh-en", help="language pair to read (default zh-en)")
    args = ap.parse_args(argv)

    focus = re.compile(args.focus, re.I) if args.focus else None
    stats = mine(args.path, args.pair, args.max_n, focus)
    ranked = rank(
        stats,
        min_count=args.min_count,
        min_systems=args.min_systems,
        max_ref_ratio=args.max_ref_ratio,
        minority=args.minority,
        by=args.rank,
    )[: args.top]

    out = csv.writer(
        sys.stdout, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\"
    )
    out.writerow(
        [
            "ngram",
            "count",
            "minority",
            "systems",
            "lines",
            "ref_count",
            "bg_count",
            "example_mt",
            "example_ref",
        ]
    )
    for d in ranked:
        mt, ref = stats["example"][d["ngram"]]
        out.writerow(
            [
                d["ngram"],
                d["count"],
                d["minority"],
                d["systems"],
                d["lines"],
                stats["ref_count"][d["ngram"]],
                stats["bg_count"][d["ngram"]],
                " ".join(mt.split()),
                " ".join(ref.split()),
            ]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
