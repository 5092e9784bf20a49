"""Write README.md from nbs/index.ipynb (nbdev-readme needs Quarto, which CI machines lack).

Markdown cells are copied as they are; the title cell's `> subtitle` line stays a quote, and links to
pages of the site (`(data.html)`) point to the published site, since the README is read on GitHub.
`python tools/readme.py --check` fails if README.md differs from what would be written.
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path=root/'nbs'/'index.ipynb'):
    cells = json.loads(nb_path.read_text())['cells']
    parts = []
    for c in cells:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(src if c['cell_type'] == 'markdown' else f'```python\n{src}\n```')
    return re.sub(r'\]\(([\w-]+\.html(?:#[\w-]*)?)\)', rf'](https://collabnb.github.io/collabnb/\1)', '\n\n'.join(parts) + '\n')

if __name__ == '__main__':
    text, readme = render(), root/'README.md'
    if '--check' in sys.argv:
        if readme.read_text() != text: sys.exit('README.md is out of date with nbs/index.ipynb: run python tools/readme.py')
        print('README.md matches nbs/index.ipynb')
    else:
        readme.write_text(text)
        print(f'wrote {readme}')
