"""Check the built site (`_docs/`, from tools/build_docs.py) in a real browser.

Serves the repository on 127.0.0.1 and opens the site from its `_docs/` subfolder (so relative links
are tested away from the server root) in Debian's Chromium driven by Playwright (never a downloaded
browser). Every page must load with no console error or failed request and have its title, sidebar
and table of contents; every internal link and anchor must resolve; every notebook must have a page
and every exported symbol its `show_doc` signature; figures must be real images; search must find a
symbol and a chapter phrase; no notebook syntax may leak into the text. Beyond loading, each page is
read as a reader meets it: no Markdown link syntax, `__main__.` or progress-bar residue in the text,
no signature that lists fastai's event hooks, no words about our own issues, readable tables, meta
descriptions without Markdown, a contents list that marks the section being read; search results
must pass WCAG AA contrast and show math as text; at 390 px the opened sidebar's entries must be
tappable (not under the sticky header) and the page's contents list reachable, after the title. "Rate a few films" is
used as a reader uses it: rate films (one found by its title, one by a word of it), get a list, take a
rating back; each list must be the one `Recommender.add_user` + `recommend` give in Python for the same
ratings, and the page must work opened from the disk with every network request refused.
What a reader must not meet: an exported name missing from the reference page (against `_modidx`), a
local path, Python warning or stderr block in a page, anything but code wider than the text column at
1280 or 390 px, TeX in search snippets, a link to a repository file that does not exist or a Markdown
file the repository lacks, a heading that skips a level, an image without alt text, a control under
24 px at 390 px, a phone page whose contents list comes before its title or fills the first screen,
fastai's names without a link to docs.fast.ai. Screenshots of the home, reference, search, "Rate a few
films" and phone-sized pages go to ci-artifacts/screenshots/.
Prints one PASS/FAIL line per check and exits 1 on any failure.

    python tools/check_docs.py
"""
import functools, http.server, json, re, subprocess, sys, threading
from importlib import import_module
from pathlib import Path
from urllib.parse import urldefrag, urlparse
from playwright.sync_api import sync_playwright

root = Path(__file__).resolve().parent.parent
site = root/'_docs'
shots = root/'ci-artifacts'/'screenshots'
CHROMIUM = '/usr/bin/chromium'
FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']
# pages whose figures the chapter is about: page -> how many images it must show at least
FIGURES = {'data.html': 1, 'training.html': 1, 'dot_product.html': 1, 'weight_decay.html': 2,
           'interpretation.html': 2, 'bootstrapping.html': 1, 'deep_learning.html': 1}
LEAKS = ['#|', ':::', '{target=', 'output-file:', '<!-- WARNING', '](', '__main__.']
PROGRESS = re.compile(r'\d+\.\d+% \[\d+/\d+')  # a console progress bar's frame: '100.00% [5/5 00:09<00:00]'
ISSUE_WORDS = re.compile(r'\b(the|this|that) [\w-]+ issue\b', re.I)  # readers know pages and sections, not our issues
RAW_TEX = re.compile(r"\\(?:[a-zA-Z]*(?:alpha|beta|gamma|delta|epsilon|theta|kappa|lambda|mu|nu|tau|phi|psi|omega|sigma|Lambda|Sigma)|hat|bar|tilde|frac|sqrt|sum|prod|sim|in|le|ge|neq|approx|cdot|times|top|math[a-z]+|text|operatorname|lVert|rVert|lfloor|rfloor|dots|ldots|cdots|log|exp|bmod|quad|qquad|left|right|big|Big|leftarrow|rightarrow|infty)(?![a-zA-Z])|\\[,;!]|[_^]\{")  # TeX left in a search snippet (a Python escape such as \\n is not)
# what a reader must never see: a path of the machine that built the page, or a Python warning's stderr
LOCAL = re.compile(r'(/tmp/|/home/\w|/root/|/work/|/Users/|site-packages|\b[A-Z]:\\\\|\b\w+Warning: )')
results = []

