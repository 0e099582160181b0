"""Time the PDF reports and measure the worker's memory, against WeasyPrint on its own.

Seeds a throwaway test database (created and destroyed here, never your own data) with 5,000
published obstacles (Swedish and English text of realistic length, affected actors, evidence,
known mitigations), about 2,500 published mitigations and 120 published knowledge articles
linked to them, spread over every category. 100 of the obstacles are in one region and 1,000 in
a second, so those regions' compilations (the list's region filter) hold 100 and 1,000 entries
and the unfiltered one all 5,000. It also makes one partnership standing at the test step with
obstacles noted, for the partnership guidance report.

Each render runs in a fresh Python process (as a worker would render a request) that reads its
own peak resident memory (VmHWM) at the end:

- **ours**: `document_context` + `render_html` + `html_to_pdf` (the worker's path: context →
  HTML → tagged PDF/UA through the static-only fetcher); the HTML is saved for the next step;
- **WeasyPrint alone**: a process without Django that reads the same HTML and runs
  `weasyprint.HTML(string=html, base_url=<the same>).write_pdf()` with WeasyPrint's default
  fetcher and options ("no portal code around it"), and once more with the PDF/UA options we
  use (`pdf_variant="pdf/ua-1", pdf_tags=True`), to show what tagging itself costs.

It prints pages, seconds (context, HTML, PDF, total), WeasyPrint's seconds, the ratio and peak
memory per row, then PASS/FAIL for the issue's two targets: the 1,000-obstacle compilation in
under 1.5 × WeasyPrint's own time for its HTML, and under 500 MB of worker memory at 5,000.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/pdfs.py
"""

import argparse
import datetime as dt
import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from _seed import (  # noqa: E402 - bench/ is the script's own folder on sys.path
    EN_PROBLEMS,
    EN_SUBJECTS,
    SV_PROBLEMS,
    SV_SUBJECTS,
    bench_author,
    link_actors,
    obstacle_steps,
    published_obstacle,
    throwaway_database,
)

BATCH = 2000
TOTAL = 5000
# Regions holding exactly these many entries: their compilations are the 100 and 1,000 rows.
SMALL_REGION, MEDIUM_REGION = 100, 1000
RATIO_TARGET = 1.5
MEMORY_TARGET_MB = 500

SV_PARAGRAPHS = [
    "Vi mötte detta när vi skulle flytta mätvärden från patienternas hem till journalen. "
    "Leverantören kunde inte visa var uppgifterna lagrades, och förvaltningen ville ha en "
    "sekretessprövning innan något fick lämna regionens nät.",
    "Regionen och företaget kunde inte enas om vem som bär risken om tjänsten stängs av. "
    "Frågan gick till jurister på båda sidor och tog fyra månader att reda ut, under tiden "
    "stod testbädden still och personalen tappade intresset.",
    "Innovationskontoret föreslog ett tillfälligt avtal om personuppgiftsbiträde, men "
    "upphandlingsenheten menade att ett sådant avtal i praktiken blir en direktupphandling "
    "som inte ryms inom gränsvärdet.",
    "Verksamheten saknade tid för utvärdering. Ingen ersättning fanns för de timmar som "
    "sjuksköterskorna lade på testet, så chefen prioriterade ordinarie vård före projektet.",
]
EN_PARAGRAPHS = [
    "We met this when moving home measurements into the patient record. The provider could "
    "not show where the data was stored, and the administration asked for a secrecy "
    "assessment before anything could leave the region's network.",
    "The region and the company could not agree on who carries the risk if the service is "
    "switched off. Lawyers on both sides took four months to settle it, and the test bed "
    "stood still in the meantime.",
]
MITIGATION_TEXTS = [
    "Vi krypterade uppgifterna med en nyckel som regionen själv förvaltar, så leverantören "
    "aldrig kunde läsa dem. Sekretessprövningen godkände upplägget efter två veckor.",
    "Ett ramavtal med en svensk leverantör täckte behovet; testet kunde starta utan ny "
    "upphandling.",
    "Ledningsgruppen fick en kort hälsoekonomisk kalkyl, och verksamheten fick ersättning "
    "för personalens tid ur innovationsfonden.",
]


