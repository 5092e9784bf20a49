"""What a LIBMF user runs on a ratings CSV (userId, movieId, rating): pandas' read, ids to rows, 100,000 random rows held
out, 5 iterations on 2 threads, factors saved; prints the held-out RMSE. `large_data.py` part 2 times it as a process.
It imports only NumPy, pandas and LIBMF (not PyTorch), as such a user's script would.

    python benchmarks/libmf_run.py ratings.csv
"""
import contextlib, io, os, sys
import numpy as np, pandas as pd

def libmf_module():
    "LIBMF's Python binding (quietly: it prints where its library is), or None"
    try:
        with contextlib.redirect_stdout(io.StringIO()): from libmf import mf
        return mf
    except (ImportError, OSError): return None

def libmf_end_to_end(path, threads=2, epochs=5, held=100_000):
    "Read, number the ids, hold out `held` random rows, train `epochs` iterations, save the factors; print the held-out RMSE"
    mf = libmf_module()
    df = pd.read_csv(path, usecols=['userId', 'movieId', 'rating'])
    data = np.stack([pd.factorize(df.userId)[0], pd.factorize(df.movieId)[0], df.rating.to_numpy()], 1).astype(np.float32)
    del df
    valid = np.zeros(len(data), bool); valid[np.random.default_rng(0).choice(len(data), held, replace=False)] = True
    model = mf.MF(k=50, nr_threads=threads, nr_iters=epochs, quiet=True)
    model.fit(data[~valid])
    pred = model.predict(np.asfortranarray(data[valid][:, :2]))  # the binding reads its (n, 2) input column by column
    with open(os.devnull, 'wb') as out: np.save(out, model.p_factors()); np.save(out, model.q_factors())
    print(f"validation RMSE {float(np.sqrt(((pred - data[valid][:, 2]) ** 2).mean())):.4f}")

if __name__ == '__main__': libmf_end_to_end(sys.argv[1])