def check(ok, what):
    results.append(bool(ok)); print(('PASS: ' if ok else 'FAIL: ') + what); return ok

def serve(folder):
    "A quiet static server for `folder` on a free port of 127.0.0.1, in a daemon thread"
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd

def page_name(nb):
    "The page Quarto makes for notebook `nb` (nbdev's rule: the numeric prefix goes)"
    return re.sub(r'^\d+[a-z]?_', '', nb.stem) + '.html'

def visit(page, url):
    "Open `url` and return what the checks need, with the console errors and failed requests seen on the way"
    errors = []
    page.on('console', lambda m: m.type == 'error' and errors.append(m.text))
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.on('requestfailed', lambda r: errors.append(f'{r.url} {r.failure}'))
    page.on('response', lambda r: r.status >= 400 and errors.append(f'{r.url} HTTP {r.status}'))
    page.goto(url, wait_until='load')
    page.wait_for_load_state('networkidle')
    info = page.evaluate('''() => ({
        title: document.title, h1: (document.querySelector('h1') || {}).textContent || '',
        sidebar: document.querySelectorAll('#quarto-sidebar a.sidebar-link').length,
        toc: document.querySelectorAll('#TOC a').length,
        ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
        images: Array.from(document.querySelectorAll('main img, #quarto-document-content img')).map(i => [i.complete, i.naturalWidth]),
        text: document.body.innerText,
        metas: Array.from(document.querySelectorAll('meta[content]')).filter(m => /description/.test(m.getAttribute('name') || m.getAttribute('property') || '')).map(m => m.content),
        favicon: !!document.querySelector('link[rel~="icon"]'),
        headings: Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6'))
            .filter(h => !h.closest('#TOC, #TOC-body, nav')).map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)]),
        noAlt: Array.from(document.querySelectorAll('main img')).filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src.split('/').pop().slice(0, 30)),
        stderr: document.querySelectorAll('.cell-output-stderr').length,
        mainText: (document.querySelector('main') || document.body).innerText,
        cellPadding: Array.from(document.querySelectorAll('table.dataframe td')).slice(0, 1).map(td => parseFloat(getComputedStyle(td).paddingLeft)),
        signatures: Array.from(document.querySelectorAll('h3[id], h4[id]')).map(h => {
            let n = h.nextElementSibling; while (n && !n.querySelector('pre') && n.tagName !== 'PRE') n = n.nextElementSibling;
            return [h.id, n ? n.textContent : ''];
        }),
    })''')
    info['errors'] = errors
    return info

def search(page, base, query):
    "Type `query` into the site's search box and return the hrefs of the results"
    page.goto(base + 'index.html')
    page.locator('.smalldocs-search input:visible').first.fill(query)
    page.wait_for_selector('.smalldocs-search-results a.search-result', timeout=5000)
    return page.eval_on_selector_all('.smalldocs-search-results a.search-result', 'els => els.map(e => e.href)')

# WCAG's contrast ratio of each shown search result's text (title, section, snippet) against the background it is drawn on
CONTRAST_JS = '''() => {
    const rgb = s => s.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
    const blend = (fg, back) => fg.length > 3 ? fg.slice(0, 3).map((c, i) => c * fg[3] + back[i] * (1 - fg[3])) : fg;
    return Array.from(document.querySelectorAll('.smalldocs-search-results .search-result *')).filter(e => e.childElementCount === 0 && e.textContent.trim()).map(e => {
        const back = bg(e), fore = blend(rgb(getComputedStyle(e).color), back);
        const [a, b] = [lum(fore), lum(back)].sort((x, y) => y - x);
        return [e.className, (a + 0.05) / (b + 0.05)];
    });
}'''

# Scroll each of the first sections' headings a third of the way down the window: the contents list must mark that section
SPY_JS = '''async () => {
    const links = Array.from(document.querySelectorAll('#TOC a.nav-link')).slice(1, 6), wrong = [];
    for (const a of links) {
        const h = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
        window.scrollTo({top: h.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.3, behavior: 'instant'});
        document.dispatchEvent(new Event('scroll'));
        await new Promise(r => setTimeout(r, 50));
        const on = document.querySelector('#TOC a.nav-link.active');
        if (on !== a) wrong.push([a.textContent.trim(), on ? on.textContent.trim() : null]);
    }
    return wrong;
}'''

