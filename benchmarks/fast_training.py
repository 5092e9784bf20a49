"""Benchmarks of collabnb's fast training path. Not tests: each prints ratios measured in the same run.

    python benchmarks/fast_training.py              # 1 and 2 (and 3 where there is a GPU)
    python benchmarks/fast_training.py --only 1     # one of them
    python benchmarks/fast_training.py --only 2 --ratings 2000000   # a smaller synthetic set

1. MovieLens 100K, random 20% validation: wall time until the valid MSE is at most 0.83 (the book's
   level), the book's `collab_learner` pipeline against collabnb's tensor loader.
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
from collabnb.data import load_ratings, collab_dls
from collabnb.fast_data import tensor_collab_dls, RatingTensors, TensorCollabDL
from collabnb.dot_product import DotProductBias
from collabnb.sparse import sparse_adamw, sparse_embeddings
from collabnb.fused import FusedSGD, fused_kernel

def peak_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB

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

def bench_movielens(level=0.83):
    print(f"== 1. MovieLens 100K, random 20% validation: time to valid MSE <= {level}")
    ratings = load_ratings().merge(pd.read_csv(untar_data(URLs.ML_100k)/'u.item', sep='|', encoding='latin-1',
                                               header=None, usecols=[0, 1], names=['movie', 'title']))
    runs = {}
    set_seed(42, reproducible=True)
    dls = CollabDataLoaders.from_df(ratings, item_name='title', bs=64, seed=42)
    runs["book: CollabDataLoaders, bs 64, 5e-3, wd 0.1"] = time_to_level(collab_learner(dls, n_factors=50, y_range=(0, 5.5)), 5, 5e-3, 0.1, level)
    set_seed(42, reproducible=True)
    dls = collab_dls(ratings, item_name='title', bs=64, seed=42)
    runs["book recipe, permutation loader (collab_dls)"] = time_to_level(collab_learner(dls, n_factors=50, y_range=(0, 5.5)), 5, 5e-3, 0.1, level)
    set_seed(42, reproducible=True)
    dls = tensor_collab_dls(ratings, item_name='title', bs=4096, seed=42)
    runs["collabnb: tensor_collab_dls, bs 4096, 2e-2, wd 0.5"] = time_to_level(collab_learner(dls, n_factors=50, y_range=(0, 5.5)), 5, 2e-2, 0.5, level)
    fused_kernel()  # compiled (or loaded from PyTorch's cache) before the clock starts
    set_seed(42, reproducible=True)
    dls = tensor_collab_dls(ratings, item_name='title', bs=8192, seed=42, device='cpu')
    learn = Learner(dls, DotProductBias(len(dls.classes['user']), len(dls.classes['title']), 50), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
    runs["collabnb: FusedSGD, bs 8192, 10 epochs, 2e-2, reg 0.02"] = time_to_level(learn, 10, 2e-2, None, level)
    set_seed(42, reproducible=True)
    dls = tensor_collab_dls(ratings, item_name='title', bs=8192, seed=42, device='cpu')
    dls.train.chunk = 256
    learn = Learner(dls, DotProductBias(len(dls.classes['user']), len(dls.classes['title']), 50), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
    runs["collabnb: FusedSGD as above, runs of 256 shuffled"] = time_to_level(learn, 10, 2e-2, None, level)
    res = pd.DataFrame(runs).T
    base = res.seconds_to_level.dropna().iloc[0]
    res['speed-up to level'] = base / res.seconds_to_level
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
    classes = {'user': ['#na#'] + list(range(n_users)), 'item': ['#na#'] + list(range(n_items))}
    tr, va = RatingTensors(x[valid:].to(device), y[valid:].to(device), classes, ['user', 'item']), RatingTensors(x[:valid].to(device), y[:valid].to(device), classes, ['user', 'item'])
    return DataLoaders(TensorCollabDL(tr, bs=bs, shuffle=True, drop_last=True, device=device), TensorCollabDL(va, bs=bs, device=device), device=device)

def bare_loop(dls, model, lr, wd, epochs=1):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    for _ in range(epochs):
        for xb, yb in dls.train:
            loss = F.mse_loss(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()

def bench_throughput(n, device='cpu', bs=65536, epochs=1):
    print(f"\n== {'3' if device != 'cpu' else '2'}. Synthetic ml-25m shape, {n:,} ratings, 50 factors, device {device}")
    start = time.perf_counter()
    x, y, n_users, n_items = synthetic_ratings(n)
    print(f"generated in {time.perf_counter() - start:.1f} s; peak memory so far {peak_gb():.2f} GB")
    dls = synthetic_dls(x, y, n_users, n_items, bs, device)
    n_train = len(dls.train) * bs
    rows = {}
    set_seed(0)
    learn = Learner(dls, DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5)), loss_func=MSELossFlat())
    start = time.perf_counter()
    with learn.no_logging(): learn.fit_one_cycle(epochs, 1e-2, wd=0.1)
    if device != 'cpu': torch.cuda.synchronize()
    secs = time.perf_counter() - start
    rows['collabnb Learner, tensor loader'] = dict(ratings_per_s=n_train * epochs / secs, seconds=secs, valid_mse=learn.validate()[0])
    set_seed(0)
    learn = Learner(dls, sparse_embeddings(DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5))), loss_func=MSELossFlat(), opt_func=sparse_adamw)
    start = time.perf_counter()
    with learn.no_logging(): learn.fit_one_cycle(epochs, 1e-2, wd=0.1)
    if device != 'cpu': torch.cuda.synchronize()
    secs = time.perf_counter() - start
    rows['collabnb Learner, tensor loader, RowAdamW'] = dict(ratings_per_s=n_train * epochs / secs, seconds=secs, valid_mse=learn.validate()[0])
    if device == 'cpu':
        fused_kernel()
        set_seed(0)
        learn = Learner(dls, DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5)), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
        start = time.perf_counter()
        with learn.no_logging(): learn.fit_one_cycle(epochs, 2e-2)
        secs = time.perf_counter() - start
        rows['collabnb Learner, tensor loader, FusedSGD'] = dict(ratings_per_s=n_train * epochs / secs, seconds=secs, valid_mse=learn.validate()[0])
        chunked = TensorCollabDL(dls.train.dataset, bs=bs, shuffle=True, drop_last=True, chunk=4096)
        start = time.perf_counter()
        chunked._shuffle_rows_once()  # once per training, not per epoch: timed apart
        print(f"rows shuffled once for the chunked loader in {time.perf_counter() - start:.1f} s")
        set_seed(0)
        learn = Learner(DataLoaders(chunked, dls.valid), DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5)), loss_func=MSELossFlat(), cbs=FusedSGD(reg=0.02))
        start = time.perf_counter()
        with learn.no_logging(): learn.fit_one_cycle(epochs, 2e-2)
        secs = time.perf_counter() - start
        rows['collabnb Learner, runs of 4,096 shuffled, FusedSGD'] = dict(ratings_per_s=n_train * epochs / secs, seconds=secs, valid_mse=learn.validate()[0])
    mem = peak_gb()
    if device == 'cpu':  # the kernel alone, on batches already shuffled: what the training loop costs on top
        tr = dls.train.dataset
        perm = torch.randperm(len(tr))
        xs, ys = tr.x[perm].contiguous(), tr.y[perm].contiguous()
        m = DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5))
        start = time.perf_counter()
        with torch.no_grad():
            for i in range(0, len(xs), bs):
                fused_kernel().sgd_pass(m.user_factors.weight, m.item_factors.weight, m.user_bias.weight, m.item_bias.weight,
                                        xs[i:i + bs], ys[i:i + bs], 1e-2, 0.02, 0., 5.5)
        secs = time.perf_counter() - start
        rows['fused kernel alone, pre-shuffled batches'] = dict(ratings_per_s=len(xs) / secs, seconds=secs)
        del xs, ys
    set_seed(0)
    model = DotProductBias(n_users + 1, n_items + 1, 50, (0, 5.5)).to(device)
    start = time.perf_counter()
    bare_loop(dls, model, 1e-2, 0.1, epochs)
    if device != 'cpu': torch.cuda.synchronize()
    secs = time.perf_counter() - start
    rows['bare PyTorch loop, same tensors'] = dict(ratings_per_s=n_train * epochs / secs, seconds=secs)
    if device == 'cpu':
        sample = pd.DataFrame({'user': x[:1_000_000, 0].numpy(), 'item': x[:1_000_000, 1].numpy(), 'rating': y[:1_000_000, 0].numpy()})
        book = collab_learner(CollabDataLoaders.from_df(sample, bs=64, seed=0), n_factors=50, y_range=(0, 5.5))
        class Clock(Callback):  # steady state: batches 50 to 300, after the loader's start-up
            def after_batch(self):
                if self.iter == 50: self.t0 = time.perf_counter()
                if self.iter == 300: self.secs = time.perf_counter() - self.t0; raise CancelFitException
        clock = Clock()
        with book.no_bar(), book.no_logging(): book.fit(1, 5e-3, cbs=clock)
        n_batches, secs = 250, clock.secs
        rows[f'book pipeline ({n_batches} batches of 64)'] = dict(ratings_per_s=n_batches * 64 / secs, seconds=secs)
    res = pd.DataFrame(rows).T
    res['ratio'] = res.ratings_per_s.iloc[0] / res.ratings_per_s
    print(res.to_string(float_format=lambda v: f'{v:,.3f}'))
    print(f"peak memory (process, after the collabnb Learner runs): {mem:.2f} GB")
    if device != 'cpu':
        print(f"memory traffic at ~800 bytes per rating update: {res.ratings_per_s.iloc[0] * 800 / 1e12:.2f} TB/s")
    return res

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', type=int, nargs='+', default=[1, 2, 3])
    p.add_argument('--ratings', type=int, default=25_000_095, help='size of the synthetic set (default: 25,000,095)')
    p.add_argument('--bs', type=int, default=65536, help='batch size of the synthetic runs')
    args = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cuda: {torch.cuda.is_available()}")
    if 1 in args.only: bench_movielens()
    if 2 in args.only: bench_throughput(args.ratings, 'cpu', args.bs)
    if 3 in args.only and torch.cuda.is_available(): bench_throughput(args.ratings, 'cuda', 2**18, epochs=5)
