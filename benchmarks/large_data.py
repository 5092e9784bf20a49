"""Large data, end to end: a ratings CSV shaped like ml-25m, trained with collabnb's defaults, beside LIBMF.
Not tests: each part prints what it measured, with ratios taken in the same run.

    python benchmarks/large_data.py                          # every part, on /tmp/collabnb-r25m.csv (written first if missing)
    python benchmarks/large_data.py --only read libmf        # some parts
    python benchmarks/large_data.py --csv r5m.csv --ratings 5000000   # a smaller file

1. read: reading and checking the file, `read_ratings` against the recipe collabnb used before (pandas' read_csv,
   then a sort by time and `drop_duplicates` to merge repeated pairs).
2. cli: the README's command, `collabnb train --data FILE --user-col userId --item-col movieId --rating-col rating
   --epochs 5`, then `collabnb recommend`, then `train` again with `--ranker none`, each in a fresh process, and LIBMF
   from the same CSV (pandas' read, ids to rows, 5 iterations, factors saved: `libmf_run.py`, which, like a LIBMF user's
   script, does not import PyTorch): wall time, peak memory, held-out RMSE.
3. libmf: training on the same rows with the same threads (2) and factors (50), LIBMF against collabnb's engine for
   large data (the fused kernel on DSGD strata, driven by fastai): ratings/s over whole fits of 5 and 20 epochs, per
   epoch (their difference) and the one-time cost, with the validation MSE on the same 100,000 held-out ratings. Needs LIBMF built with its SIMD and OpenMP code (the PyPI sdist compiles neither):
       pip download --no-deps --no-binary :all: libmf==0.9.2 && tar xzf libmf-0.9.2.tar.gz && cd libmf-0.9.2 &&
       g++ -O3 -march=native -DUSEAVX -DUSEOMP -fopenmp -shared -fPIC -std=c++11 src_cpp/*.cpp -o libmf_avx.so &&
       pip install --no-deps . && export LIBMF_OBJ=$PWD/libmf_avx.so
4. kinds: every kind on the file with the engine it gets by default and without a ranker (5 epochs; the Bayesian kind
   its own sweeps): the summary line `train` prints before it starts (its time estimate and ratings/s), then the wall
   time from the CSV to the saved model, the peak memory and the held-out RMSE; a kind whose summary says over
   `--kind-limit` minutes (default 30) is stopped there.
5. accuracy: on a sample of the file, the default recipe before (Adam, batches of 1,024) and the one chosen now
   for large data, validated on the same held-out ratings.

The synthetic file: `fast_training.synthetic_ratings` (162,541 users, 59,047 items, 25,000,095 draws with long-tailed
activity and popularity; 20,341,982 distinct pairs), with random timestamps, as userId,movieId,rating,timestamp.
"""
import argparse, os, re, subprocess, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
warnings.filterwarnings('ignore')
sys.path.insert(0, str(Path(__file__).parent))
from fast_training import synthetic_ratings, synthetic_dls, EpochClock, peak_gb, reset_peak
from libmf_run import libmf_module

CLI = str(Path(sys.executable).with_name('collabnb'))  # the command of this interpreter's environment, activated or not
COLS = ['--user-col', 'userId', '--item-col', 'movieId', '--rating-col', 'rating']

def make_csv(path:Path, n:int):
    "Write the synthetic ratings as a CSV like ml-25m's ratings.csv"
    x, y, _, _ = synthetic_ratings(n)
    df = pd.DataFrame({'userId': x[:, 0].numpy(), 'movieId': x[:, 1].numpy(), 'rating': y[:, 0].numpy().astype(np.float64),
                       'timestamp': np.random.default_rng(0).integers(789_652_009, 1_574_327_703, n)})
    df.to_csv(path, index=False, float_format='%g')

def merge_as_before(df:pd.DataFrame, duplicates:str) -> pd.DataFrame:
    "How `check_ratings` merged repeated (user, item) pairs before: hashing the pairs, a sort by time, drop_duplicates"
    repeated = df.duplicated(['user', 'item'])
    if not repeated.any(): return df
    if 'timestamp' in df: df = df.sort_values('timestamp', kind='stable')
    return df.drop_duplicates(['user', 'item'], keep=duplicates).sort_index()