PHONE_JS = '''() => {
    const links = Array.from(document.querySelectorAll('#quarto-sidebar a.sidebar-link')).slice(0, 6);
    const hidden = links.filter(a => { const r = a.getBoundingClientRect(); const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                                       return !(e && (a.contains(e) || e.contains(a))); }).map(a => a.textContent.trim());
    const shown = ['#TOC-body', '#TOC'].map(q => document.querySelector(q)).find(t => t && t.getBoundingClientRect().height > 0);
    const h1 = document.querySelector('main h1').getBoundingClientRect(), box = shown ? shown.getBoundingClientRect() : null;
    return {hidden, links: links.length, toc: shown ? shown.querySelectorAll('a').length : 0,
            titleFirst: !!box && h1.bottom <= box.top, tocHeight: box ? Math.round(box.height) : null};
}'''

# Everything the page's column holds must fit in it, at both widths: only code may be wider (a `pre` scrolls by itself).
# KaTeX's MathML copy is hidden from sight and its tall delimiters are SVG paths its spans clip: neither is measured.
WIDE_JS = '''() => {
    const main = document.querySelector('main.content'), col = main.getBoundingClientRect(), out = [];
    for (const e of main.querySelectorAll('*')) {
        if (e.closest('pre, .katex-mathml, .katex svg')) continue;
        const r = e.getBoundingClientRect();
        if (!r.width || (r.right <= col.right + 2 && r.left >= col.left - 2)) continue;  // 2 px: KaTeX's spacer spans hang over by a pixel
        if (out.some(o => o.el.contains(e))) continue;
        out.push({el: e, what: `${e.tagName.toLowerCase()} ${Math.round(r.width)} px: ${(e.textContent || '').trim().slice(0, 30)}`});
    }
    return {col: Math.round(col.width), wide: out.map(o => o.what)};
}'''

# Controls a finger must hit (WCAG 2.5.8): at least 24 by 24 px; links inside sentences are exempt, as WCAG exempts them
TAP_JS = '''() => Array.from(document.querySelectorAll('main button, main input, main select, main summary, main [role=button], #quarto-header button'))
    .filter(e => e.offsetParent !== null).map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.width < 24 || r.height < 24)
    .map(([e, r]) => `${e.tagName.toLowerCase()}${e.getAttribute('aria-label') ? ' ' + e.getAttribute('aria-label') : ''} ${Math.round(r.width)}x${Math.round(r.height)}`)'''

def widths(browser, base, pages):
    "{page: elements wider than the text column} at 1280 and at 390 px, and what cannot be tapped at 390 px"
    found = {}
    for width in (1280, 390):
        page = browser.new_page(viewport={'width': width, 'height': 900})
        for name in pages:
            page.goto(base + name, wait_until='load'); page.wait_for_load_state('networkidle')
            wide = page.evaluate(WIDE_JS)['wide']
            if wide: found.setdefault(f'{width} px', {})[name] = wide[:3]
            if width < 600:
                small = page.evaluate(TAP_JS)
                if small: found.setdefault('taps', {})[name] = small[:3]
        page.close()
    return found

def reference_gaps() -> tuple:
    "Exported names that the reference page leaves out, and whether its modules follow the sidebar (the chapter's order)"
    from collabnb._modidx import d
    html_ = (site/'reference.html').read_text()
    sections = re.split(r'<h2 id="(collabnb\.[\w.]+)"', html_)[1:]
    shown = {m: set(re.findall(r'<code>(\w+)</code>', body)) for m, body in zip(sections[::2], sections[1::2])}
    missing = [f'{m}.{n}' for m in d['syms'] for n in getattr(import_module(m), '__all__', []) if n not in shown.get(m, ())]
    order = list(shown)
    sidebar = re.findall(r'(\w+)\.ipynb', (root/'nbs'/'sidebar.yml').read_text())
    exports = {}
    for nb in sidebar:
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', (root/'nbs'/f'{nb}.ipynb').read_text())
        if m: exports.setdefault(f'collabnb.{m.group(1)}', len(exports))
    return missing, order == sorted(order, key=lambda m: exports.get(m, len(exports)))

