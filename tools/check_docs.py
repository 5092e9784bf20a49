"""Check the built site (`_docs/`, from tools/build_docs.py) in a real browser.

Serves the repository on 127.0.0.1 and opens the site from its `_docs/` subfolder (so relative links
are tested away from the server root) in Debian's Chromium driven by Playwright (never a downloaded
browser). Every page must load with no console error or failed request and have its title, sidebar
and table of contents; every internal link and anchor must resolve; every notebook must have a page
and every exported symbol its `show_doc` signature; figures must be real images; search must find a
symbol and a chapter phrase; no notebook syntax may leak into the text. Screenshots of three pages
go to ci-artifacts/screenshots/. Prints one PASS/FAIL line per check and exits 1 on any failure.

    python tools/check_docs.py
"""
import functools, http.server, json, re, sys, threading
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
LEAKS = ['#|', ':::', '{target=', 'output-file:', '<!-- WARNING']
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
    # the browser's own request for /favicon.ico (the site sets none) is not a page error
    page.on('console', lambda m: m.type == 'error' and 'favicon.ico' not in (m.location or {}).get('url', '') and errors.append(m.text))
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.on('requestfailed', lambda r: errors.append(f'{r.url} {r.failure}'))
    page.on('response', lambda r: r.status >= 400 and not r.url.endswith('/favicon.ico') and errors.append(f'{r.url} HTTP {r.status}'))
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

def main():
    if not check(site.is_dir(), f'{site} exists (run python tools/build_docs.py)'): return 1
    httpd = serve(root)
    base = f'http://127.0.0.1:{httpd.server_port}/_docs/'
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
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
            if name in ('index.html', 'data.html', 'interpretation.html'):
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
        site_url = (get_config().doc_host + get_config().doc_baseurl).rstrip('/') + '/'
        locs = re.findall(r'<loc>(.*?)</loc>', (site/'sitemap.xml').read_text())
        bad_locs = [l for l in locs if not l.startswith(site_url) or l.removeprefix(site_url) not in info]
        check(locs and not bad_locs, f'sitemap.xml: {len(locs)} absolute addresses of real pages ({bad_locs[:3]})')

        nbs = sorted(p for p in (root/'nbs').rglob('*.ipynb') if not p.name.startswith('_') and '.ipynb_checkpoints' not in p.parts)
        missing = [p.name for p in nbs if page_name(p) not in info]
        check(not missing, f'every notebook has a page ({len(nbs)} notebooks; missing {missing})')

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
        browser.close()
    httpd.shutdown()
    print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
    return 0 if all(results) else 1

if __name__ == '__main__': sys.exit(main())
