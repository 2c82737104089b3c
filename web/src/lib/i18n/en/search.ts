// English texts, the same shape as zh-CN/search.ts. The search box.
export const search = {
  placeholder: 'Search names, codes, grid chiefs, places or pinyin initials',
  none: 'Nothing found',
  chief: 'Grid chief',
  kinds: {
    region: 'Administrative region',
    unifiedGrid: 'Unified grid',
    grid: 'Department grid',
    serviceCenter: 'Party–masses service centre',
    partyOrg: 'Party organization',
    unit: 'Unit',
  } as Record<string, string>,
}
