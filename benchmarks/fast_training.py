"""Benchmarks of collabnb's fast training path. Not tests: each prints ratios measured in the same run.

    python benchmarks/fast_training.py              # 1 and 2 (and 3 where there is a GPU)
    python benchmarks/fast_training.py --only 1     # one of them
    python benchmarks/fast_training.py --only 2 --ratings 2000000   # a smaller synthetic set

1. MovieLens 100K, random 20% validation: wall time until the valid MSE is at most 0.83 (the book's
   level), the book's `collab_learner` pipeline against collabnb's tensor loader and fused kernel;
   each recipe's accuracy on the canonical u1 split beside it.
2. Synthetic ratings shaped like ml-25m (162,541 users, 59,047 items, 25,000,095 half-star ratings,
   long-tailed popularity), 50 factors: training ratings per second over one epoch and peak memory,
   for collabnb's `Learner` on the tensor loader (dense Adam, sparse `RowAdamW`, the fused C++ SGD kernel), a bare PyTorch loop on the same tensors, and the
   book pipeline (timed on a 1M-rating sample, whose per-rating cost does not depend on the size).
3. With a GPU: the 25M set, five epochs, ratings/s beside the memory-bandwidth limit (about 800
   bytes moved per rating update).
"""
import argparse, math, resource, sys, time, warnings
warnings.filterwarnings('ignore')
from fastai.collab import *
from fastai.tabular.all import *
from collabnb.data import load_ratings
from collabnb.ratings import movielens_split
from collabnb.fast_data import tensor_collab_dls, RatingTensors, TensorCollabDL
from collabnb.dot_product import DotProductBias
from collabnb.sparse import sparse_adamw, sparse_embeddings
from collabnb.fused import FusedSGD, fused_kernel

def peak_gb(pid='self') -> float:
    "Peak resident memory of process `pid` (this one by default), in GB: since the last `reset_peak` where Linux allows it, else since the start"
    try: return next(int(l.split()[1]) for l in open(f'/proc/{pid}/status') if l.startswith('VmHWM')) / 2**20  # KiB
    except (OSError, StopIteration): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20 if pid == 'self' else 0.

def reset_peak():
    "Start a new peak-memory measurement (Linux: writing 5 to clear_refs resets the process's high-water mark)"
    try: Path('/proc/self/clear_refs').write_text('5')
    except OSError: pass

class EpochClock(Callback):
    "Wall time since the start of `fit` at the end of each epoch, with the validation loss then"
    order = 70
    def before_fit(self): self.start, self.marks = time.perf_counter(), []
    def after_epoch(self): self.marks.append((time.perf_counter() - self.start, self.recorder.values[-1][1]))

def time_to_level(learn, epochs, lr, wd, level=0.83) -> dict:
    clock = EpochClock()
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, lr, wd=wd, cbs=clock)
    reached = next((t for t, mse in clock.marks if mse <= level), None)
    return dict(final_mse=clock.marks[-1][1], seconds_to_level=reached, total_seconds=clock.marks[-1][0])

def book_dls(ratings, splits, bs=64, **kwargs):
    "The book's pipeline, as `CollabDataLoaders.from_df` builds it, on given splits"
    to = TabularCollab(ratings, [Categorify], ['user', 'title'], y_names=['rating'], y_block=TransformBlock(), splits=splits)
    return to.dataloaders(path='.', bs=bs, **kwargs)

