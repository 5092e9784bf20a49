"""Check the shape of the collabnb package from its imports (run from the repository root):

    python tools/check_layers.py

- no import cycle between collabnb modules;
- the product never imports the chapter's teaching modules (the chapter may import the product);
  it may build on the chapter's data readers and model classes, which it reuses rather than copies;
- no private name (`_x`) is imported from another collabnb module;
- no module patches (`@patch`) a class defined in another module: importing a class from its own
  module gives all of its methods, whatever else was imported;
- every module is named like its notebook (`nbs/NN_name.ipynb` -> `collabnb/name.py`).
Prints one PASS/FAIL line per check and exits 1 if any failed.
"""
import ast, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
package = root/'collabnb'
# The chapter's notebooks 00-08; of them the product may use the data readers and the two model classes.
CHAPTER = {'data', 'latent_factors', 'training', 'dot_product', 'weight_decay', 'create_params', 'interpretation',
           'bootstrapping', 'deep_learning', 'questionnaire'}
REUSED = {'data', 'dot_product', 'deep_learning'}
# `collabnb chapter` runs the chapter itself, so the command line may call its code; `all` imports everything.
MAY_IMPORT_CHAPTER = {'cli', 'all'}

def imports(path:Path) -> list:
    "(module imported from collabnb, names imported) for each import statement of `path`"
    res = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level == 1: mod = f'collabnb.{mod}' if mod else 'collabnb'
            if mod.startswith('collabnb'): res.append((mod, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            res += [(a.name, []) for a in node.names if a.name.startswith('collabnb')]
    return res

def graph() -> dict:
    "{module: {modules it imports}}; `from collabnb import x` counts as importing module x"
    modules = {p.stem for p in package.glob('*.py') if not p.stem.startswith('_')}
    g = {}
    for m in modules:
        deps = set()
        for mod, names in imports(package/f'{m}.py'):
            if mod == 'collabnb': deps |= {n for n in names if n in modules}
            elif mod.split('.')[1] in modules: deps.add(mod.split('.')[1])
        g[m] = deps - {m}
    return g

def foreign_patches(path:Path) -> list:
    "'module: function on Class' for each `@patch` function of `path` whose class is not defined in `path`"
    tree = ast.parse(path.read_text())
    defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    res = []
    for f in ast.walk(tree):
        if not isinstance(f, ast.FunctionDef) or not f.args.args: continue
        names = [d.func.id if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) else getattr(d, 'id', None) for d in f.decorator_list]
        ann = f.args.args[0].annotation
        if 'patch' in names and isinstance(ann, ast.Name) and ann.id not in defined: res.append(f'{path.stem}: {f.name} on {ann.id}')
    return res

def cycle(g:dict):
    "One import cycle of `g` as a list of modules, or None"
    state, stack = {}, []
    def visit(m):
        state[m] = 'open'; stack.append(m)
        for d in sorted(g.get(m, ())):
            if state.get(d) == 'open': return stack[stack.index(d):] + [d]
            if d not in state and (found := visit(d)): return found
        state[m] = 'done'; stack.pop()
    for m in sorted(g):
        if m not in state and (found := visit(m)): return found

def main() -> int:
    g, failed = graph(), 0
    def report(ok, what, detail=''):
        nonlocal failed
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {what}{'' if ok else ': ' + detail}")
    found = cycle(g)
    report(found is None, 'no import cycle between collabnb modules', ' -> '.join(found or []))
    bad = [f'{m} -> {d}' for m, deps in sorted(g.items()) if m not in CHAPTER | MAY_IMPORT_CHAPTER
           for d in sorted(deps) if d in CHAPTER - REUSED]
    report(not bad, "the product imports no chapter-teaching module", ', '.join(bad))
    private = [f"{p.stem} imports {n} from {mod}" for p in sorted(package.glob('*.py')) if not p.stem.startswith('_')
               for mod, names in imports(p) for n in names if n.startswith('_')]
    report(not private, 'no private name crosses a module', ', '.join(private))
    patched = [p for m in sorted(package.glob('*.py')) if not m.stem.startswith('_') for p in foreign_patches(m)]
    report(not patched, 'no module patches a class defined in another module', ', '.join(patched))
    mismatched = []
    for nb in sorted((root/'nbs').glob('*.ipynb')):
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', nb.read_text())
        if m and m.group(1) != re.sub(r'^\d+[a-z]?_', '', nb.stem): mismatched.append(f'{nb.name} -> {m.group(1)}')
    report(not mismatched, 'every module is named like its notebook', ', '.join(mismatched))
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
