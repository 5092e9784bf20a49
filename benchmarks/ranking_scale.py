"""The rankers at scale: the 'als' ranker fitted on the synthetic ml-25m-shaped file, its time and peak memory.

    python benchmarks/ranking_scale.py                 # 25,000,095 draws: 20.3M distinct (user, item) ratings
    python benchmarks/ranking_scale.py --ratings 2000000

The ratings are `fast_training.synthetic_ratings` (162,541 users, 59,047 items, long-tailed activity and
popularity) with repeated (user, item) pairs merged, as `Recommender.train` merges them. The script fits
the ranker that `Recommender.train` chooses for a catalogue this large ('auto': 'als'; 'ease' would need
the memory printed below), times it, and times the lists of 1,000 users. The synthetic ratings carry no
taste, only popularity, so only time and memory are measured here; accuracy is the ranking benchmark's.
"""
import argparse, time, sys
from pathlib import Path
import numpy as np, torch
sys.path.insert(0, str(Path(__file__).parent))
from fast_training import synthetic_ratings, peak_gb, reset_peak
from collabnb.ranking import RANKERS, choose_ranker, rating_weights

def distinct(x, y):
    "Users, items and ratings with each (user, item) pair once (its last rating)"
    keys = x[:, 0].numpy().astype(np.int64) << 20 | x[:, 1].numpy()
    _, last = np.unique(keys[::-1], return_index=True)
    keep = np.sort(len(keys) - 1 - last)
    return x[keep, 0].numpy(), x[keep, 1].numpy(), y[keep, 0].numpy()

def main(argv=None):
    sys.stdout.reconfigure(line_buffering=True)  # each figure as soon as it is measured, also into a file
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--ratings', type=int, default=25_000_095, help='draws of the synthetic set (default: 25,000,095)')
    p.add_argument('--threads', type=int, default=None, help='PyTorch threads (default: PyTorch\'s)')
    args = p.parse_args(argv)
    if args.threads: torch.set_num_threads(args.threads)
    x, y, n_users, n_items = synthetic_ratings(args.ratings)
    users, items, ratings = distinct(x, y)
    del x, y
    print(f"{len(ratings):,} distinct ratings, {n_users:,} users, {n_items:,} items, {torch.get_num_threads()} threads")
    memory = 24 * 2**30
    print(f"'ease' would need {RANKERS['ease'].memory(n_items + 1, len(ratings)) / 2**30:,.1f} GiB; 'auto' chooses",
          repr(choose_ranker('auto', n_items + 1, len(ratings), memory).name))
    als = RANKERS['als']
    weights = rating_weights(ratings, (0.5, 5))
    reset_peak()
    start = time.perf_counter()
    state = als.fit(users, items, weights, n_users + 1, n_items + 1, seed=0, **als.settings)
    fit = time.perf_counter() - start
    print(f"'als' fit ({als.settings}): {fit:.1f} s, peak {peak_gb():.2f} GB")
    order = np.argsort(users, kind='stable')
    starts = np.searchsorted(users[order], np.arange(1, 1002))  # users 1 to 1,000
    histories = [(items[order][a:b], weights[order][a:b]) for a, b in zip(starts[:-1], starts[1:])]
    start = time.perf_counter()
    als.scores(state, histories, **als.settings).topk(10)
    print(f"top-10 lists of {len(histories):,} users: {time.perf_counter() - start:.2f} s")

if __name__ == '__main__': main()
