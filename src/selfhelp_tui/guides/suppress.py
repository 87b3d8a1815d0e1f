"""Turning a warning off where it is wrong for a guide, as linters do.

- For a folder: in the folder's `selfhelp.yaml` (the nearest one above a file),

      validate:
        ignore: [unreachable-node, no-symptoms]

- For a node (or any key): a comment on its key's line, or alone on the line above
  it: `# selfhelp: ignore[unreachable-node]`; for a whole file:
  `# selfhelp: ignore-file[no-symptoms]`.

Only warnings can be ignored: an error keeps a guide from loading, and validate
must not say otherwise. What was ignored is kept, for `validate --show-ignored`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..i18n import _
from ..record import field, record
from .codes import RULES
from .diagnostics import Diagnostic, Pos, Reporter, Severity, did_you_mean, display_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    import yaml

MANIFEST_NAMES = ("selfhelp.yaml", "selfhelp.yml")
_COMMENT = re.compile(r"#\s*selfhelp:\s*ignore(-file)?\[([^\]]*)\]")


@record(frozen=True)
class Ignored:
    diagnostic: Diagnostic
    #: What ignored it, as a writer finds it: `FILE:LINE`.
    by: str
    #: SARIF's words: "inSource" (a comment in the guide) or "external" (selfhelp.yaml).
    kind: str


@record
class _Rule:
    codes: frozenset[str]
    by: str
    kind: str
    #: Lines (1-based, inclusive) it covers; None: the whole file.
    lines: tuple[int, int] | None = None


@record
class Suppressions:
    """What the files of one validation ignore, read once per file and folder."""

    #: Problems with the suppressions themselves (`bad-suppression`).
    problems: list[Diagnostic] = field(default_factory=list)
    _folders: dict[Path, list[_Rule]] = field(default_factory=dict)
    _files: dict[str, list[_Rule]] = field(default_factory=dict)

    def apply(self, diags: list[Diagnostic]) -> tuple[list[Diagnostic], list[Ignored]]:
        """The diagnostics still reported, and those ignored (with what ignored them)."""
        kept: list[Diagnostic] = []
        ignored: list[Ignored] = []
        for d in diags:
            rule = None if d.is_error else self._rule_for(d)
            if rule is None:
                kept.append(d)
            else:
                ignored.append(Ignored(d, rule.by, rule.kind))
        return kept, ignored

    def _rule_for(self, d: Diagnostic) -> _Rule | None:
        for rule in self._rules(d.file):
            if d.code in rule.codes and (
                rule.lines is None or rule.lines[0] <= d.line <= rule.lines[1]
            ):
                return rule
        return None

    def _rules(self, file: str) -> list[_Rule]:
        rules = self._files.get(file)
        if rules is None:
            path = Path(file)
            rules = self._files[file] = [*self._comments(path), *self._folder(path.parent)]
        return rules

    # --- selfhelp.yaml --------------------------------------------------------
    def _folder(self, folder: Path) -> list[_Rule]:
        """The rules of the nearest manifest at or above `folder`."""
        try:
            here = folder.resolve()
        except OSError:
            return []
        for place in (here, *here.parents):
            if place in self._folders:
                return self._folders[place]
            for name in MANIFEST_NAMES:
                manifest = place / name
                if manifest.is_file():
                    rules = self._folders[place] = self._read_manifest(manifest)
                    return rules
        return []

    def _read_manifest(self, path: Path) -> list[_Rule]:
        from .yamlsrc import parse
        from .yvalues import YMap, YScalar, YSeq

        shown = display_path(path)
        rep = Reporter(shown)
        try:
            root = parse(path.read_bytes(), rep)
        except OSError:
            return []
        self.problems.extend(rep.items)
        section = root.items.get("validate") if isinstance(root, YMap) else None
        if section is None:
            return []
        ignore = section.items.get("ignore") if isinstance(section, YMap) else None
        if not isinstance(ignore, YSeq):
            rep = Reporter(shown)
            rep.warning(
                getattr(ignore, "pos", None) or section.pos,
                "bad-suppression",
                _("'validate' in {file} takes 'ignore', a list of warning codes").format(
                    file=path.name
                ),
            )
            self.problems.extend(rep.items)
            return []
        codes = []
        for item in ignore.items:
            if isinstance(item, YScalar) and isinstance(item.value, str):
                if self._known(item.value, item.pos, shown):
                    codes.append(item.value)
            else:
                self._problem(
                    shown,
                    item.pos,
                    _("a rule to ignore is a warning code, such as unreachable-node"),
                )
        return [_Rule(frozenset(codes), f"{shown}:{ignore.pos.line}", "external")] if codes else []

    # --- comments in a guide --------------------------------------------------
    def _comments(self, path: Path) -> list[_Rule]:
        if path.suffix not in (".yaml", ".yml"):
            return []
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return []
        if "selfhelp:" not in text:
            return []
        found = [
            (number, m)
            for number, line in enumerate(text.splitlines(), start=1)
            for m in _COMMENT.finditer(line)
        ]
        if not found:
            return []
        spans = _Spans.of(text)
        if spans is None:
            return []  # not YAML: its diagnostics are errors, never ignored
        shown = display_path(path)
        rules = []
        for number, m in found:
            if spans.in_scalar(number, m.start() + 1):
                continue  # text that looks like a comment, inside a value
            codes = [c.strip() for c in m.group(2).split(",") if c.strip()]
            good = frozenset(c for c in codes if self._known(c, Pos(number, m.start() + 1), shown))
            if not good:
                continue
            by = f"{shown}:{number}"
            if m.group(1):
                rules.append(_Rule(good, by, "inSource"))
                continue
            lines = spans.scope(number)
            if lines is None:
                self._problem(
                    shown,
                    Pos(number, m.start() + 1),
                    _("this comment is on no key: put it on a node's line or the line above it"),
                )
                continue
            rules.append(_Rule(good, by, "inSource", lines))
        return rules

    def _known(self, code: str, pos: Pos, file: str) -> bool:
        rule = RULES.get(code)
        if rule is None:
            self._problem(
                file,
                pos,
                _("'{code}' is not a diagnostic code").format(code=code),
                did_you_mean(
                    code, [c for c, (sev, _text) in RULES.items() if sev is Severity.WARNING]
                ),
            )
            return False
        if rule[0] is Severity.ERROR:
            self._problem(
                file,
                pos,
                _("'{code}' is an error, and errors cannot be ignored").format(code=code),
                _("an error keeps the guide from loading: fix it instead"),
            )
            return False
        return True

    def _problem(self, file: str, pos: Pos, message: str, hint: str | None = None) -> None:
        rep = Reporter(file)
        rep.warning(pos, "bad-suppression", message, hint)
        self.problems.extend(rep.items)


def _last_line(node: yaml.Node) -> int:
    """The last line (0-based) that holds part of a value. A block collection ends
    where the next token starts, the next key's line: its last item says where
    it really ends."""
    import yaml

    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


@record
class _Spans:
    """Where the keys and the text values of a YAML file are (1-based lines)."""

    #: (first line of the key, last line of its value), in file order.
    keys: list[tuple[int, int]]
    #: Multi-line or quoted text: (start line, start column, end line, end column).
    scalars: list[tuple[int, int, int, int]]
    #: Lines that hold nothing but a comment or nothing at all.
    blank: set[int]

    @classmethod
    def of(cls, text: str) -> _Spans | None:
        import yaml

        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return None
        keys: list[tuple[int, int]] = []
        scalars: list[tuple[int, int, int, int]] = []
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.ScalarNode):
                if node.style is not None or node.start_mark.line != node.end_mark.line:
                    s, e = node.start_mark, node.end_mark
                    scalars.append((s.line + 1, s.column + 1, e.line + 1, e.column + 1))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    last = _last_line(value) + 1
                    keys.append((key.start_mark.line + 1, max(last, key.start_mark.line + 1)))
                    stack.extend((key, value))
        keys.sort(key=lambda span: (span[0], -span[1]))  # a line's outermost key first
        blank = {
            n
            for n, line in enumerate(text.splitlines(), start=1)
            if not line.strip() or line.lstrip().startswith("#")
        }
        return cls(keys, scalars, blank)

    def in_scalar(self, line: int, column: int) -> bool:
        return any((sl, sc) <= (line, column) < (el, ec) for sl, sc, el, ec in self.scalars)

    def scope(self, line: int) -> tuple[int, int] | None:
        """The lines a comment on `line` covers: the first key on that line, or, for
        a comment alone on its line, the first key below it."""
        target = line
        if line in self.blank:
            target = line + 1
            while target in self.blank:
                target += 1
        for first, last in self.keys:  # sorted: the outermost key of a line first
            if first == target:
                return (min(first, line), last)
        return None
