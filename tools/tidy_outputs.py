"""Make saved notebook outputs read as a terminal (or Jupyter) shows them at the end of a run.

`nbdev-test --save` runs notebooks outside Jupyter, so fastprogress draws its bars as console text
redrawn with carriage returns: hundreds of KB per training run. This keeps, for each stream output,
only what a terminal would show once the run is over (the epoch table, without the bar's last frame), and drops the warnings that
libraries print to stderr (deprecations inside torch and fastai, which say nothing about the notebook).
Figures stay at the size a reader sees when running the notebook; their saved PNGs are stored with a
256-colour palette (a plot has few colours), about a third of the bytes.

    python tools/tidy_outputs.py            # rewrite nbs/**/*.ipynb in place
    python tools/tidy_outputs.py --check    # exit 1 if some output still holds carriage returns or a full-colour PNG
"""
import base64, io, json, re, sys
from pathlib import Path
from PIL import Image

def terminal_text(text):
    "What a terminal shows after printing `text`: '\\r' moves back to the line start, later text overwrites"
    lines = []
    for raw in text.split('\n'):
        buf, pos = [], 0
        for ch in raw:
            if ch == '\r': pos = 0; continue
            if pos < len(buf): buf[pos] = ch
            else: buf.append(ch)
            pos += 1
        line = ''.join(buf).replace('\u2588', '').rstrip()
        if line and not _bar.search(line): lines.append(line)
    return '\n'.join(lines) + ('\n' if lines else '')

_bar = re.compile(r'\|\| *\d+\.\d+% \[\d+/\d+ ')  # the last frame of a console progress bar: '|| 100.00% [5/5 00:09<00:00]'
_warning = re.compile(r'^\S.*:\d+: \w*Warning: ')
_torch_log = re.compile(r'^[WIE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+\] ')  # PyTorch's C++ log lines

def without_warnings(text):
    "`text` less each Python warning (its `file:line: XWarning: message` line and the indented source line after it) and PyTorch log line"
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if _torch_log.match(line): continue
        if _warning.match(line): skipping = True; continue
        if skipping and line.startswith(' '): continue
        skipping = False; out.append(line)
    return ''.join(out)

def palette_png(data:str) -> str:
    "A base64 PNG stored with a 256-colour palette (unchanged if it already has one)"
    img = Image.open(io.BytesIO(base64.b64decode(data)))
    if img.mode == 'P': return data
    buf = io.BytesIO()
    img.convert('RGBA').quantize(256, method=Image.Quantize.FASTOCTREE).save(buf, 'PNG', optimize=True)
    return base64.b64encode(buf.getvalue()).decode() + '\n'

def tidy(nb):
    changed = False
    for cell in nb['cells']:
        for out in cell.get('outputs', []):
            png = out.get('data', {}).get('image/png')
            if png is not None:
                new = palette_png(''.join(png) if isinstance(png, list) else png)
                if new != png: out['data']['image/png'] = new; changed = True
            if out.get('output_type') == 'stream':
                text = ''.join(out['text'])
                new = terminal_text(text)
                if out.get('name') == 'stderr': new = without_warnings(new)
                if new != text:
                    out['text'] = new.splitlines(keepends=True); changed = True
        if cell.get('outputs'): cell['outputs'] = [o for o in cell['outputs'] if o.get('output_type') != 'stream' or o['text']]
    return changed

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent/'nbs'
    dirty = []
    for p in sorted(root.rglob('*.ipynb')):
        nb = json.loads(p.read_text())
        if tidy(nb):
            dirty.append(p.name)
            if '--check' not in sys.argv: p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    if '--check' in sys.argv and dirty: sys.exit(f'progress-bar redraws or full-colour figures saved in {dirty}: run python tools/tidy_outputs.py')
    print('tidied: ' + (', '.join(dirty) or 'nothing'))
