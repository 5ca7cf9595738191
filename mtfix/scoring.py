"""Scores with sacrebleu: BLEU, chrF++ and TER, each with its signature.

Metrics are never reimplemented here; sacrebleu computes them and its
signature says exactly how, so a score can be reproduced. Paired significance
tests (bootstrap resampling, approximate randomization) are sacrebleu's own
:class:`sacrebleu.significance.PairedTest`.

:class:`Scorer` adds one thing: it remembers each segment's sufficient
statistics, so scoring several outputs that differ in a few segments (the
stages of ``mtfix eval``) computes the slow part — TER's shift search — once
per distinct segment instead of once per output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import InputError, UsageError
from .records import MetricScore, PairedScore, ScoreReport

METRICS = ("bleu", "chrf", "ter")
#: sacrebleu's display names, which its signatures and tables use.
DISPLAY = {"bleu": "BLEU", "chrf": "chrF2++", "ter": "TER"}
#: Metrics where a lower score is better.
TESTS = {"bs": "paired bootstrap resampling", "ar": "paired approximate randomization"}


def make_metric(
    name: str, *, tokenize: str | None = None, lowercase: bool = False, sentence: bool = False
) -> Any:
    """The sacrebleu metric object for ``name`` (``bleu``, ``chrf`` = chrF++, ``ter``).

    ``sentence`` gives BLEU effective n-gram order, as sacrebleu recommends
    for sentence-level BLEU; it changes nothing for the other metrics.
    """
    from sacrebleu.metrics import BLEU, CHRF, TER

    if name == "bleu":
        if tokenize is not None and tokenize not in BLEU.TOKENIZERS:
            known = ", ".join(sorted(BLEU.TOKENIZERS))
            raise UsageError(f"unknown BLEU tokenizer {tokenize!r} (choose from {known})")
        return BLEU(tokenize=tokenize, lowercase=lowercase, effective_order=sentence)
    if name == "chrf":
        return CHRF(word_order=2, lowercase=lowercase)
    if name == "ter":
        return TER()  # sacrebleu's default: case-insensitive, as its own CLI scores it
    raise ValueError(f"unknown metric {name!r} (choose from {', '.join(METRICS)})")


def parse_metrics(spec: str | Sequence[str]) -> tuple[str, ...]:
    """``"bleu,chrf"`` -> ``("bleu", "chrf")``; raises :class:`UsageError` for unknown names."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [p.strip().lower() for p in parts if p.strip()]
    aliases = {"chrf++": "chrf", "chrf2++": "chrf"}
    names = [aliases.get(n, n) for n in names]
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise UsageError(
            f"unknown metric(s) {', '.join(unknown) or '(none given)'}; choose from bleu, chrf, ter"
        )
    return tuple(dict.fromkeys(names))


def _as_reference_lists(
    references: Sequence[Sequence[str]] | Sequence[str], n: int
) -> list[list[str]]:
    refs: list[list[str]]
    if references and isinstance(references[0], str):
        refs = [list(references)]  # type: ignore[arg-type]
    else:
        refs = [list(r) for r in references]
    if not refs:
        raise InputError(None, "no reference given")
    for k, ref in enumerate(refs):
        if len(ref) != n:
            raise InputError(
                None, f"reference {k + 1} has {len(ref)} segments but the hypothesis has {n}"
            )
    return refs