# --- The parent: seed, run the children, print -------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--obstacles", type=int, default=TOTAL)
    parser.add_argument(
        "--sizes",
        default="100,1000,all",
        help="which compilations to render: 100, 1000 and/or all (default: every one)",
    )
    parser.add_argument(
        "--no-partnership", action="store_true", help="leave out the partnership report"
    )
    parser.add_argument(
        "--ours-only",
        default="",
        help="sizes (100, 1000, all) rendered only our way, without the WeasyPrint-alone runs "
        "(the largest takes as long again twice over; its memory is what counts)",
    )
    parser.add_argument(
        "--per-volume",
        type=int,
        default=None,
        help="entries per volume (default: settings.REPORTS_OBSTACLES_PER_VOLUME, else 300)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return

    with throwaway_database() as database:
        _run(args, database=database)


def _run(args: argparse.Namespace, *, database: str) -> None:
    from django.db import connection

    rng = random.Random(2026)
    started = time.perf_counter()
    small, medium = _seed(count=args.obstacles, rng=rng)
    partnership = _seed_partnership()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {args.obstacles:,} published obstacles in {time.perf_counter() - started:.1f} s")
    connection.close()  # the children use the database now

    empty = {
        "actor": "",
        "category": "",
        "q": "",
        "region": "",
        "severity": "",
        "sort": "",
        "step": "",
    }
    sizes = set(args.sizes.split(","))
    ours_only = {
        label
        for size, label in (
            ("100", "compilation, 100 obstacles"),
            ("1000", "compilation, 1,000 obstacles"),
            ("all", f"compilation, {args.obstacles:,} obstacles"),
        )
        if size in set(args.ours_only.split(","))
    }
    cases: list[tuple[str, str, dict[str, Any]]] = [
        (label, "obstacles", params)
        for size, label, params in (
            ("100", "compilation, 100 obstacles", {**empty, "region": small}),
            ("1000", "compilation, 1,000 obstacles", {**empty, "region": medium}),
            ("all", f"compilation, {args.obstacles:,} obstacles", empty),
        )
        if size in sizes
    ]
    if partnership is not None and not args.no_partnership:
        cases.append(("partnership guidance report", "partnership", {"partnership": partnership}))

    header = (
        f"{'report':32} {'entries':>7} {'vols':>4} {'pages':>6} {'context s':>9} {'HTML s':>7} "
        f"{'PDF s':>7} {'total s':>8} {'WP s':>7} {'ratio':>6} {'WP+UA s':>8} "
        f"{'ours MB':>8} {'WP MB':>6}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    results: list[tuple[str, dict[str, Any], dict[str, Any], float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, kind, params in cases:
            html_path = str(Path(tmp) / f"report-{len(results)}")
            ours = _spawn(
                {
                    "role": "ours",
                    "database": database,
                    "kind": kind,
                    "params": params,
                    "html": html_path,
                    "per_volume": args.per_volume,
                }
            )
            if label in ours_only:
                alone = tagged = {"seconds": float("nan"), "peak_mb": float("nan")}
            else:
                job = {"role": "weasyprint", "htmls": ours["htmls"], "base": ours["base"]}
                alone = _spawn(job)
                tagged = _spawn({**job, "tagged": True})
            ratio = ours["total"] / alone["seconds"]
            results.append((label, ours, alone, ratio))
            print(
                f"{label:32} {ours['entries']!s:>7} {ours['volumes']:4d} {ours['pages']:6d} "
                f"{ours['context']:9.2f} "
                f"{ours['html_seconds']:7.2f} {ours['pdf']:7.2f} {ours['total']:8.2f} "
                f"{alone['seconds']:7.2f} {ratio:6.2f} {tagged['seconds']:8.2f} "
                f"{ours['peak_mb']:8.0f} {alone['peak_mb']:6.0f}",
                flush=True,
            )
    print(
        "\ncontext = build_context + cover facts (database); HTML = the print template; PDF = "
        "WeasyPrint through our fetcher with PDF/UA tagging; total = the three; WP = "
        "weasyprint.HTML(string=…).write_pdf() alone on the same HTML (default fetcher and "
        "options); ratio = total / WP; WP+UA = WeasyPrint alone with our PDF/UA options; MB = "
        "peak resident memory (VmHWM) of the rendering process."
    )
    by_label = {label: (ours, ratio) for label, ours, _alone, ratio in results}
    verdict_ratio = verdict_memory = "NOT MEASURED"
    if "compilation, 1,000 obstacles" in by_label:
        _ours, ratio_1000 = by_label["compilation, 1,000 obstacles"]
        verdict_ratio = "PASS" if ratio_1000 < RATIO_TARGET else "FAIL"
        print(
            f"\n{verdict_ratio}: the 1,000-obstacle compilation took {ratio_1000:.2f} × "
            f"WeasyPrint's own time for its HTML (target < {RATIO_TARGET})"
        )
    largest_label = f"compilation, {args.obstacles:,} obstacles"
    if largest_label in by_label:
        largest, _ratio = by_label[largest_label]
        verdict_memory = "PASS" if largest["peak_mb"] < MEMORY_TARGET_MB else "FAIL"
        print(
            f"{verdict_memory}: the worker's peak memory at {args.obstacles:,} obstacles was "
            f"{largest['peak_mb']:.0f} MB (target < {MEMORY_TARGET_MB} MB)"
        )
    print(f"ratio target: {verdict_ratio}; memory target: {verdict_memory}")
    if partnership is None:
        print("partnership guidance report: not measured (see the message above)")
    if "FAIL" in (verdict_ratio, verdict_memory):
        raise SystemExit(1)


def _spawn(job: dict[str, Any]) -> dict[str, Any]:
    """Run one render in a fresh process and return what it measured."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", json.dumps(job)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if done.returncode != 0:
        raise SystemExit(f"render failed ({job.get('role')}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _text(rng: random.Random, n: int, language: str) -> tuple[str, str]:
    if language == "en":
        title = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_PROBLEMS)} ({n})"
        paragraphs = rng.sample(EN_PARAGRAPHS, k=rng.randint(1, 2))
    else:
        title = f"{rng.choice(SV_SUBJECTS)} {rng.choice(SV_PROBLEMS)} ({n})"
        paragraphs = rng.sample(SV_PARAGRAPHS, k=rng.randint(1, 3))
    return title, "".join(f"<p>{p}</p>" for p in paragraphs)


def _seed(*, count: int, rng: random.Random) -> tuple[str, str]:
    """Bulk-insert `count` published obstacles with mitigations and articles, the way the
    services would leave them. Returns the slugs of the 100-entry and the 1,000-entry region."""
    from django.utils import timezone

    from obstacles.models import Actor, Category, KnowledgeArticle, Mitigation, Obstacle
    from obstacles.models.knowledge import KnowledgeTopic
    from obstacles.workflow import ArticleStatus, MitigationStatus
    from regions.models import Region

    categories = list(Category.objects.all())
    actors = list(Actor.objects.all())
    regions = list(Region.objects.order_by("code"))
    small, medium, others = regions[0], regions[1], [*regions[2:], None]
    steps = obstacle_steps()
    author = bench_author()
    now = timezone.now()

    def region_of(n: int) -> Any:
        if n < SMALL_REGION:
            return small
        if n < SMALL_REGION + MEDIUM_REGION:
            return medium
        return rng.choice(others)

    obstacles: list[Obstacle] = []
    for first in range(0, count, BATCH):
        rows = [
            published_obstacle(
                n,
                rng=rng,
                text=_text,
                categories=categories,
                steps=steps,
                region_of=region_of,
                author=author,
                now=now,
                evidence="<p>Erfarenheter från regionens innovationskontor och två "
                "avslutade testbäddar.</p>"
                if n % 2
                else "",
                known_mitigation="<p>Börja med en sekretessprövning tidigt.</p>"
                if n % 3 == 0
                else "",
            )
            for n in range(first, min(first + BATCH, count))
        ]
        obstacles += Obstacle.objects.bulk_create(rows, batch_size=BATCH)
    link_actors(obstacles, actors=actors, rng=rng, batch_size=BATCH * 2)
    # About one published mitigation for every two entries, some covering two entries.
    mitigations = Mitigation.objects.bulk_create(
        [
            Mitigation(
                title=f"Lösning {n}: {rng.choice(SV_SUBJECTS).lower()} löstes",
                description=f"<p>{rng.choice(MITIGATION_TEXTS)}</p>",
                region=rng.choice(regions),
                status=MitigationStatus.PUBLISHED,
                author=author,
                published_at=now,
            )
            for n in range(count // 2)
        ],
        batch_size=BATCH,
    )
    Mitigation.obstacles.through.objects.bulk_create(
        [
            Mitigation.obstacles.through(mitigation_id=m.pk, obstacle_id=o.pk)
            for m in mitigations
            for o in rng.sample(obstacles, k=rng.choice([1, 1, 1, 2]))
        ],
        batch_size=BATCH * 2,
        ignore_conflicts=True,
    )
    articles = KnowledgeArticle.objects.bulk_create(
        [
            KnowledgeArticle(
                title=f"Kunskapsartikel {n}: molntjänster och sekretess i praktiken",
                summary="Vad offentlighets- och sekretesslagen innebär när en region vill "
                "använda en molntjänst, och vilka frågor leverantören måste kunna besvara.",
                body="<p>Röjande av uppgifter till en molnleverantör kräver en prövning.</p>",
                topic=rng.choice(KnowledgeTopic.values),
                status=ArticleStatus.PUBLISHED,
                last_reviewed=dt.date(2026, rng.randint(1, 11), rng.randint(1, 28)),
                author=author,
                published_at=now,
            )
            for n in range(120)
        ]
    )
    KnowledgeArticle.obstacles.through.objects.bulk_create(
        [
            KnowledgeArticle.obstacles.through(knowledgearticle_id=a.pk, obstacle_id=o.pk)
            for a in articles
            for o in rng.sample(obstacles, k=40)
        ],
        batch_size=BATCH * 2,
        ignore_conflicts=True,
    )
    return small.slug, medium.slug


def _seed_partnership() -> int | None:
    """One partnership at the test step with obstacles noted, through the services (the test
    suite's factories); None, with the reason printed, if that kind cannot be rendered yet."""
    try:
        from reports.kinds import get_kind

        spec = get_kind("partnership")
        if "build_context" not in type(spec).__dict__:
            print("partnership guidance report: its build_context is not written yet")
            return None
        from obstacles.models import Obstacle
        from partnerships.models import ObstacleNote

        # Imported by name: mypy checks bench/ but not the test factories it borrows.
        make_partnership = importlib.import_module("tests.factories_process").make_partnership

        partnership = make_partnership(step_key="test")
        notes = [
            ObstacleNote(
                partnership=partnership,
                step=partnership.current_step,
                text=f"Hinder vi mötte under testet ({n}): journalsystemet saknar gränssnitt.",
                obstacle=obstacle,
            )
            for n, obstacle in enumerate(Obstacle.objects.order_by("pk")[:8])
        ]
        ObstacleNote.objects.bulk_create(notes)
        return int(partnership.pk)
    except Exception as exc:
        print(f"partnership guidance report: could not seed one ({exc!r})")
        return None


# --- The children: one render each, in a fresh process -----------------------------------------


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(job: dict[str, Any]) -> None:
    if job["role"] == "weasyprint":
        _child_weasyprint(job)
    else:
        _child_ours(job)


def _child_weasyprint(job: dict[str, Any]) -> None:
    """WeasyPrint alone: no Django, default fetcher, the same HTML (every volume's, one after
    another in this one process, as ours does) and base URL; the seconds summed."""
    import gc

    from weasyprint import HTML

    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True} if job.get("tagged") else {}
    seconds = 0.0
    size = 0
    for path in job["htmls"]:
        html = Path(path).read_text(encoding="utf-8")
        t0 = time.perf_counter()
        content = HTML(string=html, base_url=job["base"]).write_pdf(**options)
        seconds += time.perf_counter() - t0
        assert content
        size += len(content)
        del html, content
        gc.collect()
    print(json.dumps({"seconds": seconds, "bytes": size, "peak_mb": _peak_mb()}))


def _child_ours(job: dict[str, Any]) -> None:
    """The worker's path: the kind's context, split into volumes as `make_report_pdf` does, each
    volume through the print template to a tagged PDF, released before the next. Each volume's
    HTML is saved for the WeasyPrint-alone runs."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + job["database"]))
    import gc
    import io
    import zipfile

    import django

    django.setup()
    from django.conf import settings

    from reports.documents import document_context, volume_contexts, volume_name
    from reports.kinds import get_kind
    from reports.rendering import html_to_pdf, render_html, static_roots

    if job.get("per_volume"):
        settings.REPORTS_OBSTACLES_PER_VOLUME = job["per_volume"]
    spec = get_kind(job["kind"])
    language = "sv"
    # A worker is a long-running process: imports, translation catalogues, templates and the
    # database connection are warm after its first report. Warm them on a one-off context
    # (cold, it costs seconds that no later report pays); WeasyPrint stays cold, as in the
    # WeasyPrint-only process it is compared with.
    cold = time.perf_counter()
    document_context(spec, job["params"], language)
    cold = time.perf_counter() - cold
    t0 = time.perf_counter()
    context = document_context(spec, job["params"], language)
    entries = context.get("total", "-") if job["kind"] == "obstacles" else "-"
    volumes = volume_contexts(spec, context, language)
    del context
    t1 = time.perf_counter()
    count = len(volumes)
    html_seconds = pdf_seconds = 0.0
    pages = 0
    htmls: list[str] = []
    archive = zipfile.ZipFile(io.BytesIO(), "w", compression=zipfile.ZIP_STORED)
    for number in range(1, count + 1):
        volume = volumes.pop(0)
        h0 = time.perf_counter()
        html = render_html(spec.template_name, volume, language=language)
        h1 = time.perf_counter()
        rendered = html_to_pdf(html)
        pdf_seconds += time.perf_counter() - h1
        html_seconds += h1 - h0
        pages += rendered.pages
        if count > 1:
            archive.writestr(volume_name(spec, number=number, count=count), rendered.content)
        path = f"{job['html']}.{number:03d}.html"
        Path(path).write_text(html, encoding="utf-8")
        htmls.append(path)
        del volume, html, rendered
        gc.collect()
    archive.close()
    total = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "entries": entries,
                "volumes": count,
                "pages": pages,
                "context": t1 - t0,
                "html_seconds": html_seconds,
                "pdf": pdf_seconds,
                "total": total,
                "cold_context": cold,
                "htmls": htmls,
                "base": static_roots()[0].as_uri() + "/",
                "peak_mb": _peak_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
