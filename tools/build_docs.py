"""Build the documentation site into `_docs/` without Quarto.

Where Quarto is installed, `nbdev-docs` (or `nbdev-preview`) builds and serves the site. Where it is
not (CI machines, offline laptops), this script does the same two steps with pure-Python tools:

1. nbdev's own notebook processing (what `nbdev-docs` runs before Quarto): `show_doc` cells,
   backtick links, front matter, into `_proc/`;
2. `smalldocs render`, which renders a Quarto website from the same `_quarto.yml`.

Then it finishes what smalldocs leaves to Quarto: pages are renamed as Quarto names them (each
notebook's `output-file`, e.g. `00_data.ipynb` -> `data.html`), links to the published site become
relative (the site works from any folder), KaTeX, which smalldocs loads from a CDN, is copied in
(fetched from the npm registry on the first build and cached), and the theme's Google Fonts import
is dropped, so that pages load offline.
The reference page's table is made afresh from the package (its saved output can be older than the code).
Four things a reader would otherwise see are mended on the way: signatures of classes that a
notebook defines name them as the package does (not `__main__.Recommender`), search snippets show
math as text (`μ + b_u`, not `\\mu + b_u`), page descriptions in the `<meta>` tags lose their
Markdown backticks, and the contents list marks the section being read (smalldocs marks a section
only once its heading has scrolled up under the header, so a reader looking at a section's first
lines saw the previous one marked).

The "Rate a few films" page needs its model beside it: the page's recommender is trained on MovieLens
100K (`rate_films_recommender`, a few seconds) and written as `rate_films_model.js` into the processed
notebooks, which `_quarto.yml` lists as a resource of the site. The trained model is also saved as
`_proc/rate_films.collabnb`, for tools/check_docs.py to compare the page with Python.

    python tools/build_docs.py
"""
import json, os, re, shutil, subprocess, sys, tarfile, tempfile
from pathlib import Path

root = Path(__file__).resolve().parent.parent
KATEX_CDN = 'https://cdn.jsdelivr.net/npm/katex@0.16.11/dist'
# smalldocs warns about what it leaves to Quarto: output-file (pages are renamed below, which also mends
# the links it reports as broken: tools/check_docs.py checks every link of the final site), nbdev's format-links,
# and the Markdown output that only Quarto makes
_expected = re.compile(r'output-file is not read by smalldocs|unknown key format-links|broken link'
                       r'|format commonmark is not built|keep-md is ignored')

def process_notebooks() -> Path:
    "Run nbdev's notebook processing into `_proc/` (no Quarto install attempted) and return that folder"
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.doclinks import _build_modidx
    from nbdev.serve import proc_nbs
    os.chdir(root)
    refresh_quarto_yml()
    _build_modidx()
    shutil.rmtree(root/'_proc', ignore_errors=True)
    proc = Path(proc_nbs(get_config().nbs_path))
    for nb in proc.rglob('*.ipynb'):  # show_doc ran in the notebook, where the classes it defines live in __main__
        nb.write_text(nb.read_text().replace('__main__.', ''))
    refresh_reference(proc/'reference.ipynb')
    return proc

def refresh_reference(nb_path:Path):
    "Put the reference page's table, as the package exports it now, in place of its saved output (which can be older than the code)"
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb['cells'] if 'def api_table' in ''.join(c['source']))
    ns, here = {}, os.getcwd()
    os.chdir(root/'nbs')  # the cell reads the sidebar and the notebooks from there
    try: exec(''.join(cell['source']), ns); table = ns['api_table']()
    finally: os.chdir(here)
    cell['outputs'] = [{'output_type': 'execute_result', 'execution_count': 1, 'metadata': {},
                        'data': {'text/markdown': table, 'text/plain': '<IPython.core.display.Markdown object>'}}]
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False))

def write_page_model(proc:Path):
    "Train the model of the 'Rate a few films' page and write it beside the page (and, for the checks, as a model file)"
    from collabnb.rate_films import rate_films_recommender, write_browser_model
    rec = rate_films_recommender()
    write_browser_model(rec, proc/'rate_films_model.js')
    rec.save(proc/'rate_films.collabnb')