class Scorer:
    """Scores any number of outputs against one fixed set of references.

    Build once per reference set; :meth:`corpus`, :meth:`sentences` and
    :meth:`compare` share cached per-segment statistics.
    """

    def __init__(
        self,
        references: Sequence[Sequence[str]] | Sequence[str],
        n: int | None = None,
        *,
        metrics: Sequence[str] = METRICS,
        tokenize: str | None = None,
        lowercase: bool = False,
    ) -> None:
        first = references[0] if references else []
        size = n if n is not None else (len(references) if isinstance(first, str) else len(first))
        self.refs = _as_reference_lists(references, size)
        self.size = size
        self.metrics = parse_metrics(metrics)
        self._corpus = {
            m: self._memoize(make_metric(m, tokenize=tokenize, lowercase=lowercase))
            for m in self.metrics
        }
        # Sentence BLEU differs only in how stats become a score (effective order).
        self._sentence = {
            m: self._memoize(make_metric(m, tokenize=tokenize, lowercase=lowercase, sentence=True))
            if m == "bleu"
            else metric
            for m, metric in self._corpus.items()
        }

    def _memoize(self, metric: Any) -> Any:
        """Make ``metric`` reuse the statistics of segments it has already seen.

        sacrebleu computes every score (corpus, sentence, paired tests) from
        per-segment statistics obtained through ``_extract_corpus_statistics``;
        caching them under (row, hypothesis) for our fixed references changes no
        number, only how often the slow part runs.
        """
        original = metric._extract_corpus_statistics
        cache: dict[tuple[int, str], Any] = {}
        refs = self.refs

        def extract(hypotheses: Sequence[str], references: Any) -> list[Any]:
            if references is not None and references is not refs:
                return original(hypotheses, references)
            missing = [i for i, h in enumerate(hypotheses) if (i, h) not in cache]
            if missing:
                stats = original(
                    [hypotheses[i] for i in missing], [[r[i] for i in missing] for r in refs]
                )
                cache.update(((i, hypotheses[i]), s) for i, s in zip(missing, stats))
            return [cache[(i, h)] for i, h in enumerate(hypotheses)]

        metric._extract_corpus_statistics = extract
        return metric

    def _check(self, hypotheses: Sequence[str], name: str = "hypothesis") -> list[str]:
        hyps = list(hypotheses)
        if len(hyps) != self.size:
            raise InputError(
                None, f"{name} has {len(hyps)} segments but the references have {self.size}"
            )
        if not hyps:
            raise InputError(None, f"{name} has no segments")
        return hyps

    def corpus(self, hypotheses: Sequence[str]) -> ScoreReport:
        """Corpus scores with their signatures (the numbers of ``sacrebleu -m ...``)."""
        hyps = self._check(hypotheses)
        results = []
        for name in self.metrics:
            metric = self._corpus[name]
            result = metric.corpus_score(hyps, self.refs)
            results.append(
                MetricScore(result.name, float(result.score), str(metric.get_signature()))
            )
        return ScoreReport(tuple(results), len(hyps))

    def sentences(self, hypotheses: Sequence[str]) -> dict[str, list[float]]:
        """Sentence-level scores per metric, as sacrebleu's ``sentence_score`` gives them.

        Keys are display names (``BLEU``, ``chrF2++``, ``TER``).
        """
        hyps = self._check(hypotheses)
        out: dict[str, list[float]] = {}
        for name in self.metrics:
            metric = self._sentence[name]
            stats = metric._extract_corpus_statistics(hyps, self.refs)
            out[DISPLAY[name]] = [float(metric._aggregate_and_compute([s]).score) for s in stats]
        return out

    def compare(
        self,
        systems: Sequence[tuple[str, Sequence[str]]],
        *,
        test: str = "bs",
        samples: int = 0,
    ) -> tuple[list[list[PairedScore]], dict[str, str]]:
        """Compare ``systems[1:]`` with the baseline ``systems[0]`` using sacrebleu's paired test.

        ``test`` is ``bs`` (paired bootstrap resampling, 1000 samples by default)
        or ``ar`` (approximate randomization, 10000 trials by default, with a
        1000-sample bootstrap for confidence intervals). The seed is sacrebleu's
        (``SACREBLEU_SEED``, default 12345), so results are reproducible.
        Returns one list of :class:`PairedScore` per system (baseline first) and
        the signatures by metric display name.
        """
        from sacrebleu.significance import PairedTest

        if test not in TESTS:
            raise UsageError(f"unknown test {test!r}; choose bs or ar")
        if len(systems) < 2:
            raise UsageError("a paired test needs a baseline and at least one system")
        named: list[tuple[str, Sequence[str]]] = [
            (name, self._check(hyps, name)) for name, hyps in systems
        ]
        metrics = {DISPLAY[m]: self._corpus[m] for m in self.metrics}
        paired = PairedTest(
            named,
            metrics,
            references=self.refs,
            test_type=test,
            n_samples=samples,
            n_ar_confidence=0 if test == "ar" else -1,
        )
        signatures, table = paired()
        rows: list[list[PairedScore]] = []
        for k, (name, _) in enumerate(named):
            row = []
            for metric in metrics:
                result: Any = table[metric][k]
                base: Any = table[metric][0]
                row.append(
                    PairedScore(
                        system=name,
                        metric=metric,
                        score=float(result.score),
                        baseline=float(base.score),
                        p_value=None if k == 0 else _p_value(result, named[k][1], named[0][1]),
                        mean=_float(result.mean),
                        ci=_float(result.ci),
                    )
                )
            rows.append(row)
        return rows, {m: str(sig) for m, sig in signatures.items()}