def bench_read(path):
    import collabnb.ratings as ratings
    print("== 1. read and check")
    rows = {}
    now = ratings._merge_duplicates
    for name, merge in (('before: repeated pairs merged by pandas (hash, sort by time, drop_duplicates)', merge_as_before),
                        ('collabnb read_ratings (one sort of the pairs, then counting)', now)):
        ratings._merge_duplicates = merge
        reset_peak(); base = peak_gb('self')
        try:
            start = time.perf_counter(); df = ratings.read_ratings(path, 'userId', 'movieId', 'rating'); secs = time.perf_counter() - start
        finally: ratings._merge_duplicates = now
        rows[name] = dict(seconds=secs, ratings=len(df), added_peak_gb=peak_gb() - base)
        del df
    res = pd.DataFrame(rows).T
    res['speed-up'] = res.seconds.iloc[0] / res.seconds
    print(res.to_string(float_format=lambda v: f'{v:,.2f}'))
    print(f"(added_peak_gb: the process's peak memory while reading, above what it held before; the file is {Path(path).stat().st_size / 2**30:.2f} GB)")

def child(cmd) -> dict:
    "Run `cmd`; its wall time, peak memory (GB, from /proc) and output"
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, 'PYTHONWARNINGS': 'ignore'})
    peak = 0.
    while proc.poll() is None:
        peak = max(peak, peak_gb(proc.pid)); time.sleep(0.05)
    out = proc.stdout.read()
    return dict(seconds=time.perf_counter() - start, peak_gb=peak, rc=proc.returncode, out=out)

def bench_cli(path, model):
    print("\n== 2. end to end, CSV to saved model: collabnb train (5 epochs) with its defaults and without a ranker, then collabnb recommend; LIBMF from the same CSV")
    train = child([CLI, 'train', '--data', str(path), *COLS, '--epochs', '5', '-o', str(model)])
    recommend = child([CLI, 'recommend', str(model), '--user', '1'])
    plain = child([CLI, 'train', '--data', str(path), *COLS, '--epochs', '5', '--ranker', 'none', '-o', str(model)])
    for name, r in (('train', train), ('recommend', recommend), ('train --ranker none', plain)):
        if r['rc']: print(r['out'][-2000:]); raise SystemExit(f'collabnb {name} failed')
    summary = next(l for l in train['out'].splitlines() if l.startswith('training the'))
    print(summary)
    if m := re.search(r', (\d+) (s|min) in all', summary):  # what `train` guessed, before its first epoch, for the whole command (the save comes on top)
        guess = int(m.group(1)) * (60 if m.group(2) == 'min' else 1)
        print(f"train guessed {guess} s in all; the whole command took {train['seconds']:.1f} s ({guess / train['seconds']:.2f} of it)")
    rmse = lambda out: float(re.search(r'validation RMSE ([\d.]+)', out).group(1))
    rows = {'collabnb train, defaults (the dot kind and the als ranker)': train, 'collabnb train --ranker none (the dot kind alone)': plain}
    print(f"recommend {recommend['seconds']:.1f} s (peak {recommend['peak_gb']:.2f} GB): {train['seconds'] + recommend['seconds']:.1f} s from CSV to the first recommendations")
    if libmf_module() is None: print("LIBMF is not installed: see this script's docstring for how to build it")
    else:
        rows['LIBMF: pandas read, ids to rows, 5 iterations, factors saved'] = libmf = child([sys.executable, str(Path(__file__).with_name('libmf_run.py')), str(path)])
        if libmf['rc']: print(libmf['out'][-2000:]); raise SystemExit('LIBMF failed')
    table = pd.DataFrame({name: dict(seconds=r['seconds'], peak_gb=r['peak_gb'], held_out_rmse=rmse(r['out'])) for name, r in rows.items()}).T
    if 'LIBMF' in table.index[-1]: table['time vs LIBMF'] = table.seconds / table.seconds.iloc[-1]
    print(table.to_string(float_format=lambda v: f'{v:,.3f}'))
    print("(collabnb holds out 100,000 of the merged ratings; LIBMF 100,000 random rows of the file, repeated pairs kept as LIBMF users would)")
    return rmse(train['out'])