def phone(browser, base, name):
    "Open `name` at 390 px wide (a screenshot of the whole page), open the sidebar: what the phone checks need"
    page = browser.new_page(viewport={'width': 390, 'height': 844})
    page.goto(base + name, wait_until='load'); page.wait_for_load_state('networkidle')
    shots.mkdir(parents=True, exist_ok=True); page.screenshot(path=str(shots/f"phone-{name.replace('.html', '.png')}"), full_page=True)
    page.locator('[aria-controls="quarto-sidebar"]').first.click()
    page.wait_for_timeout(500)
    res = page.evaluate(PHONE_JS)
    if name == 'data.html': page.screenshot(path=str(shots/'phone-sidebar.png'))
    page.close()
    return res

def rated_list(page):
    "The page's ratings ({item row: stars}) and its recommendations [(title, prediction)]"
    return page.evaluate('''() => ({
        ratings: Object.fromEntries(Array.from(document.querySelectorAll('.rate-choices li')).map(li =>
            [li.dataset.row, li.querySelectorAll('button.on').length]).filter(([r, n]) => n > 0)),
        list: Array.from(document.querySelectorAll('.rate-results li')).map(li =>
            [li.querySelector('.rate-title').textContent, parseFloat(li.querySelector('.rate-prediction').textContent)]),
    })''')

def rate(page, title, stars):
    "Click `stars` on `title` in the page's list of films, finding it by its title first if it is not offered"
    film = page.locator('.rate-choices li').filter(has=page.locator('.rate-title', has_text=title))
    if not film.count():
        page.fill('#rate-find', title); page.dispatch_event('#rate-find', 'change')
    film.first.locator(f'button[data-rating="{stars}"]').click()

@functools.cache
def page_recommender():
    "The page's model, as the build saved it"
    from collabnb.all import Recommender
    return Recommender.load(root/'_proc'/'rate_films.collabnb')

def same_list(shown:list, ratings:dict) -> tuple:
    "Whether the page's list `shown` is what Python recommends for its `ratings` ({page row: stars}); and Python's list"
    from copy import deepcopy
    rec = deepcopy(page_recommender())
    want = rec.add_user('you', {rec.items[int(r) + 1]: v for r, v in ratings.items()}).recommend('you')
    want = list(zip(want.title, want.prediction.round(3)))
    same = len(shown) == len(want) == 10 and all(t == w and abs(p - q) < 0.006 for (t, p), (w, q) in zip(shown, want))  # shown to 2 decimals
    return same, want

