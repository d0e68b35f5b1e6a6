// Astro renders the editors' MDX in content/ into the static site in dist/, which api/ serves.
import { satteri } from '@astrojs/markdown-satteri';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import GithubSlugger from 'github-slugger';
import { siteOrigin } from './api/site/stale.ts';

/** Pages the sitemap leaves out: the server's own (staff, requests, search), the shell and the 404 page. */
const unlisted = /^\/(henkilosto|pyynto|haku|_shell|404)(\/|$)/;

/** The MDX whose sections get a link to themselves: the notice and the rights pages (with their shared parts). */
const anchored = /\/content\/(tietosuojaseloste\.mdx$|oikeudet\/|yhteiset\/)/;

/**
 * A Sätteri hast plugin: after each ## and ### heading, a link to it ("#", shown on hover and focus, named
 * "Linkki tähän kohtaan: <heading>"). Outside the heading, so its text and accessible name stay the heading's own.
 * Astro's heading-id plugin runs after user plugins and keeps an id that is set, so the ids are given here, with
 * the same slugger, as it would give them.
 */
const headingAnchors = ({ fileURL }) => {
  if (!fileURL || !anchored.test(fileURL.pathname)) return null;
  const slugger = new GithubSlugger();
  return {
    name: 'heading-anchors',
    element: {
      filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
      visit(node, ctx) {
        const text = ctx.textContent(node);
        const existing = node.properties?.id;
        const id = typeof existing === 'string' ? existing : slugger.slug(text);
        if (typeof existing !== 'string') ctx.setProperty(node, 'id', id);
        if (node.tagName !== 'h2' && node.tagName !== 'h3') return;
        ctx.insertAfter(node, {
          type: 'element',
          tagName: 'a',
          properties: { className: ['anchor', `anchor-${node.tagName}`], href: `#${id}`, ariaLabel: `Linkki tähän kohtaan: ${text.trim()}` },
          children: [{ type: 'element', tagName: 'span', properties: { ariaHidden: 'true' }, children: [{ type: 'text', value: '#' }] }],
        });
      },
    },
  };
};

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
  // The public address (PUBLIC_URL) for canonical links, Open Graph, the sitemap and robots.txt; `npm start`
  // rebuilds when it changes (api/site/stale.ts).
  site: siteOrigin(process.env.PUBLIC_URL),
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // External, hashed CSS only: the CSP allows no inline style or script.
    inlineStylesheets: 'never',
  },
  markdown: { processor: satteri({ hastPlugins: [headingAnchors] }) },
  // Editors' punctuation stays as they typed it (Finnish quotes are not English smart quotes).
  integrations: [mdx({ smartypants: false }), sitemap({ filter: (page) => !unlisted.test(new URL(page).pathname) })],
  devToolbar: { enabled: false },
});
