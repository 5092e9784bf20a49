// "Rate a few films" (rate_films.html): a newcomer folded into a trained dot-product model and given
// recommendations, in the browser. The sums are those of collabnb's `Recommender.add_user` + `recommend`:
// the list is ordered by the 'ease' ranker (each rated film adds its weights, scaled by the rating, to
// every film's score), and each film's predicted rating comes from the dot product, where only the
// newcomer's row (factors and bias) is fitted, the items stay frozen, and a penalty pulls the row
// toward the mean user, so that a single rating cannot throw it far. The model comes from
// rate_films_model.js (written by `write_browser_model` when the site is built). Node can load this
// file too (`require`), which is how the notebook checks it against Python.
(function (root) {
  'use strict';

  function bytes(base64) {  // the bytes of a base64 string, in a fresh (aligned) buffer
    return typeof Buffer !== 'undefined' ? Uint8Array.from(Buffer.from(base64, 'base64')).buffer
                                         : Uint8Array.from(atob(base64), c => c.charCodeAt(0)).buffer;
  }
  const floats = base64 => new Float32Array(bytes(base64));   // little-endian float32 values
  const uint16s = base64 => new Uint16Array(bytes(base64));   // little-endian uint16 values

  function loadModel(raw) {
    const k = raw.n_factors, n = raw.titles.length;
    const factors = floats(raw.item_factors), bias = floats(raw.item_bias);
    if (factors.length !== n * k || bias.length !== n) throw new Error('rate_films_model.js: the tables do not match the titles');
    let ranker = null;
    if (raw.ranker) {  // each film's strongest weights: the films it speaks for (rows from 0) and how much
      const m = raw.ranker.neighbours, films = uint16s(raw.ranker.items), weights = floats(raw.ranker.weights);
      if (films.length !== n * m || weights.length !== n * m) throw new Error('rate_films_model.js: the ranker does not match the titles');
      ranker = {m, films, weights, floor: raw.ranker.floor};
    }
    return {k, n, factors, bias, ranker, titles: raw.titles, ids: raw.ids, popular: raw.popular, reg: raw.reg,
            start: Float64Array.from([...floats(raw.user_factors), ...floats(raw.user_bias)]),
            yRange: raw.y_range, ratingRange: raw.rating_range};
  }

  // z = u.v_i + b + b_i for item row i, with theta = [u, b]
  function logit(m, theta, i) {
    let z = theta[m.k] + m.bias[i];
    for (let f = 0, o = i * m.k; f < m.k; f++) z += theta[f] * m.factors[o + f];
    return z;
  }

  // The objective times the number of ratings: sum of squared errors + reg * |theta - start|^2,
  // its gradient, and two curvatures: Newton's (exact) and Gauss-Newton's (always positive definite).
  function objective(m, rows, ys, theta, withCurvature) {
    const d = m.k + 1, [lo, hi] = m.yRange, w = hi - lo;
    let f = 0;
    const g = new Float64Array(d), newton = withCurvature ? new Float64Array(d * d) : null, gauss = withCurvature ? new Float64Array(d * d) : null;
    for (let a = 0; a < d; a++) { const diff = theta[a] - m.start[a]; f += m.reg * diff * diff; g[a] = 2 * m.reg * diff; }
    const x = new Float64Array(d); x[m.k] = 1;
    rows.forEach((i, j) => {
      const s = 1 / (1 + Math.exp(-logit(m, theta, i))), r = lo + w * s - ys[j];
      const ds = w * s * (1 - s), dds = ds * (1 - 2 * s);
      f += r * r;
      for (let a = 0; a < m.k; a++) x[a] = m.factors[i * m.k + a];
      for (let a = 0; a < d; a++) g[a] += 2 * r * ds * x[a];
      if (!withCurvature) return;
      const cGauss = 2 * ds * ds, cNewton = cGauss + 2 * r * dds;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) { gauss[a * d + b] += cGauss * x[a] * x[b]; newton[a * d + b] += cNewton * x[a] * x[b]; }
    });
    if (withCurvature) for (let a = 0; a < d; a++) { gauss[a * d + a] += 2 * m.reg; newton[a * d + a] += 2 * m.reg; }
    return {f, g, newton, gauss};
  }

  // Solve H x = -g by Cholesky; null when H is not positive definite
  function newtonStep(H, g) {
    const d = g.length, L = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
      let s = H[i * d + j];
      for (let p = 0; p < j; p++) s -= L[i * d + p] * L[j * d + p];
      if (i === j) { if (!(s > 1e-12)) return null; L[i * d + i] = Math.sqrt(s); } else L[i * d + j] = s / L[j * d + j];
    }
    const y = new Float64Array(d), x = new Float64Array(d);
    for (let i = 0; i < d; i++) { let s = -g[i]; for (let p = 0; p < i; p++) s -= L[i * d + p] * y[p]; y[i] = s / L[i * d + i]; }
    for (let i = d - 1; i >= 0; i--) { let s = y[i]; for (let p = i + 1; p < d; p++) s -= L[p * d + i] * x[p]; x[i] = s / L[i * d + i]; }
    return x;
  }

  // The newcomer's row [factors, bias] fitted to `ratings` ({item row: rating}); the mean user's row when there are none
  function foldIn(m, ratings) {
    const rows = Object.keys(ratings).map(Number), ys = rows.map(i => ratings[i]);
    let theta = Float64Array.from(m.start);
    if (!rows.length) return theta;
    for (let it = 0; it < 100; it++) {
      const cur = objective(m, rows, ys, theta, true);
      let step = newtonStep(cur.newton, cur.g);
      let slope = step ? step.reduce((s, v, a) => s + v * cur.g[a], 0) : 0;
      if (!(slope < 0)) { step = newtonStep(cur.gauss, cur.g); slope = step.reduce((s, v, a) => s + v * cur.g[a], 0); }
      if (!(slope < -1e-14 * (1 + cur.f))) break;  // no descent left: the gradient is zero to rounding
      let t = 1, next;
      while (t > 1e-10) {  // backtracking until the objective drops enough (Armijo)
        next = theta.map((v, a) => v + t * step[a]);
        if (objective(m, rows, ys, next, false).f <= cur.f + 1e-4 * t * slope) break;
        t /= 2;
      }
      if (t <= 1e-10) break;
      theta = next;
    }
    return theta;
  }

  // Every film's ranker score from `ratings`, and the rated film that adds most to each (-1: none)
  function rankerScores(m, ratings) {
    const r = m.ranker, [rlo, rhi] = m.ratingRange;
    const score = new Float64Array(m.n), because = new Int32Array(m.n).fill(-1), best = new Float64Array(m.n).fill(-Infinity);
    for (const j of Object.keys(ratings).map(Number).sort((a, b) => a - b)) {
      const w = r.floor + (1 - r.floor) * Math.min(1, Math.max(0, (ratings[j] - rlo) / (rhi - rlo)));
      for (let p = j * r.m; p < (j + 1) * r.m; p++) {
        const i = r.films[p], part = w * r.weights[p];
        score[i] += part;
        if (part > best[i]) { best[i] = part; because[i] = j; }
      }
    }
    return {score, because};
  }

  // The `n` best items for the newcomer, leaving out those they rated: ordered by the ranker's score (by
  // the predicted rating before any rating), each with its predicted rating, clipped to the data's range
  function recommend(m, ratings, n = 10) {
    const theta = foldIn(m, ratings), [lo, hi] = m.yRange, [rlo, rhi] = m.ratingRange;
    const ranked = m.ranker && Object.keys(ratings).length ? rankerScores(m, ratings) : null;
    const scored = [];
    for (let i = 0; i < m.n; i++) if (!(i in ratings)) scored.push([ranked ? ranked.score[i] : logit(m, theta, i), i]);
    scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return scored.slice(0, n).map(([s, i]) => ({row: i, id: m.ids[i], title: m.titles[i], score: s,
      because: ranked && ranked.because[i] >= 0 ? m.titles[ranked.because[i]] : null,
      prediction: Math.min(rhi, Math.max(rlo, lo + (hi - lo) / (1 + Math.exp(-logit(m, theta, i)))))}));
  }

  // The page: a list of films to rate (the most rated ones, and any found by title), recommendations on every change
  function mount(el, m) {
    const ratings = {}, shown = [];
    const list = el.querySelector('.rate-choices'), results = el.querySelector('.rate-results');
    const summary = el.querySelector('.rate-summary'), find = el.querySelector('.rate-find'), options = el.querySelector('#rate-titles');
    const byTitle = new Map(m.titles.map((t, i) => [t, i]));
    m.titles.forEach(t => { const o = document.createElement('option'); o.value = t; options.appendChild(o); });
    function refresh() {
      const n = Object.keys(ratings).length;
      summary.textContent = n ? `From your ${n} rating${n > 1 ? 's' : ''}, the model's ten best films for you:`
                              : 'Before you rate anything you are the average user; these are the ten best films for them:';
      results.replaceChildren(...recommend(m, ratings, 10).map(r => {
        const li = document.createElement('li');
        li.innerHTML = '<span class="rate-title"></span> <span class="rate-prediction"></span><span class="rate-because"></span>';
        li.children[0].textContent = r.title; li.children[1].textContent = r.prediction.toFixed(2);
        li.children[2].textContent = r.because ? `because you rated ${r.because}` : '';
        li.dataset.row = r.row;
        return li;
      }));
    }
    function addFilm(i, first) {
      if (shown.includes(i)) return;
      shown.push(i);
      const li = document.createElement('li');
      li.dataset.row = i;
      li.innerHTML = '<span class="rate-title"></span><span class="rate-stars" role="group"></span>';
      li.firstChild.textContent = m.titles[i];
      li.lastChild.setAttribute('aria-label', `Your rating of ${m.titles[i]}`);
      for (let r = 1; r <= 5; r++) {
        const b = document.createElement('button');
        b.type = 'button'; b.textContent = '★'; b.dataset.rating = r;
        b.setAttribute('aria-label', `${r} of 5`); b.setAttribute('aria-pressed', 'false');
        b.addEventListener('click', () => {
          if (ratings[i] === r) delete ratings[i]; else ratings[i] = r;  // a second click on the same star takes the rating back
          li.lastChild.querySelectorAll('button').forEach(o => {
            o.classList.toggle('on', ratings[i] >= +o.dataset.rating);
            o.setAttribute('aria-pressed', String(ratings[i] === +o.dataset.rating));
          });
          refresh();
        });
        li.lastChild.appendChild(b);
      }
      if (first) list.prepend(li); else list.appendChild(li);
    }
    m.popular.forEach(i => addFilm(i, false));
    // Titles that hold every word typed, in any case, those that start with it first ('titanic' finds 'Titanic (1997)')
    function matching(text) {
      const q = text.toLowerCase(), words = q.split(/\s+/);
      const hits = m.titles.map((t, i) => [t.toLowerCase(), i]).filter(([t]) => words.every(w => t.includes(w)));
      return hits.sort(([a], [b]) => b.startsWith(q) - a.startsWith(q)).map(([, i]) => i);
    }
    find.addEventListener('change', () => {
      const text = find.value.trim();
      find.setCustomValidity('');
      if (!text) return;  // an emptied box asks for nothing
      const rows = byTitle.has(text) ? [byTitle.get(text)] : matching(text).slice(0, 5);
      if (!rows.length) { find.setCustomValidity(`No film title holds "${text}"`); find.reportValidity(); return; }
      find.value = '';
      rows.slice().reverse().forEach(i => addFilm(i, true));  // the best match ends up first
      list.querySelector(`li[data-row="${rows[0]}"] button`).focus();
    });
    el.querySelector('.rate-clear').addEventListener('click', () => {
      for (const i of Object.keys(ratings)) delete ratings[i];
      list.querySelectorAll('button').forEach(b => { b.classList.remove('on'); b.setAttribute('aria-pressed', 'false'); });
      refresh();
    });
    el.classList.add('ready');
    refresh();
  }

  const api = {loadModel, foldIn, recommend};
  if (typeof module === 'object' && module.exports) module.exports = api;
  else {
    root.collabnbRate = api;
    const start = () => {
      const el = document.getElementById('rate-films');
      if (!el) return;
      if (!root.COLLABNB_RATE_MODEL) { el.querySelector('.rate-summary').textContent = 'The model file rate_films_model.js did not load.'; return; }
      mount(el, loadModel(root.COLLABNB_RATE_MODEL));
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
  }
})(typeof window !== 'undefined' ? window : globalThis);