def bench_libmf(n, threads=2, epochs=(5, 20)):
    from fastai.learner import Learner
    from fastai.losses import MSELossFlat
    from fastai.torch_core import set_seed
    from collabnb.dot_product import DotProductBias
    from collabnb.fused import FusedSGD, StrataDL, n_blocks_for, fused_kernel
    from collabnb.fast_data import torch_threads
    print(f"\n== 3. training alone, {threads} threads, 50 factors, the same rows and the same 100,000 held out")
    x, y, n_users, n_items = synthetic_ratings(n)
    rows = {}
    mf = libmf_module()
    if mf is None: print("LIBMF is not installed: see this script's docstring for how to build it")
    else:
        data = np.concatenate([x.numpy().astype(np.float32), y.numpy()], 1)
        train, valid = data[100_000:], data[:100_000]
        for e in epochs:
            model = mf.MF(k=50, nr_threads=threads, nr_iters=e, quiet=True)
            start = time.perf_counter(); model.fit(train); secs = time.perf_counter() - start
            pred = model.predict(np.asfortranarray(valid[:, :2]))  # the binding reads its (n, 2) input column by column
            rows[f'LIBMF (AVX, OpenMP), {e} iterations'] = dict(ratings_per_s=len(train) * e / secs, seconds=secs,
                                                               valid_mse=float(((pred - valid[:, 2]) ** 2).mean()))
        del data, train, valid
    fused_kernel()  # built (or loaded from PyTorch's cache) before any clock starts
    dls = synthetic_dls(x, y, n_users, n_items, bs=65536, device='cpu')
    del x, y
    blocks = n_blocks_for(n_users + 1, 50, threads)
    for e in epochs:
        set_seed(0)
        dls.loaders[0] = StrataDL(dls.train.dataset, blocks, seed=0)
        learn = Learner(dls, DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5)), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
        clock = EpochClock()
        with torch_threads(threads), learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(e, 0.02, cbs=clock)
        secs = clock.marks[-1][0]
        rows[f'collabnb fused kernel, DSGD strata ({blocks} x {blocks}), fastai, {e} epochs'] = dict(
            ratings_per_s=len(dls.train.dataset) * e / secs, seconds=secs, valid_mse=clock.marks[-1][1])
    res = pd.DataFrame(rows).T
    per_epoch = {}  # the time an epoch adds, from the short and the long fit: what remains once the rows are arranged
    for name in ('LIBMF (AVX, OpenMP)', f'collabnb fused kernel, DSGD strata ({blocks} x {blocks}), fastai'):
        fits = res[res.index.str.startswith(name)]
        if len(fits) < 2: continue
        secs = (fits.seconds.iloc[-1] - fits.seconds.iloc[0]) / (epochs[-1] - epochs[0])
        per_epoch[name] = dict(seconds_per_epoch=secs, ratings_per_s=(len(dls.train.dataset)) / secs,
                               one_time_seconds=fits.seconds.iloc[0] - epochs[0] * secs, best_valid_mse=fits.valid_mse.min())
    print(res.to_string(float_format=lambda v: f'{v:,.3f}'))
    if len(per_epoch) == 2:
        per_epoch = pd.DataFrame(per_epoch).T
        per_epoch['vs LIBMF'] = per_epoch.ratings_per_s / per_epoch.ratings_per_s.iloc[0]
        print(f"\nper epoch (the difference between the {epochs[-1]}- and the {epochs[0]}-epoch fits), and the one-time cost:")
        print(per_epoch.to_string(float_format=lambda v: f'{v:,.3f}'))
    print("(LIBMF fits factors only; collabnb factors and biases through a sigmoid into (0, 5.5), and validates after every epoch.)")

KINDS = ('dot', 'neural', 'cross-entropy', 'hybrid', 'bayesian')

