"""Terminology accuracy: does an output get a glossary's terms right?

Three questions, all answered with the glossary's own matcher
(:class:`mtfix.glossary.Matcher`), so "found" means exactly what the repair
stage would match — whole words, any case, "micro letter" = "micro-letter":

- how many known bad variants ("micro letter") remain in the output;
- for each source term of the glossary present in the source text (微信), is
  its required English term (WeChat) in the output? Source terms are found as
  plain substrings of the source (Chinese has no spaces between words);
- of the term fixes made, how many does the reference agree with (it contains
  the new term)? That is edit-level precision against a reference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .glossary import Entry, Glossary, Matcher
from .records import Edit, TermReport


class TermChecker:
    """Checks outputs against one glossary; build once, use for many outputs."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.matcher = Matcher(glossary)
        # source term (case-folded) -> the English terms it requires
        required: dict[str, set[str]] = {}
        for entry in glossary.entries:
            if entry.source.strip():
                required.setdefault(entry.source.strip().casefold(), set()).add(entry.replacement)
        self._required = {src: tuple(sorted(terms)) for src, terms in required.items()}
        self._term_matchers: dict[str, Matcher] = {}

    def bad_variants(self, text: str) -> int:
        """How many known bad variants ``text`` still contains."""
        return len(self.matcher.find(text))

    def variant_counts(self, text: str) -> Counter[str]:
        """Bad variants in ``text`` counted by the term that should replace them."""
        return Counter(m.entry.replacement for m in self.matcher.find(text))

    def has_term(self, text: str, term: str) -> bool:
        """Whether ``term`` occurs in ``text`` as the matcher would find it."""
        matcher = self._term_matchers.get(term)
        if matcher is None:
            matcher = Matcher([Entry((term,), term, "expected-term")])
            self._term_matchers[term] = matcher
        return bool(matcher.find(text))

    def expected_terms(self, source: str) -> list[str]:
        """The English terms required by the glossary's source terms present in ``source``."""
        folded = source.casefold()
        terms: set[str] = set()
        for src, required in self._required.items():
            if src in folded:
                terms.update(required)
        return sorted(terms)

    def check(
        self,
        outputs: Sequence[str],
        *,
        sources: Sequence[str] | None = None,
        references: Sequence[str] | None = None,
        edits: Sequence[Iterable[Edit]] | None = None,
        baseline: Sequence[str] | None = None,
    ) -> TermReport:
        """A :class:`TermReport` for ``outputs`` (one entry per segment).

        ``sources`` enables the expected-term count. With ``references``, the
        term fixes are checked against them: the glossary ``edits`` made in each
        segment when given, otherwise (with a ``baseline``) the bad variants of
        the baseline that are gone from the output.
        """
        bad = sum(self.bad_variants(text) for text in outputs)
        expected = found = 0
        if sources is not None:
            for source, output in zip(sources, outputs):
                for term in self.expected_terms(source):
                    expected += 1
                    found += self.has_term(output, term)
        checked = confirmed = 0
        if references is not None:
            for k, (output, reference) in enumerate(zip(outputs, references)):
                for term in self._fixed_terms(k, output, edits, baseline):
                    checked += 1
                    confirmed += self.has_term(reference, term)
        return TermReport(bad, expected, found, checked, confirmed)

    def _fixed_terms(
        self,
        k: int,
        output: str,
        edits: Sequence[Iterable[Edit]] | None,
        baseline: Sequence[str] | None,
    ) -> list[str]:
        if edits is not None:
            return [e.after for e in edits[k] if e.stage == "glossary"]
        if baseline is not None:
            gone = self.variant_counts(baseline[k]) - self.variant_counts(output)
            return [term for term in gone.elements() if self.has_term(output, term)]
        return []