def _p_value(result: Any, hyps: Sequence[str], baseline: Sequence[str]) -> float | None:
    """sacrebleu's p-value, except for an output identical to the baseline.

    With nothing different, every resampled difference is 0 and sacrebleu's
    count of "differences at least as large" comes out 0, giving p = 1/(n+1),
    which would call two identical outputs significantly different.
    """
    if list(hyps) == list(baseline):
        return 1.0
    return _float(result.p_value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def score(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]] | Sequence[str],
    *,
    metrics: Sequence[str] = METRICS,
    tokenize: str | None = None,
    lowercase: bool = False,
) -> ScoreReport:
    """Score ``hypotheses`` against one reference list (or several).

    ``references`` is either one list of strings, parallel to the hypotheses,
    or a list of such lists. The numbers are sacrebleu's ``corpus_score``.
    """
    scorer = Scorer(
        references, len(hypotheses), metrics=metrics, tokenize=tokenize, lowercase=lowercase
    )
    return scorer.corpus(hypotheses)


def compare(
    hypotheses: Sequence[str],
    baseline: Sequence[str],
    references: Sequence[Sequence[str]] | Sequence[str],
    *,
    metrics: Sequence[str] = METRICS,
    tokenize: str | None = None,
    lowercase: bool = False,
    test: str = "bs",
    samples: int = 0,
) -> tuple[list[PairedScore], dict[str, str]]:
    """``hypotheses`` against ``baseline`` by sacrebleu's paired test (:meth:`Scorer.compare`)."""
    scorer = Scorer(
        references, len(hypotheses), metrics=metrics, tokenize=tokenize, lowercase=lowercase
    )
    rows, signatures = scorer.compare(
        [("baseline", baseline), ("system", hypotheses)], test=test, samples=samples
    )
    return rows[1], signatures


# Reading line-aligned files ---------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Lines as sacrebleu reads them: split on "\\n" only, a final newline ends the last line.

    ``str.splitlines`` would also split on U+2028, form feeds and other
    characters that MT output contains, shifting every later segment.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def parse_column_spec(spec: str) -> tuple[str, int | None]:
    """``"dev.tsv:3"`` -> ``("dev.tsv", 3)``: column 3 (from 1) of a TSV; ``"a.txt"`` -> no column.

    A name that exists as a file is taken whole, so a file called ``x:2`` still works.
    """
    from pathlib import Path

    path, sep, column = spec.rpartition(":")
    if not sep or not column.isdigit() or not path or Path(spec).exists():
        return spec, None
    if int(column) < 1:
        raise UsageError(f"{spec}: columns are numbered from 1")
    return path, int(column)


def read_segments(spec: str, encoding: str | None = None) -> list[str]:
    """The segments of ``spec``: the lines of a file, or one column (``FILE:N``) of a TSV file.

    Raises :class:`InputError` naming the file (and line) for missing,
    undecodable or empty files and rows that lack the column.
    """
    from .textio import read_text

    path, column = parse_column_spec(spec)
    lines = split_lines(read_text(path, encoding).text)
    if column is None:
        return lines
    out = []
    for number, line in enumerate(lines, 1):
        cells = line.split("\t")
        if len(cells) < column:
            raise InputError(
                f"{path}:{number}", f"has {len(cells)} column(s); column {column} was asked for"
            )
        out.append(cells[column - 1])
    return out
