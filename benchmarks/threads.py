"""How many threads: `collabnb chapter` with PyTorch's default (a thread per core, OpenMP's default waiting)
against collabnb's choice (threads from the model's size and the machine's load, idle threads asleep),
on an idle machine and with one busy process per core beside it. Prints the seconds and the ratios.

    python benchmarks/threads.py [--epochs 1] [--limit 300]

Needs MovieLens 100K where `collabnb chapter` finds it. A run still going after --limit seconds is
stopped and reported as "> limit".
"""
import argparse, multiprocessing, os, shutil, subprocess, time

def busy():
    while True: pass

def timed(argv, env, limit):
    "Seconds `collabnb argv` takes, or None when it runs past `limit`"
    start = time.perf_counter()
    try: subprocess.run([shutil.which('collabnb') or 'collabnb', *argv], env=env, check=True, timeout=limit,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired: return None
    return time.perf_counter() - start

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--limit', type=float, default=300)
    args = p.parse_args()
    cores = os.cpu_count()
    base = {k: v for k, v in os.environ.items() if k not in ('OMP_NUM_THREADS', 'OMP_WAIT_POLICY')}
    setups = {'PyTorch default': (['--threads', str(cores)], {**base, 'OMP_WAIT_POLICY': ''}),  # empty: OpenMP's own default
              'collabnb': ([], base)}
    rows = []
    for load in ('idle', f'{cores} busy processes'):
        workers = [] if load == 'idle' else [multiprocessing.Process(target=busy, daemon=True) for _ in range(cores)]
        for w in workers: w.start()
        try:
            seconds = {name: timed(['chapter', '--epochs', str(args.epochs)] + flags, env, args.limit) for name, (flags, env) in setups.items()}
        finally:
            for w in workers: w.terminate()
        rows.append((load, seconds))
    show = lambda s: f'> {args.limit:.0f}' if s is None else f'{s:.1f}'
    print(f"collabnb chapter --epochs {args.epochs} on {cores} cores (seconds)")
    print(f"{'machine':<22}{'PyTorch default':>17}{'collabnb':>10}{'speed-up':>10}")
    for load, s in rows:
        a, b = s['PyTorch default'], s['collabnb']
        ratio = '' if b is None else (f'> {args.limit / b:.1f}' if a is None else f'{a / b:.2f}')
        print(f"{load:<22}{show(a):>17}{show(b):>10}{ratio:>10}")

if __name__ == '__main__': main()
