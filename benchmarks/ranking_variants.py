"""Variants of the item-to-item ranker that did not beat it: MovieLens 100K, u1..u5, the ranking benchmark's protocol.

    python benchmarks/ranking_variants.py            # u1..u5
    python benchmarks/ranking_variants.py --folds 2  # u1, u2

For each split: train on the split's training ratings; for each user, rank every film they did not rate in training;
a film is relevant when the user's held-out rating is 4 or more; precision@10 and NDCG@10 averaged over users with a
relevant film (`collabnb.evaluate.ranking_scores`), then over the splits. Every row is measured in the same run as
collabnb's default (`Recommender.train`, whose 'ease' ranker orders `recommend`'s lists) and printed beside it:

- the 'ease' ranker's weights solved here in NumPy from the same rating-weighted matrix (a check that the variants
  below start from the same model);
- the same closed form, but with the "an item never speaks for itself" constraint solved exactly rather than by
  zeroing the diagonal afterwards;
- higher-order inputs (Steck and Liang, 2021): the 1,000 most co-rated pairs of films as extra inputs, each worth the
  product of its two films' weights; a pair never speaks for either of its films (solved exactly, as above);
- rating levels as separate inputs: "rated 4 or 5" and "rated 1 to 3" as two inputs per film, so that disliking a
  film can speak differently from liking it;
- a blend with RP3beta (Paudel and others, 2017: two steps of a random walk on the user-film graph, divided by the
  popularity of the film reached to the power 0.5), each user's scores standardised, one tenth RP3beta.
"""
import argparse, sys, time, warnings
import numpy as np, pandas as pd
from collabnb.evaluate import ranking_scores
from collabnb.ranking import rating_weights
from collabnb.ratings import movielens_split
from collabnb.recommender import Recommender

def weighted(train:pd.DataFrame):
    "(dense users-by-films matrix of rating weights, users index, films index)"
    users, items = pd.Index(sorted(train.user.unique())), pd.Index(sorted(train.item.unique()))
    W = np.zeros((len(users), len(items)))
    W[users.get_indexer(train.user), items.get_indexer(train.item)] = rating_weights(train.rating.to_numpy(), (1, 5))
    return W, users, items

def penalty(G, l2=300., dropout=0.5):
    "The 'ease' ranker's penalty on each input: `l2` plus the dropout term, `dropout / (1 - dropout)` times the input's own Gram entry"
    return l2 + dropout / (1 - dropout) * np.diag(G)

def ease_as_collabnb(W):
    "Scores from the 'ease' ranker's closed form: `I - (G + Λ)⁻¹Λ`, its diagonal then zeroed"
    G = W.T @ W
    lam = penalty(G)
    B = -np.linalg.inv(G + np.diag(lam)) * lam
    np.fill_diagonal(B, 0)
    return W @ B

def constrained(X, Y, lam, excluded):
    "Scores `X @ B`, `B` the ridge weights (penalty `lam` on each input) from inputs `X` to targets `Y` with `B[excluded[t], t] = 0` for each target `t`, solved exactly"
    G = X.T @ X
    P = np.linalg.inv(G + np.diag(lam))
    B = P @ (X.T @ Y)
    for t, rows in enumerate(excluded):
        rows = np.asarray(rows)
        B[:, t] -= P[:, rows] @ np.linalg.solve(P[np.ix_(rows, rows)], B[rows, t])
    return X @ B

def ease_exact(W):
    return constrained(W, W, penalty(W.T @ W), [[t] for t in range(W.shape[1])])

def pairs_as_inputs(W, n_pairs=1000, pair_l2=1000.):
    "The most co-rated pairs of films as extra inputs, worth the product of the two films' weights"
    A = (W > 0).astype(float)
    upper = np.triu_indices(W.shape[1], 1)
    top = np.argsort(-(A.T @ A)[upper], kind='stable')[:n_pairs]
    first, second = upper[0][top], upper[1][top]
    X = np.hstack([W, W[:, first] * W[:, second]])
    G = X.T @ X
    lam = np.r_[penalty(G[:W.shape[1], :W.shape[1]]), pair_l2 + np.diag(G)[W.shape[1]:]]
    excluded = [[t] for t in range(W.shape[1])]
    for k, (a, b) in enumerate(zip(first, second)): excluded[a].append(W.shape[1] + k); excluded[b].append(W.shape[1] + k)
    return constrained(X, W, lam, excluded)