def bench_kinds(path, kinds=KINDS, limit_min=30.):
    print(f"\n== 4. every kind on the file with the engine it gets by default and --ranker none: trained to the end, or stopped"
          f" once its summary is printed when that says over {limit_min} min")
    rows, models = {}, tempfile.TemporaryDirectory()
    for kind in kinds:
        epochs = [] if kind == 'bayesian' else ['--epochs', '5']  # the sampler's sweeps: its own recipe
        proc = subprocess.Popen([CLI, 'train', '--data', str(path), *COLS, '--kind', kind, *epochs, '--ranker', 'none', '-o', f'{models.name}/{kind}.collabnb'],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, 'PYTHONWARNINGS': 'ignore'})
        start, summary, out, peak, stopped = time.perf_counter(), '', [], 0., False
        for line in proc.stdout:  # progress bars end their updates with \r: a line each
            peak = max(peak, peak_gb(proc.pid)); out.append(line)
            if line.startswith('training the'):
                summary = line
                if stopped := (est := _minutes(line)) is not None and est > limit_min: proc.kill(); break
        if proc.wait() and not stopped: print(''.join(out)[-2000:]); raise SystemExit(f'collabnb train --kind {kind} failed')
        m = re.search(r"with the '(\w+)' engine.*about (.+?) \(([\d,]+) ratings/s\)", summary)
        rmse = re.search(r'validation RMSE ([\d.]+)', ''.join(out))
        rows[kind] = dict(engine=m.group(1) if m else '?', estimate=m.group(2) if m else summary.strip()[-60:], ratings_per_s=m.group(3) if m else '',
                          seconds='stopped' if stopped else round(time.perf_counter() - start, 1), peak_gb=round(peak, 2),
                          held_out_rmse='' if stopped else float(rmse.group(1)))
        print(kind, rows[kind], flush=True)
    print(pd.DataFrame(rows).T.to_string())
    print("(estimate: the summary's, for the training passes; seconds: CSV to saved model; from 5 million ratings no refit follows the validation fit)")

def _minutes(summary:str):
    "The minutes a `train` summary expects for the whole command (or, without that, for its training passes); `None` if it says neither"
    m = re.search(r'(?:(\d+) h )?(\d+) (s|min) in all', summary) or re.search(r'about (?:(\d+) h )?(\d+) (s|min)', summary)
    return m and int(m[1] or 0) * 60 + int(m[2]) / (60 if m[3] == 's' else 1)

def bench_accuracy(path, share=0.1):
    from collabnb.ratings import read_ratings
    from collabnb.recommender import Recommender
    df = read_ratings(path, 'userId', 'movieId', 'rating')
    users = df.user.drop_duplicates().sample(frac=share, random_state=0)
    df = df[df.user.isin(users)]  # every rating of a tenth of the users: dense Adam's cost grows with the tables, not the ratings
    print(f"\n== 5. the default recipe before and now, on the {len(df):,} ratings of {len(users):,} users, the same 10% held out")
    rows = {}
    for name, engine in (("before: engine 'adam' (batches of 1,024, 5 epochs)", 'adam'), ('now: the engine chosen for the size', None)):
        start = time.perf_counter()
        rec = Recommender.train(df, engine=engine, refit=False, seed=0, progress=False)
        rows[name] = dict(engine=rec.settings['engine'], seconds=round(time.perf_counter() - start, 1),
                          valid_rmse=round(rec.validation['rmse'], 4), valid_mse=round(rec.validation['rmse'] ** 2, 4))
    print(pd.DataFrame(rows).T.to_string())

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', nargs='+', default=['read', 'cli', 'libmf', 'kinds', 'accuracy'])
    p.add_argument('--csv', type=Path, default=Path('/tmp/collabnb-r25m.csv'), help='the ratings file (written first if missing)')
    p.add_argument('--kinds', nargs='+', default=list(KINDS), help='the kinds of part 4')
    p.add_argument('--kind-limit', type=float, default=30., help="part 4 stops a kind whose summary says over this many minutes")
    p.add_argument('--ratings', type=int, default=25_000_095, help='draws of the synthetic set (default: 25,000,095)')
    args = p.parse_args()
    print(f"torch {torch.__version__}, {os.cpu_count()} cores")
    if not args.csv.exists():
        start = time.perf_counter(); make_csv(args.csv, args.ratings)
        print(f"wrote {args.csv} ({args.csv.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - start:.0f} s")
    if 'read' in args.only: bench_read(args.csv)
    if 'cli' in args.only: bench_cli(args.csv, args.csv.with_suffix('.collabnb'))
    if 'libmf' in args.only: bench_libmf(args.ratings)
    if 'kinds' in args.only: bench_kinds(args.csv, args.kinds, args.kind_limit)
    if 'accuracy' in args.only: bench_accuracy(args.csv)
