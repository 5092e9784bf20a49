// What every page of the site does once it has loaded (included after each page's body by _quarto.yml)
(function () {
  // On a phone the contents list follows the title, folded: the page's first screen is its title and text
  document.querySelectorAll('#TOC-body').forEach(nav => {
    const title = nav.querySelector('h2'), fold = document.createElement('details'), label = document.createElement('summary');
    label.textContent = title ? title.textContent : 'On this page';
    fold.append(label, ...Array.from(nav.children).filter(c => c !== title));
    if (title) title.remove();
    nav.append(fold);
  });

  // A table wider than the text column is shown stacked: a block per row, each value after its column's name
  const main = document.querySelector('main.content');
  if (!main) return;
  const tables = Array.from(main.querySelectorAll('table'));
  tables.forEach(table => {
    // the header row that names most columns (pandas adds a row for the index's name, with the other cells empty)
    const named = row => Array.from(row.cells).filter(h => h.textContent.trim()).length;
    const head = table.tHead ? Array.from(table.tHead.rows).reduce((a, r) => (named(r) > named(a) ? r : a)) : null;
    const names = head ? Array.from(head.cells).map(h => h.textContent.trim()) : [];
    Array.from(table.tBodies).forEach(body => Array.from(body.rows).forEach(row => {
      const offset = names.length - row.cells.length;  // a row with fewer cells than the header lines up with its right end
      Array.from(row.cells).forEach((cell, i) => { const name = names[i + Math.max(offset, 0)]; if (name) cell.dataset.label = name; });
    }));
  });
  const fit = () => {
    const column = main.getBoundingClientRect();
    tables.forEach(table => {
      table.classList.remove('stacked');
      const r = table.getBoundingClientRect();
      if (r.right > column.right + 1 || r.left < column.left - 1) table.classList.add('stacked');
    });
  };
  fit();
  window.addEventListener('resize', fit);
})();