def check_rate_films(browser, base):
    "Use 'Rate a few films' from the server's subfolder, compare each list with Python's, then open it from the disk, offline"
    name = 'rate_films.html'
    page = browser.new_page(viewport={'width': 1280, 'height': 1000})
    errors = []
    page.on('console', lambda m: m.type == 'error' and errors.append(m.text)); page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto(base + name, wait_until='load'); page.wait_for_load_state('networkidle')
    steps = [('no rating', None, 0), ('a 5 for Star Wars', 'Star Wars (1977)', 5), ('a 1 for Scream', 'Scream (1996)', 1),
             ('a 4 found by title', 'Wallace & Gromit: The Best of Aardman Animation (1996)', 4), ('the 1 taken back', 'Scream (1996)', 1)]
    for what, title, stars in steps:
        if title: rate(page, title, stars)
        got = rated_list(page)
        same, want = same_list(got['list'], got['ratings'])
        check(same, f"{name}, {what}: the page recommends what Python does ({got['list'][:2]} vs {want[:2]})")
    check(len(rated_list(page)['ratings']) == 2, f'{name}: a second click on the same star takes the rating back')
    found = {}
    for typed in ('titanic', '', 'zzzz'):
        page.fill('#rate-find', typed); page.dispatch_event('#rate-find', 'change')
        found[typed] = (page.locator('.rate-choices li .rate-title').first.text_content(), page.eval_on_selector('#rate-find', 'e => e.validationMessage'))
    check(found['titanic'][0].startswith('Titanic') and not found[''][1] and 'zzzz' in found['zzzz'][1],
          f'{name}: a word of a title finds the film, an emptied box is no error, a word no title holds is named ({found})')
    scrolls = page.eval_on_selector('.rate-choices', 'e => getComputedStyle(e).overflowY')
    check(scrolls not in ('auto', 'scroll'), f'{name}: the films to rate are part of the page, not a box that scrolls inside it ({scrolls})')
    reasons = page.evaluate("() => Array.from(document.querySelectorAll('.rate-results .rate-because')).map(e => e.textContent)")
    check(len(reasons) == 10 and all(r.startswith('because you rated ') for r in reasons), f'{name}: each film says which of your films it comes from ({reasons[:2]})')
    ms = page.evaluate('''() => { const api = window.collabnbRate, m = api.loadModel(window.COLLABNB_RATE_MODEL), t = performance.now();
        for (let k = 0; k < 5; k++) api.recommend(m, {49: 5, 171: 5, 180: 4, 99: 2, 126: 1}, 10);
        return (performance.now() - t) / 5; }''')
    check(ms < 100, f'{name}: the list for five ratings is computed in {ms:.1f} ms (under 100 ms)')
    size = sum((site/f).stat().st_size for f in (name, 'rate_films_model.js', 'rate_films.js'))
    check(size < 2e6, f'{name}: the page, its script and its model weigh {size / 1e6:.2f} MB (under 2 MB)')
    page.locator('#rate-films').scroll_into_view_if_needed()
    shots.mkdir(parents=True, exist_ok=True); page.screenshot(path=str(shots/'rate_films.png'))
    check(not errors, f'{name}: no console error while rating ({errors[:3]})')
    page.close()
    offline = browser.new_context()
    refused = []
    offline.route('**/*', lambda route: route.continue_() if route.request.url.startswith('file:') else (refused.append(route.request.url), route.abort()))
    page = offline.new_page(); errors.clear()
    page.on('console', lambda m: m.type == 'error' and errors.append(m.text)); page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto((site/name).resolve().as_uri(), wait_until='load')
    rate(page, 'Star Wars (1977)', 5)
    got = rated_list(page)
    check(same_list(got['list'], got['ratings'])[0] and not errors,
          f'{name} opened from the disk, offline: rates and recommends with no console error ({errors[:3]}; {len(refused)} requests refused)')
    offline.close()