def book_learner(dls): return collab_learner(dls, n_factors=50, y_range=(0, 5.5))
def fused_learner(dls):
    return Learner(dls, DotProductBias(len(dls.classes['user']), len(dls.classes['title']), 50), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
def tensor_dls(**kw): return lambda ratings, splits: tensor_collab_dls(ratings, item_name='title', splits=splits, device='cpu', **kw)

recipes = {  # name: (loaders from (ratings, splits), learner from loaders, epochs, lr, wd)
    "book: CollabDataLoaders, bs 64, 5e-3, wd 0.1": (book_dls, book_learner, 5, 5e-3, 0.1),
    "book recipe, permutation loader (collab_dls)": (partial(book_dls, dl_type=TabDataLoader), book_learner, 5, 5e-3, 0.1),
    "collabnb: tensor_collab_dls, bs 4096, 2e-2, wd 0.5": (tensor_dls(bs=4096), book_learner, 5, 2e-2, 0.5),
    "collabnb: FusedSGD, bs 8192, 10 epochs, 2e-2, reg 0.02": (tensor_dls(bs=8192), fused_learner, 10, 2e-2, None),
    "collabnb: FusedSGD as above, runs of 256 shuffled": (tensor_dls(bs=8192, chunk=256), fused_learner, 10, 2e-2, None),
}

def bench_movielens(level=0.83):
    print(f"== 1. MovieLens 100K: time to valid MSE <= {level} on a random 20% split; RMSE on u1.test after training on u1.base")
    cols = ['user', 'title', 'rating']
    ratings = load_ratings().merge(pd.read_csv(untar_data(URLs.ML_100k)/'u.item', sep='|', encoding='latin-1',
                                               header=None, usecols=[0, 1], names=['movie', 'title']))[cols]
    base, test = movielens_split('u1')
    u1 = pd.concat([base[cols], test[cols]], ignore_index=True)
    random_splits = RandomSplitter(valid_pct=0.2, seed=42)(range_of(ratings))  # what `CollabDataLoaders.from_df(seed=42)` draws
    u1_splits = (list(range(len(base))), list(range(len(base), len(u1))))
    fused_kernel()  # compiled (or loaded from PyTorch's cache) before any clock starts
    runs = {}
    for name, (make_dls, make_learner, epochs, lr, wd) in recipes.items():
        set_seed(42, reproducible=True)
        runs[name] = time_to_level(make_learner(make_dls(ratings, random_splits)), epochs, lr, wd, level)
        set_seed(42, reproducible=True)
        runs[name]['u1_rmse'] = math.sqrt(time_to_level(make_learner(make_dls(u1, u1_splits)), epochs, lr, wd, level)['final_mse'])
    res = pd.DataFrame(runs).T
    base_secs = res.seconds_to_level.dropna().iloc[0]
    res['speed-up to level'] = base_secs / res.seconds_to_level
    print(res.to_string(float_format='%.3f'))
    return res

def synthetic_ratings(n=25_000_095, n_users=162_541, n_items=59_047, seed=0) -> tuple:
    "Codes (1-based, row 0 is '#na#') and half-star ratings with long-tailed user activity and item popularity"
    g = torch.Generator().manual_seed(seed)
    item_w = 1 / (torch.arange(n_items) + 10.) ** 1.1
    user_w = 1 / (torch.arange(n_users) + 50.) ** 0.6
    items = torch.multinomial(item_w, n, replacement=True, generator=g) + 1
    users = torch.multinomial(user_w, n, replacement=True, generator=g) + 1
    ub, ib = torch.randn(n_users + 1, generator=g) * 0.4, torch.randn(n_items + 1, generator=g) * 0.4
    r = (3.5 + ub[users] + ib[items] + torch.randn(n, generator=g) * 0.8).clamp(0.5, 5)
    return torch.stack([users, items], 1), ((r * 2).round() / 2)[:, None], n_users, n_items

def synthetic_dls(x, y, n_users, n_items, bs, device, valid=100_000):
    "Tensor loaders: the first `valid` ratings for validation (copied, so that nothing else holds the whole set), the rest to train on"
    classes = {'user': ['#na#'] + list(range(n_users)), 'item': ['#na#'] + list(range(n_items))}
    tr = RatingTensors(x[valid:].to(device), y[valid:].to(device), classes, ['user', 'item'])
    va = RatingTensors(x[:valid].clone().to(device), y[:valid].clone().to(device), classes, ['user', 'item'])
    return DataLoaders(TensorCollabDL(tr, bs=bs, shuffle=True, drop_last=True, device=device), TensorCollabDL(va, bs=bs, device=device), device=device)

def bare_loop(dls, model, lr, wd, epochs=1):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    for _ in range(epochs):
        for xb, yb in dls.train:
            loss = F.mse_loss(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()

def measure(rows, name, train, n_ratings, device, learn=None):
    "Run `train()`; record ratings/s, seconds, the peak memory meanwhile and, given `learn`, its valid MSE"
    reset_peak()
    if device != 'cpu': torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    train()
    if device != 'cpu': torch.cuda.synchronize()
    secs = time.perf_counter() - start
    rows[name] = dict(ratings_per_s=n_ratings / secs, seconds=secs, peak_gb=peak_gb(),
                      valid_mse=learn.validate()[0] if learn is not None else float('nan'))
    if device != 'cpu': rows[name]['gpu_peak_gb'] = torch.cuda.max_memory_allocated() / 2**30

def book_throughput(x, y, n=1_000_000) -> float:
    "Ratings/s of the book's pipeline on a sample of `n` ratings, batches 50 to 300 (after the loader's start-up)"
    sample = pd.DataFrame({'user': x[:n, 0].numpy(), 'item': x[:n, 1].numpy(), 'rating': y[:n, 0].numpy()})
    book = collab_learner(CollabDataLoaders.from_df(sample, bs=64, seed=0), n_factors=50, y_range=(0, 5.5))
    class Clock(Callback):
        def after_batch(self):
            if self.iter == 50: self.t0 = time.perf_counter()
            if self.iter == 300: self.secs = time.perf_counter() - self.t0; raise CancelFitException
    clock = Clock()
    with book.no_bar(), book.no_logging(): book.fit(1, 5e-3, cbs=clock)
    return 250 * 64 / clock.secs

def bench_throughput(n, device='cpu', bs=65536, epochs=1, chunk=4096):
    print(f"\n== {'3' if device != 'cpu' else '2'}. Synthetic ml-25m shape, {n:,} ratings, 50 factors, device {device}")
    start = time.perf_counter()
    x, y, n_users, n_items = synthetic_ratings(n)
    print(f"generated in {time.perf_counter() - start:.1f} s; peak memory so far {peak_gb():.2f} GB")
    book_rps = book_throughput(x, y) if device == 'cpu' else None
    dls = synthetic_dls(x, y, n_users, n_items, bs, device)
    del x, y  # from here on the training set is held once, by the loader
    n_train, rows = len(dls.train) * bs * epochs, {}
    model = lambda: DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5)).to(device)
    def fit(learn, lr, wd=None):
        def run():
            with learn.no_logging(): learn.fit_one_cycle(epochs, lr, wd=wd)
        return run
    set_seed(0); learn = Learner(dls, model(), loss_func=MSELossFlat())
    measure(rows, 'collabnb Learner, tensor loader', fit(learn, 1e-2, 0.1), n_train, device, learn)
    set_seed(0); learn = Learner(dls, sparse_embeddings(model()), loss_func=MSELossFlat(), opt_func=sparse_adamw)
    measure(rows, 'collabnb Learner, tensor loader, RowAdamW', fit(learn, 1e-2, 0.1), n_train, device, learn)
    if device == 'cpu':
        fused_kernel()  # compiled (or loaded from PyTorch's cache) before the clock starts
        set_seed(0); learn = Learner(dls, model(), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
        measure(rows, 'collabnb Learner, tensor loader, FusedSGD', fit(learn, 2e-2), n_train, device, learn)
        chunked = TensorCollabDL(dls.train.dataset, bs=bs, shuffle=True, drop_last=True, chunk=chunk)
        measure(rows, f'(once) rows shuffled for chunk={chunk}', chunked._shuffle_rows_once, len(chunked.dataset), device)
        set_seed(0); learn = Learner(DataLoaders(chunked, dls.valid), model(), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
        measure(rows, f'collabnb Learner, chunk={chunk}, FusedSGD', fit(learn, 2e-2), len(chunked) * bs * epochs, device, learn)
        tr, m = chunked.dataset, model()  # the kernel alone on the same rows, in order: what the training loop costs on top
        def kernel_only():
            with torch.no_grad():
                for i in range(0, len(tr), bs):
                    fused_kernel().sgd_pass(m.user_factors.weight, m.item_factors.weight, m.user_bias.weight, m.item_bias.weight,
                                            tr.x[i:i + bs], tr.y[i:i + bs], 1e-2, 0.02, 0., 5.5, torch.get_num_threads())
        measure(rows, 'fused kernel alone, rows in order', kernel_only, len(tr), device)
    set_seed(0); m = model()
    measure(rows, 'bare PyTorch loop (AdamW), same tensors', lambda: bare_loop(dls, m, 1e-2, 0.1, epochs), n_train, device)
    res = pd.DataFrame(rows).T
    if book_rps: res.loc["book pipeline (batch 64, 1M-rating sample)", ['ratings_per_s', 'seconds']] = book_rps, 250 * 64 / book_rps
    base = res.ratings_per_s
    res['vs book'] = base / book_rps if book_rps else float('nan')
    res['vs bare loop'] = base / base['bare PyTorch loop (AdamW), same tensors']
    print(res.to_string(float_format=lambda v: f'{v:,.3f}'))
    if device != 'cpu':
        print(f"memory traffic at ~800 bytes per rating update: {base.iloc[0] * 800 / 1e12:.2f} TB/s")
    return res

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', type=int, nargs='+', default=[1, 2, 3])
    p.add_argument('--ratings', type=int, default=25_000_095, help='size of the synthetic set (default: 25,000,095)')
    p.add_argument('--bs', type=int, default=65536, help='batch size of the synthetic runs')
    p.add_argument('--chunk', type=int, default=4096, help='runs of rows shuffled together in the chunked run (the batch size must be a multiple)')
    args = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cuda: {torch.cuda.is_available()}")
    if 1 in args.only: bench_movielens()
    if 2 in args.only: bench_throughput(args.ratings, 'cpu', args.bs, chunk=args.chunk)
    if 3 in args.only and torch.cuda.is_available(): bench_throughput(args.ratings, 'cuda', 2**18, epochs=5)
