// Astro renders the editors' MDX in content/ into the static site in dist/, which api/ serves.
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
  site: 'http://localhost:4321',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // External, hashed CSS only: the CSP allows no inline style or script.
    inlineStylesheets: 'never',
  },
  // Editors' punctuation stays as they typed it (Finnish quotes are not English smart quotes).
  integrations: [mdx({ smartypants: false })],
  devToolbar: { enabled: false },
});
