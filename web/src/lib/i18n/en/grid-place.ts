// English texts, the same shape as zh-CN/grid-place.ts. A published unified grid as a place.
export const gridPlace = {
  title: 'Unified grid',
  households: 'Households',
  householdsExplain:
    "This grid's households against its community's household norm (urban communities 300–500 by default)",
  norm: 'Norm {min}–{max} households',
  noNorm: 'No household norm (rural grids follow natural villages)',
  outsideNorm: 'Outside the norm',
  chief: 'Grid chief',
  noChief: 'Not registered',
  fullTime: 'Full-time grid workers',
  fullTimeNorm: 'Norm: at least {n}',
  partTime: 'Part-time grid workers',
  instructors: 'Grid instructors',
  staffExplain: 'Grid staff registered on the department grids that make up this grid',
  population: 'Population points',
  populationExplain: 'Population points inside this grid, with their residents and households',
  residents: 'Residents',
  area: 'Area (km²)',
}