def levels_as_inputs(W):
    "'Rated 4 or 5' and 'rated 1 to 3' as two inputs per film (a 4 weighs 0.8 in `rating_weights`)"
    liked = W >= 0.8 - 1e-6
    X = np.hstack([np.where(liked, W, 0), np.where(liked, 0, W)])
    n = W.shape[1]
    return constrained(X, W, penalty(X.T @ X), [[t, n + t] for t in range(n)])

def blend_rp3beta(W, share=0.1, beta=0.5):
    "A tenth of RP3beta's scores, each user's scores standardised first"
    A = (W > 0).astype(float)
    to_films = A / A.sum(1, keepdims=True)
    to_users = (A / np.maximum(A.sum(0, keepdims=True), 1)).T
    S = to_users @ to_films / np.maximum(A.sum(0), 1)[None] ** beta
    np.fill_diagonal(S, 0)
    z = lambda s: (s - s.mean(1, keepdims=True)) / (s.std(1, keepdims=True) + 1e-12)
    return (1 - share) * z(ease_as_collabnb(W)) + share * z(A @ S)

VARIANTS = {"the 'ease' ranker, solved here in NumPy": ease_as_collabnb, 'no self-weights, solved exactly': ease_exact,
            'pairs of films as inputs (1,000 pairs)': pairs_as_inputs, 'liked and not liked as separate inputs': levels_as_inputs,
            'a tenth RP3beta blended in': blend_rp3beta}

def scores(lists:dict, test:pd.DataFrame) -> tuple:
    "Mean precision@10 and NDCG@10 of `lists` ({user: films, best first}) over the users with a test rating of 4 or more"
    liked = test[test.rating >= 4].groupby('user').item.apply(set)
    res = pd.DataFrame([ranking_scores(lists.get(u, []), relevant, 10) for u, relevant in liked.items()])
    return res.precision.mean(), res.ndcg.mean()

def top10(S, W, users, items, wanted) -> dict:
    "Each wanted user's 10 best films by `S`, leaving out the films they rated"
    S = np.where(W > 0, -np.inf, S)
    rows = users.get_indexer(wanted)
    return {u: items[np.argsort(-S[r], kind='stable')[:10]].tolist() for u, r in zip(wanted, rows) if r >= 0}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--folds', type=int, default=5, help='how many of u1..u5 (default: all five)')
    args = p.parse_args(argv)
    warnings.filterwarnings('ignore')
    rows, seconds = {}, {}
    for name in ['u1', 'u2', 'u3', 'u4', 'u5'][:args.folds]:
        train, test = movielens_split(name)
        wanted = test.user.unique()
        start = time.perf_counter()
        rec = Recommender.train(train, valid_pct=0, seed=0, progress=False)
        lists = rec.top_n(list(wanted), 10).groupby('user', sort=False).item.agg(list).to_dict()
        rows.setdefault("collabnb's default (Recommender.train)", []).append(scores(lists, test))
        seconds.setdefault("collabnb's default (Recommender.train)", []).append(time.perf_counter() - start)
        W, users, items = weighted(train)
        for variant, score in VARIANTS.items():
            start = time.perf_counter()
            rows.setdefault(variant, []).append(scores(top10(score(W), W, users, items, wanted), test))
            seconds.setdefault(variant, []).append(time.perf_counter() - start)
        print(f"{name} done", file=sys.stderr)
    table = pd.DataFrame({k: dict(zip(('precision@10', 'ndcg@10'), np.mean(v, 0)), seconds=np.mean(seconds[k])) for k, v in rows.items()}).T
    base = table.iloc[0]
    table['precision vs default'] = table['precision@10'] - base['precision@10']
    table['ndcg vs default'] = table['ndcg@10'] - base['ndcg@10']
    print(f"MovieLens 100K, mean of {', '.join(['u1', 'u2', 'u3', 'u4', 'u5'][:args.folds])}:")
    print(table.to_string(float_format=lambda v: f'{v:.4f}'))

if __name__ == '__main__': main()