def render(proc:Path, dest:Path):
    "smalldocs render of `proc` moved to `dest`; fails on any warning other than the expected ones"
    smalldocs = [sys.executable, '-c', 'import sys; from smalldocs.cli import main; sys.argv[0] = "smalldocs"; sys.exit(main())']
    res = subprocess.run([*smalldocs, 'render', str(proc)], capture_output=True, text=True)  # this Python's smalldocs: no venv needs activating
    sys.stdout.write(res.stdout + ''.join(l + '\n' for l in res.stderr.splitlines() if not l.startswith('warning:')))
    unexpected = [l for l in res.stderr.splitlines() if l.startswith('warning:') and not _expected.search(l)]
    if res.returncode or unexpected: sys.exit('smalldocs render failed:\n' + '\n'.join(unexpected or [res.stderr]))
    shutil.rmtree(dest, ignore_errors=True)
    shutil.move(str(proc/'_docs'), str(dest))

def output_files(proc:Path) -> dict:
    "{smalldocs page name: Quarto page name} from each processed notebook's `output-file`"
    names = {}
    for nb in proc.rglob('*.ipynb'):
        front = ''.join(json.loads(nb.read_text())['cells'][0]['source'])
        m = re.search(r'^output-file:\s*(\S+)', front, re.M)
        if m: names[nb.relative_to(proc).with_suffix('.html').as_posix()] = (nb.parent.relative_to(proc)/m.group(1)).as_posix()
    return names

def fetch_katex(dest:Path):
    "Copy KaTeX's `dist/` (CSS, JS, fonts) into `dest`, from the npm registry the first time, then from a cache in the user's cache folder"
    version = re.search(r'katex@([\d.]+)', KATEX_CDN).group(1)
    cache = Path(os.environ.get('XDG_CACHE_HOME', Path.home()/'.cache'))/'collabnb'/f'katex-{version}'
    if not cache.is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(['npm', 'pack', f'katex@{version}', '--silent', '--pack-destination', tmp],
                           check=True, capture_output=True)
            with tarfile.open(next(Path(tmp).glob('katex-*.tgz'))) as tgz: tgz.extractall(tmp, filter='data')
            shutil.copytree(Path(tmp)/'package'/'dist', Path(tmp)/'dist')
            cache.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(tmp)/'dist', cache)
    shutil.copytree(cache, dest)

_SYMBOLS = {'mu': 'μ', 'sigma': 'σ', 'lambda': 'λ', 'eta': 'η', 'alpha': 'α', 'beta': 'β', 'gamma': 'γ', 'delta': 'δ',
            'epsilon': 'ε', 'varepsilon': 'ε', 'theta': 'θ', 'kappa': 'κ', 'nu': 'ν', 'tau': 'τ', 'phi': 'φ', 'psi': 'ψ', 'omega': 'ω',
            'Lambda': 'Λ', 'Sigma': 'Σ', 'Delta': 'Δ', 'approx': '≈', 'cdot': '·', 'top': 'ᵀ', 'sum': 'Σ', 'prod': 'Π', 'times': '×',
            'le': '≤', 'leq': '≤', 'ge': '≥', 'geq': '≥', 'neq': '≠', 'in': '∈', 'sim': '~', 'lVert': '‖', 'rVert': '‖', 'lfloor': '⌊',
            'rfloor': '⌋', 'dots': '…', 'ldots': '…', 'cdots': '⋯', 'leftarrow': '←', 'rightarrow': '→', 'infty': '∞', 'bmod': 'mod',
            'log': 'log', 'exp': 'exp', 'min': 'min', 'max': 'max', 'quad': ' ', 'qquad': ' ', 'left': '', 'right': '', 'big': '',
            'Big': '', 'bigl': '', 'bigr': ''}
_ACCENTS = {'hat': '\u0302', 'bar': '\u0304', 'tilde': '\u0303'}
_symbol_re = re.compile(r'\\(' + '|'.join(sorted(_SYMBOLS, key=len, reverse=True)) + r')(?![a-zA-Z])')

