"""``make bench``: throughput, scaling, memory, hostile inputs and start-up, as a Markdown report.

1. Builds a corpus (default 1,000 Chinese + 1,000 Spanish documents) under
   ``benchmarks/corpus/`` by recombining lines of the eval documents and of
   ``benchmarks/paragraphs.yaml`` (seeded, so every run sees the same corpus).
2. One core, in this process: extraction vs bare spaCy tokenization (``nlp.make_doc``)
   vs ``dateparser.search_dates`` (on a sample: it is slow), per language.
3. ``extractor batch`` end to end (start-up included) with 1 and 2 workers per
   language, and on the whole corpus with 2 workers, sampling the memory of the
   process tree (PSS when available, so shared pages count once).
4. The adversarial 1 MB inputs, each in its own process with a time limit, stage by stage.
5. ``extractor extract FILE`` wall time including start-up.

The report is printed and saved to ``benchmarks/corpus/results.md`` (and ``.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = HERE / "corpus"
EVAL_DOCS = REPO.parent / "shared" / "eval" / "docs"
EXE = Path(sys.executable).parent / "extractor"
LANGS = {"zh": ("zh-Hans", "zh-Hant"), "es": ("es",)}

# name: (repeated unit, forced language or None); each repeated to about 1 MB of UTF-8
HOSTILE = {
    "社區 ×166k": ("社區", None),
    "1、 ×250k": ("1、", None),
    "1、 ×250k (zh)": ("1、", "zh-Hans"),
    "digits ×1M": ("1234567890", None),
    "digits ×1M (zh)": ("1234567890", "zh-Hant"),
    "( ×1M": ("(", None),
    "( ×1M (zh)": ("(", "zh-Hans"),
    "×× ×250k (zh)": ("××", "zh-Hans"),
    "1 MB line, zh": ("居民参加活动志愿者服务社区花园清洁宣传", None),
    "1 MB line, es": ("vecinos de la colonia participaron en la jornada ", None),
    "dated rows ×18k, es": ("- martes 26 de marzo: colonia Las Flores, 420 despensas;\n", None),
    "numbered items ×13k, zh": ("1、社区开展活动\n9月8日，社区开展活动，参加居民30人。\n", None),
}
HOSTILE_SIZE = 1_000_000
STAGE_ORDER = ["normalize", "make_doc", "segment", "communities", "dates", "counts", "activities", "records"]


# --------------------------------------------------------------------------- corpus

def source_lines() -> dict[str, dict[str, list[str]]]:
    """Titles and lines per script, from the eval documents and ``paragraphs.yaml``."""
    pools: dict[str, dict[str, list[str]]] = {}
    own = yaml.safe_load((HERE / "paragraphs.yaml").read_text(encoding="utf-8"))
    for script, data in own.items():
        pools[script] = {"titles": list(data["titles"]), "lines": list(data["lines"])}
    for path in sorted(EVAL_DOCS.glob("*.txt")) if EVAL_DOCS.is_dir() else []:
        script = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "es": "es"}[path.name.split("_")[0]]
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        pools[script]["titles"].append(lines[0])
        pools[script]["lines"].extend(lines[1:])
    return pools


def build_corpus(per_lang: int, seed: int = 8) -> dict[str, list[Path]]:
    """``per_lang`` documents per base language under ``CORPUS/<lang>/`` (the same ones for a seed)."""
    pools = source_lines()
    rng = random.Random(seed)
    corpus: dict[str, list[Path]] = {}
    for base, scripts in LANGS.items():
        folder = CORPUS / base
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(per_lang):
            path = folder / f"{base}-{i:05}.txt"
            paths.append(path)
            pool = pools[scripts[i % len(scripts)]]
            lines = [rng.choice(pool["titles"])]
            lines += rng.sample(pool["lines"], k=min(len(pool["lines"]), rng.randint(4, 24)))
            path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        corpus[base] = paths
    return corpus


# --------------------------------------------------------------------------- measurements

def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        pass
    import spacy

    from extractor.batch import available_cores

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {"cpu": cpu, "cores": str(available_cores()), "memory": memory,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "spacy": spacy.__version__, "load average at start": f"{load:.1f}"}


def in_process(corpus: dict[str, list[Path]], dates_sample: int) -> dict[str, dict]:
    """One core: extraction (stage by stage) vs ``make_doc`` vs ``search_dates`` per language."""
    import spacy

    results = {}
    for base, paths in corpus.items():
        texts = [p.read_text(encoding="utf-8") for p in paths]
        chars = sum(map(len, texts))
        for text in texts[:5]:
            extract_by_stage(text, {})  # warm-up: pipelines and lazy resources
        stages: dict[str, float] = {}
        for text in texts:
            extract_by_stage(text, stages)
        extract_s = sum(stages.values())
        nlp = (spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}}) if base == "zh"
               else spacy.blank("es"))
        started = time.perf_counter()
        for text in texts:
            nlp.make_doc(text)
        tokens_s = time.perf_counter() - started
        dates_docs_s, dates_chars_s = search_dates_rate(texts[:dates_sample], base)
        results[base] = {
            "documents": len(texts), "chars": chars,
            "extract_docs_s": len(texts) / extract_s, "extract_chars_s": chars / extract_s,
            "make_doc_docs_s": len(texts) / tokens_s, "make_doc_chars_s": chars / tokens_s,
            "search_dates_docs_s": dates_docs_s, "search_dates_chars_s": dates_chars_s,
            "stage_share": {name: seconds / extract_s for name, seconds in stages.items()},
        }
    return results


def extract_by_stage(text: str, stages: dict[str, float]) -> None:
    """What ``Extractor.extract`` does, adding the seconds of each step to ``stages``."""
    from extractor.normalize import normalize
    from extractor.pipeline import build_nlp
    from extractor.records import build_document

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - started
        started = now

    started = time.perf_counter()
    norm = normalize(text)
    lap("normalize")
    nlp = build_nlp(norm.base_lang)
    doc = nlp.make_doc(norm.text)
    doc._.norm = norm
    lap("make_doc")
    for name, component in nlp.pipeline:
        doc = component(doc)
        lap(name.replace("extractor_", ""))
    build_document(doc, source="bench.txt")
    lap("records")


def search_dates_rate(texts: list[str], base: str) -> tuple[float, float]:
    """``dateparser.search.search_dates`` throughput on ``texts`` (documents/s, chars/s)."""
    from dateparser.search import search_dates

    languages = ["zh"] if base == "zh" else ["es"]
    search_dates(texts[0][:200], languages=languages)  # warm-up: language data
    started = time.perf_counter()
    for text in texts:
        search_dates(text, languages=languages)
    elapsed = time.perf_counter() - started
    return len(texts) / elapsed, sum(map(len, texts)) / elapsed


class TreeMemory:
    """Samples the memory of a process and its children; ``peak`` in bytes (PSS sum, else RSS sum)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_single = 0
        self.kind = "PSS"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for proc in procs:
                try:
                    if self.kind == "PSS":
                        try:
                            used = proc.memory_full_info().pss
                        except (psutil.AccessDenied, AttributeError):
                            self.kind = "RSS"
                            used = proc.memory_info().rss
                    else:
                        used = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += used
                self.peak_single = max(self.peak_single, used)
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()


