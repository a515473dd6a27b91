"""One PDF renderer in a process of its own, so its time and peak memory are its own.

    python -m bench.pdf_worker reportlab record.pickle 1 10    # a pickled RecordInput
    python -m bench.pdf_worker weasyprint record.html 0 2     # the record page's HTML

(the renderer, its input, untimed warm-up runs, timed runs)
Prints one line of JSON: the timings in milliseconds, the peak resident memory and what it was
before the first render (after imports and reading the input), and the output's pages and size.
Exit code 3 (with the reason in the JSON) when the renderer cannot load.
"""

import json
import pickle
import re
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import clinic_onboard  # its __init__ is a docstring: this imports nothing else
from bench.timing import Timing, time_once

UNAVAILABLE = 3
STATIC = Path(clinic_onboard.__file__).resolve().parent / "static"


def main(argv: list[str]) -> int:
    renderer, path, warmup, repeat = argv[0], Path(argv[1]), int(argv[2]), int(argv[3])
    try:
        render = RENDERERS[renderer](path)
    except (ImportError, OSError) as error:  # WeasyPrint without pango raises OSError
        print(json.dumps({"unavailable": f"{type(error).__name__}: {error}"}))
        return UNAVAILABLE
    before = _peak_kb()
    for _ in range(warmup):
        render()  # fonts and caches; counted in the peak all the same
    outputs: list[tuple[int, int]] = []
    timing = Timing(tuple(time_once(lambda: outputs.append(render())) for _ in range(repeat)))
    pages, size = outputs[-1]
    report = {
        "median_ms": timing.median,
        "p95_ms": timing.p95,
        "peak_kb": _peak_kb(),
        "before_kb": before,
        "pages": pages,
        "bytes": size,
    }
    print(json.dumps(report))
    return 0


def _peak_kb() -> int:
    """The process's peak resident memory in kB. Linux's VmHWM belongs to this program alone,
    whereas ru_maxrss carries the parent's peak across fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reportlab(path: Path) -> Callable[[], tuple[int, int]]:
    """The app's export path after the database: RecordInput -> Document -> reportlab bytes."""
    from clinic_onboard.pdf import completed_record
    from clinic_onboard.pdf.render import render

    record = pickle.loads(path.read_bytes())

    def run() -> tuple[int, int]:
        output = render(completed_record(record))
        return len(re.findall(rb"/Type\s*/Page\b", output)), len(output)

    return run


def _weasyprint(path: Path) -> Callable[[], tuple[int, int]]:
    """The record page's HTML with the app's stylesheet, laid out and written by WeasyPrint."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    class StaticFiles(URLFetcher):
        """Serves /static/ from the package (the page's CSS); fetches nothing else."""

        def fetch(self, url: str, headers: dict | None = None) -> object:
            wanted = urlsplit(url).path
            if not wanted.startswith("/static/"):
                raise ValueError(f"the benchmark fetches nothing but /static/: {url}")
            return super().fetch((STATIC / wanted.removeprefix("/static/")).as_uri(), headers)

    html = path.read_text()

    def run() -> tuple[int, int]:
        page = weasyprint.HTML(
            string=html, base_url="http://bench.invalid/", url_fetcher=StaticFiles()
        )
        document = page.render()
        return len(document.pages), len(document.write_pdf())

    return run


RENDERERS = {"reportlab": _reportlab, "weasyprint": _weasyprint}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