def plain_math(text:str) -> str:
    "TeX in `text` as the characters it stands for, for search snippets (`\\hat r_{ui}` -> `r̂_ui`, `\\theta \\sim \\mathcal N` -> `θ ~ N`)"
    text = re.sub(r'\\(' + '|'.join(_ACCENTS) + r')\s*\{?([A-Za-z])\}?', lambda m: m.group(2) + _ACCENTS[m.group(1)], text)
    text = re.sub(r'\\(?:mathcal|mathrm|mathbf|text|operatorname)\s*(?:\{([^{}]*)\}|([A-Za-z]))', lambda m: m.group(1) or m.group(2), text)
    text = _symbol_re.sub(lambda m: _SYMBOLS[m.group(1)], text)
    text = re.sub(r'\\[,;! ]', ' ', text)
    for _ in range(3):  # innermost groups first: r_{ui} inside \frac{...}{...}
        text = re.sub(r'([_^])\{([^{}]*)\}', lambda m: m.group(1) + (m.group(2) if re.fullmatch(r'[\w,.+\-−′ᵀ]*|[(\[].*[)\]]ᵀ?', m.group(2)) else f'({m.group(2)})'), text)
        text = re.sub(r'\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}', r'(\1)/(\2)', text)
    text = re.sub(r'\\frac\s*(\w)\s*(\w)', r'\1/\2', text)
    return re.sub(r'\\sqrt\s*(?:\{([^{}]*)\}|(\w))', lambda m: f'√({m.group(1)})' if m.group(1) else f'√{m.group(2)}', text)

def finish(site:Path, renames:dict, site_url:str):
    "Rename pages as Quarto would, make links to `site_url` relative (the sitemap keeps it), serve KaTeX locally"
    for old, new in renames.items(): (site/old).rename(site/new)
    names = '|'.join(map(re.escape, renames))
    base = site_url.rstrip('/') + '/'
    page_re = re.compile(rf'(?<![\w./-])({names})(?=[#"\'?])')
    uses_katex = False
    for f in [*site.rglob('*.html'), site/'search.json']:
        if not f.exists(): continue
        text = page_re.sub(lambda m: renames[m.group(1)], f.read_text())
        up = '../' * (len(f.relative_to(site).parts) - 1)
        text = text.replace(base, up)
        if KATEX_CDN in text: uses_katex = True; text = text.replace(KATEX_CDN, f'{up}site_libs/katex')
        if f.name == 'search.json':
            # the reference page repeats every symbol's summary: searched, it would outrank the page that explains the symbol
            entries = [e for e in json.loads(text) if not e['href'].startswith('reference.html#')]
            for e in entries: e['text'] = plain_math(e.get('text', ''))
            text = json.dumps(entries, ensure_ascii=False)
        else: text = re.sub(r'(<meta [^>]*content=")([^"]*)', lambda m: m.group(1) + m.group(2).replace('`', ''), text)
        f.write_text(text)
    sitemap = site/'sitemap.xml'  # search engines need absolute addresses: the published site's
    if sitemap.exists():
        loc_re = re.compile(rf'<loc>(?:{re.escape(base)})?({names})</loc>')
        sitemap.write_text(loc_re.sub(lambda m: f'<loc>{base}{renames[m.group(1)]}</loc>', sitemap.read_text()))
    if uses_katex: fetch_katex(site/'site_libs'/'katex')
    js = site/'site_libs'/'smalldocs.js'
    spy = 'const top = (header ? header.offsetHeight : 0) + 24;'
    if spy not in js.read_text(): sys.exit(f'{js}: the contents-list code changed; update the patch in tools/build_docs.py')
    js.write_text(js.read_text().replace(spy, 'const top = Math.max((header ? header.offsetHeight : 0) + 24, window.innerHeight / 3);'))
    for css in (site/'site_libs').rglob('*.css'):  # Bootswatch themes import Google Fonts; offline, fall back to system fonts
        css.write_text(re.sub(r'@import url\((["\']?)https?://[^)]*\1\);?', '', css.read_text()))

if __name__ == '__main__':
    from nbdev.config import get_config
    proc = process_notebooks()
    write_page_model(proc)
    site = root/'_docs'
    render(proc, site)
    finish(site, output_files(proc), get_config().doc_host + get_config().doc_baseurl)
    print(f'site in {site}: ' + ', '.join(sorted(p.name for p in site.glob('*.html'))))