def run_batch_cli(inputs: list[Path], workers: int, chars: int) -> dict[str, float]:
    """``extractor batch`` in a subprocess: wall time (start-up included), rates and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        started = time.perf_counter()
        proc = subprocess.Popen([str(EXE), "batch", *map(str, inputs), "--out", str(out),
                                 "--workers", str(workers), "--no-progress"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            memory = TreeMemory(proc.pid)
        except ImportError:
            memory = None
        _, stderr = proc.communicate()
        wall = time.perf_counter() - started
        if memory:
            memory.stop()
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    documents = len(lines)
    return {
        "workers": workers, "documents": documents, "exit": proc.returncode, "wall_s": wall,
        "docs_s": documents / wall, "chars_s": chars / wall,
        "docs_s_per_core": documents / wall / workers, "chars_s_per_core": chars / wall / workers,
        "peak_mb": memory.peak / 2**20 if memory else float("nan"),
        "peak_single_mb": memory.peak_single / 2**20 if memory else float("nan"),
        "memory_kind": memory.kind if memory else "", "summary": stderr.strip().splitlines()[-1:] or [""],
    }


HOSTILE_SCRIPT = r"""
import json, sys, time
from extractor.normalize import normalize
from extractor.pipeline import build_nlp
from extractor.records import build_document
unit, lang, size = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
text = unit * max(1, size // len(unit.encode("utf-8")))
build_nlp("zh"); build_nlp("es")
started = t = time.perf_counter()
def done(stage):
    global t
    now = time.perf_counter()
    print(json.dumps({"stage": stage, "s": now - t}), flush=True)
    t = now
norm = normalize(text, lang); done("normalize")
nlp = build_nlp(norm.base_lang)
doc = nlp.make_doc(norm.text); doc._.norm = norm; done("make_doc")
for name, component in nlp.pipeline:
    doc = component(doc); done(name.replace("extractor_", ""))
build_document(doc); done("records")
print(json.dumps({"stage": "total", "s": time.perf_counter() - started, "chars": len(text)}), flush=True)
"""


def hostile(limit: float) -> dict[str, dict]:
    """Each adversarial input in its own process, stage by stage, killed after ``limit`` seconds."""
    results = {}
    for name, (unit, lang) in HOSTILE.items():
        proc = subprocess.Popen([sys.executable, "-c", HOSTILE_SCRIPT, unit, lang or "", str(HOSTILE_SIZE)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = proc.communicate(timeout=limit)
            timed_out = False
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            timed_out = True
        stages = {}
        total = None
        for line in stdout.splitlines():
            item = json.loads(line)
            if item["stage"] == "total":
                total = item["s"]
            else:
                stages[item["stage"]] = item["s"]
        failure = ""
        if timed_out:
            failure = f"over {limit:g}s"
        elif proc.returncode:
            failure = (stderr.strip().splitlines() or ["crashed"])[-1][:120]
        results[name] = {"total_s": total, "stages": stages, "failure": failure}
        shown = f"{total:.2f}s" if total is not None else failure
        print(f"  hostile {name}: {shown}", file=sys.stderr, flush=True)
    return results


def startup(samples: list[Path], runs: int = 5) -> dict[str, float]:
    """Median wall time of ``extractor extract FILE`` (start-up included)."""
    results = {}
    for sample in samples:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([str(EXE), "extract", str(sample)], stdout=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - started)
        results[sample.name] = statistics.median(times)
    return results


# --------------------------------------------------------------------------- report

def report(data: dict) -> str:
    """The Markdown report of ``data``."""
    out = ["## Benchmark", "", "Machine: " + ", ".join(f"{k} {v}" for k, v in data["machine"].items()), ""]
    corpus = data["corpus"]
    out += [f"Corpus: {corpus['documents']} documents ({corpus['zh']} Chinese, {corpus['es']} Spanish), "
            f"{corpus['chars'] / 1e6:.1f} M characters, recombined from the eval documents and "
            "benchmarks/paragraphs.yaml.", ""]
    out += ["### One core, in process", "",
            "| language | extractor docs/s | extractor chars/s | make_doc chars/s | ratio to make_doc "
            "| search_dates chars/s | ratio to search_dates |",
            "|---|---|---|---|---|---|---|"]
    for base, r in data["in_process"].items():
        out.append(f"| {base} | {r['extract_docs_s']:.0f} | {r['extract_chars_s'] / 1e3:.0f}k "
                   f"| {r['make_doc_chars_s'] / 1e3:.0f}k | {r['extract_chars_s'] / r['make_doc_chars_s']:.0%} "
                   f"| {r['search_dates_chars_s'] / 1e3:.1f}k "
                   f"| {r['extract_chars_s'] / r['search_dates_chars_s']:.1f}× |")
    stages = [s for s in STAGE_ORDER if s in data["in_process"][next(iter(data["in_process"]))]["stage_share"]]
    out += ["", "Share of the extraction time per step:", "", "| language | " + " | ".join(stages) + " |",
            "|---" * (len(stages) + 1) + "|"]
    for base, r in data["in_process"].items():
        out.append(f"| {base} | " + " | ".join(f"{r['stage_share'].get(s, 0):.0%}" for s in stages) + " |")
    out += ["", "### `extractor batch`, end to end (start-up included)", "",
            "| input | workers | documents | wall s | docs/s | docs/s per core | chars/s per core | peak memory |",
            "|---|---|---|---|---|---|---|---|"]
    for row in data["batch"]:
        out.append(f"| {row['input']} | {row['workers']} | {row['documents']} | {row['wall_s']:.1f} "
                   f"| {row['docs_s']:.0f} | {row['docs_s_per_core']:.0f} | {row['chars_s_per_core'] / 1e3:.0f}k "
                   f"| {row['peak_mb']:.0f} MB {row['memory_kind']} (largest process {row['peak_single_mb']:.0f} MB) |")
    if data.get("hostile"):
        seen = {s for r in data["hostile"].values() for s in r["stages"]}
        stages = [s for s in STAGE_ORDER if s in seen] + sorted(seen - set(STAGE_ORDER))
        out += ["", f"### Adversarial inputs (about {HOSTILE_SIZE / 1e6:g} MB each, one process each)", "",
                "| input | total s | " + " | ".join(stages) + " |", "|---" * (len(stages) + 2) + "|"]
        for name, r in data["hostile"].items():
            total = f"{r['total_s']:.2f}" if r["total_s"] is not None else r["failure"]
            cells = [f"{r['stages'][s]:.2f}" if s in r["stages"] else ("…" if r["failure"] else "")
                     for s in stages]
            out.append(f"| {name} | {total} | " + " | ".join(cells) + " |")
    out += ["", "### `extractor extract FILE` (median of 5, start-up included)", ""]
    out += [f"- {name}: {seconds:.2f} s" for name, seconds in data["startup"].items()]
    return "\n".join(out) + "\n"


def main() -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents per language (default 1000)")
    parser.add_argument("--dates-sample", type=int, default=40, help="documents given to search_dates")
    parser.add_argument("--hostile-limit", type=float, default=300, help="seconds per adversarial input")
    parser.add_argument("--skip-hostile", action="store_true")
    args = parser.parse_args()

    def step(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    data: dict = {"machine": machine()}
    step("building the corpus")
    corpus = build_corpus(args.docs)
    chars = {base: sum(len(p.read_text(encoding="utf-8")) for p in paths) for base, paths in corpus.items()}
    data["corpus"] = {"documents": sum(map(len, corpus.values())), "chars": sum(chars.values()),
                      **{base: len(paths) for base, paths in corpus.items()}}
    step("one core, in process")
    data["in_process"] = in_process(corpus, args.dates_sample)
    data["batch"] = []
    for base in corpus:
        for workers in (1, 2):
            step(f"batch {base} with {workers} worker(s)")
            data["batch"].append({"input": base, **run_batch_cli([CORPUS / base], workers, chars[base])})
    step("batch, whole corpus, 2 workers")
    data["batch"].append({"input": "zh + es", **run_batch_cli([CORPUS / b for b in corpus], 2, sum(chars.values()))})
    if not args.skip_hostile:
        step("adversarial inputs")
        data["hostile"] = hostile(args.hostile_limit)
    step("start-up")
    data["startup"] = startup(sorted((REPO / "samples").glob("*.txt")))
    text = report(data)
    CORPUS.mkdir(parents=True, exist_ok=True)
    (CORPUS / "results.md").write_text(text, encoding="utf-8")
    (CORPUS / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