def main():
    if not check(site.is_dir(), f'{site} exists (run python tools/build_docs.py)'): return 1
    httpd = serve(root)
    base = f'http://127.0.0.1:{httpd.server_port}/_docs/'
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    tracked = subprocess.run(['git', 'ls-files'], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    tracked_md = {Path(f).name for f in tracked if f.endswith('.md')}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        info = {}
        for name in pages:
            page = browser.new_page()
            info[name] = visit(page, base + name)
            i = info[name]
            check(not i['errors'], f'{name}: loads with no console error ({i["errors"][:3]})')
            check(i['title'].strip() and i['h1'].strip(), f'{name}: has a title ({i["title"]!r})')
            check(i['sidebar'] >= len(pages), f'{name}: has the sidebar ({i["sidebar"]} links)')
            check(i['toc'] > 0, f'{name}: has a table of contents ({i["toc"]} entries)')
            imgs = i['images']
            check(all(c and w > 0 for c, w in imgs) and len(imgs) >= FIGURES.get(name, 0),
                  f'{name}: {len(imgs)} images, all loaded (needs {FIGURES.get(name, 0)})')
            leaks = [l for l in LEAKS if l in i['text']]
            check(not leaks, f'{name}: no notebook syntax in the text ({leaks})')
            bars, words = PROGRESS.findall(i['text']), ISSUE_WORDS.findall(i['text'])
            check(not bars and not words, f'{name}: no progress-bar residue or words about our issues ({bars[:2]}, {words[:2]})')
            hooks = [s for s, sig in i['signatures'] if 'before_fit=' in sig or 'after_create=' in sig]
            check(not hooks, f"{name}: no signature lists fastai's event hooks ({hooks[:3]})")
            check(not any('`' in m for m in i['metas']) and i['favicon'], f'{name}: meta descriptions without Markdown, and a favicon')
            check(all(p >= 4 for p in i['cellPadding']), f'{name}: table cells have room ({i["cellPadding"]} px)')
            levels = [lvl for lvl, _ in i['headings']]
            skips = [f'h{a} -> h{b} {t!r}' for a, (b, t) in zip(levels, i['headings'][1:]) if b > a + 1]
            check(not skips, f'{name}: no heading skips a level ({skips[:3]})')
            check(not i['noAlt'], f'{name}: every image has alt text ({i["noAlt"][:3]})')
            local = sorted(set(LOCAL.findall(i['mainText'])))
            check(not local and not i['stderr'], f'{name}: no local path, warning or stderr output ({local[:3]}, {i["stderr"]} stderr blocks)')
            md = sorted({f for f in re.findall(r'[\w./-]*\w\.md\b', i['mainText']) if f.split('/')[-1] not in tracked_md})
            check(not md, f'{name}: names no Markdown file that the repository lacks ({md[:3]})')
            if name in ('index.html', 'data.html', 'interpretation.html', 'reference.html'):
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots/name.replace('.html', '.png')), full_page=False)
            page.close()

        broken = []
        for name, i in info.items():
            for link in i['links']:
                url, frag = urldefrag(link)
                if urlparse(url).netloc != f'127.0.0.1:{httpd.server_port}': continue
                target = urlparse(url).path.removeprefix('/_docs/') or 'index.html'
                if target.endswith('/'): target += 'index.html'
                if target.endswith('.html') and target not in info: broken.append(f'{name} -> {link}')
                elif not target.endswith('.html') and not (site/target).exists(): broken.append(f'{name} -> {link}')
                elif frag and target in info and frag not in info[target]['ids']: broken.append(f'{name} -> {link}')
        check(not broken, f'every internal link and anchor resolves ({len(broken)} broken: {broken[:5]})')
        from nbdev.config import get_config
        blob = re.compile(re.escape(get_config().git_url.rstrip('/')) + r'/(?:blob|tree)/[^/]+/([^#?]+)')
        absent = sorted({f'{name} -> {m.group(1)}' for name, i in info.items() for link in i['links']
                         if (m := blob.match(link)) and not any(f == m.group(1) or f.startswith(m.group(1).rstrip('/') + '/') for f in tracked)})
        check(not absent, f'every link into the repository names a file it holds ({len(absent)}: {absent[:3]})')
        fastai = {'collab_learner', 'embeddingdotbias', 'collabdataloaders'}
        linked = {l.rsplit('#', 1)[-1] for i in info.values() for l in i['links'] if l.startswith('https://docs.fast.ai/')}
        home_text = info['index.html']['mainText']
        check(fastai <= linked and -1 < home_text.find('collab_learner(') < home_text.find('The notebooks'),
              f"fastai's names link to docs.fast.ai ({sorted(fastai - linked)} unlinked), and the home page shows the fastai recipe early")
        missing, ordered = reference_gaps()
        check(not missing and ordered, f"reference.html lists every exported name ({len(missing)} missing: {missing[:4]}), modules in the sidebar's order ({ordered})")
        too_wide = widths(browser, base, pages)
        for where in ('1280 px', '390 px'):
            check(not too_wide.get(where), f'at {where} nothing but code is wider than the text column ({len(too_wide.get(where, {}))} pages: {list(too_wide.get(where, {}).items())[:3]})')
        check(not too_wide.get('taps'), f"at 390 px every control is at least 24 px square ({list(too_wide.get('taps', {}).items())[:3]})")

        site_url = (get_config().doc_host + get_config().doc_baseurl).rstrip('/') + '/'
        locs = re.findall(r'<loc>(.*?)</loc>', (site/'sitemap.xml').read_text())
        bad_locs = [l for l in locs if not l.startswith(site_url) or l.removeprefix(site_url) not in info]
        check(locs and not bad_locs, f'sitemap.xml: {len(locs)} absolute addresses of real pages ({bad_locs[:3]})')

        nbs = sorted(p for p in (root/'nbs').rglob('*.ipynb') if not p.name.startswith('_') and '.ipynb_checkpoints' not in p.parts)
        missing = [p.name for p in nbs if page_name(p) not in info]
        check(not missing, f'every notebook has a page ({len(nbs)} notebooks; missing {missing})')
        home = {urlparse(l).path.rsplit('/', 1)[-1] for l in info['index.html']['links']}
        unlinked = [page_name(p) for p in nbs if page_name(p) not in home]
        check(not unlinked, f"the home page links every notebook's page ({unlinked[:5]})")

        from collabnb._modidx import d
        no_sig = []
        documented = [(m, n, syms[f'{m}.{n}'][0]) for m, syms in d['syms'].items() for n in import_module(m).__all__
                      if f'{m}.{n}' in syms]  # nbdev indexes functions and classes; constants such as KINDS have no signature
        for mod_name, name, url in documented:
            page_, _, anchor = url.partition('#')
            sigs = dict(info.get(page_, {}).get('signatures', []))
            if not re.search(rf'\b{re.escape(name)}\s*\(', sigs.get(anchor, '')): no_sig.append(f'{name} ({page_}#{anchor})')
        n_syms = len(documented)
        check(not no_sig, f'every exported symbol ({n_syms}) has its show_doc signature ({no_sig[:5]})')

        page = browser.new_page()
        for query, expect in (('DotProductBias', 'dot_product.html'), ('weight decay', 'weight_decay.html')):
            hits = search(page, base, query)
            check(any(expect in h for h in hits), f'search {query!r} finds {expect} ({len(hits)} results)')
            low = [(c, round(r, 2)) for c, r in page.evaluate(CONTRAST_JS) if r < 4.5]
            check(not low, f'search {query!r}: every result line meets WCAG AA contrast (4.5:1) ({low[:3]})')
            if query == 'weight decay': page.screenshot(path=str(shots/'search.png'))
        for query, expect in (('fold', 'fold_in.html'), ('rate films', 'rate_films.html')):
            hits = search(page, base, query)
            check(hits and expect in hits[0], f'search {query!r}: the first result is on {expect} ({[h.rsplit("/", 1)[-1] for h in hits[:3]]})')
        tex = [e['href'] for e in json.loads((site/'search.json').read_text()) if RAW_TEX.search(e.get('text', ''))]
        check(not tex, f'search snippets show math as text, not LaTeX ({tex[:3]})')
        for name in ('data.html', 'fitting.html'):
            page.goto(base + name, wait_until='load'); page.wait_for_load_state('networkidle')
            wrong = page.evaluate(SPY_JS)
            check(not wrong, f'{name}: the contents list marks the section being read ({wrong[:3]})')
        check_rate_films(browser, base)
        for name in ('index.html', 'data.html', 'recommender.html', 'benchmark.html', 'rate_films.html'):
            p = phone(browser, base, name)
            check(not p['hidden'] and p['links'] and p['toc'] > 0,
                  f"{name} at 390 px: sidebar entries tappable (hidden: {p['hidden']}), contents list reachable ({p['toc']} entries)")
            check(p['titleFirst'] and p['tocHeight'] < 200,
                  f"{name} at 390 px: the title comes first, then the contents list, folded to {p['tocHeight']} px (under 200)")
        browser.close()
    httpd.shutdown()
    print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
    return 0 if all(results) else 1

if __name__ == '__main__': sys.exit(main())
