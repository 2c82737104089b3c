import path from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

const root = import.meta.dirname
const api = 'http://127.0.0.1:3000'

export default defineConfig({
  root,
  plugins: [svelte()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // font subsets stay files: the map fetches them (connect-src 'self' refuses data: URLs)
    assetsInlineLimit: (file) => (file.endsWith('.woff2') ? false : undefined),
  },
  server: {
    proxy: { '/api': api, '/tiles': api, '/docs': api },
  },
})
