"""Build ``mtfix/rewrite/common_words.txt``: short English words that are rarely names.

    python scripts/build_common_words.py [../shared/data/corpus]

A short capitalised word said twice may be a name ("Han Han", "Walla Walla") or a
stutter ("Find Find", "Data Data"); the guard and the rule mend tell them apart with
this list. A word of 2-5 letters is listed when the clean English corpora have it in
lower case, after a sentence's first word, at least 20 times and at least three times as
often as capitalised there (which leaves out "sun", "king", "white": names too).
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mtfix" / "rewrite" / "common_words.txt"


def common_words(files: list[Path]) -> list[str]:
    """The listed words of the corpora ``files``, sorted."""
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                for word in re.findall(r"[A-Za-z]+", line)[1:]:
                    if 2 <= len(word) <= 5:
                        if word.islower():
                            lower[word] += 1
                        elif word.istitle():
                            capitalised[word.lower()] += 1
    return sorted(w for w, n in lower.items() if n >= 20 and n >= 3 * capitalised[w])


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/corpus"
    files = sorted(corpus.glob("*.txt.gz"))
    if not files:
        sys.exit(f"{corpus}: no *.txt.gz corpora here")
    words = common_words(files)
    names = ", ".join(f"../shared/data/corpus/{p.name}" for p in files)
    header = (
        "# Short English words that are rarely names, one a line: built by\n"
        "# scripts/build_common_words.py from the clean English corpora\n"
        f"# ({names}).\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(words)} words")


if __name__ == "__main__":
    main()
