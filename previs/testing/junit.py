"""``previs test --junit FILE``: the run as JUnit XML, the format CI servers (GitLab, Jenkins,
GitHub annotations) read: one ``<testsuite>`` per expectation file, one ``<testcase>`` per
expectation named by its id (as pytest names the item), a ``<failure>`` with the
expected/actual/why text, and an ``<error>`` testcase for a malformed file.

Written with :mod:`xml.etree.ElementTree` (the standard library) and atomically.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..fsutil import atomic_write_text


def junit_xml(reports) -> str:
    root = ET.Element("testsuites", name="previs test")
    total = fails = errors = 0
    for rep in reports:
        suite = ET.SubElement(root, "testsuite", name=rep.path.as_posix(), time=f"{rep.seconds:.3f}")
        if rep.problems:
            case = ET.SubElement(suite, "testcase", classname=rep.path.as_posix(), name="<file>")
            err = ET.SubElement(case, "error", message="the expectation file is malformed")
            err.text = "\n".join(rep.problems)
            suite.set("tests", "1")
            suite.set("failures", "0")
            suite.set("errors", "1")
            total += 1
            errors += 1
            continue
        nf = 0
        for r in rep.results:
            case = ET.SubElement(suite, "testcase", classname=rep.path.as_posix(), name=r.expectation.id)
            if not r.ok:
                nf += 1
                f = ET.SubElement(case, "failure", message=f"{r.expectation.label}: {r.failures[0].actual}")
                f.text = r.text()
        suite.set("tests", str(len(rep.results)))
        suite.set("failures", str(nf))
        suite.set("errors", "0")
        total += len(rep.results)
        fails += nf
    root.set("tests", str(total))
    root.set("failures", str(fails))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path, reports) -> None:
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, junit_xml(reports))
