import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../errors.js';
import { escapeHtml, html, raw, type SafeHtml } from '../html.js';
import { registerPublicPlugin } from './auth.js';
import { encodedBody, encodingFor, type Encoding } from './compression.js';

/** Paths that belong to the API side; a miss there is a 404 problem, never the storefront page. */
const apiPrefixes = ['/api/', '/images/', '/gateway/', '/docs', '/openapi.json', '/metrics'];

/**
 * Pages that are someone's own or a step of a purchase: never a search result, so they say
 * `noindex` (robots.txt keeps well-behaved crawlers out of most of them too).
 */
const privatePath =
  /^\/(?:bag|checkout|sign-in|sign-up|reset-password|orders|account[^/]*|admin)(?:\/|$)/;

/** What robots.txt asks crawlers to leave alone: the API, and pages private to a shopper. */
const disallowed = ['/api/', '/checkout', '/bag', '/account', '/orders/', '/gateway/'];

/**
 * What the server says about one storefront page before any script runs: its status, and the head
 * a crawler or a link preview reads. Absent fields keep what index.html has.
 */
export interface PageHead {
  status: 200 | 404;
  title?: string;
  description?: string;
  /** The rest of the head (canonical, robots, Open Graph, JSON-LD), built with `html`. */
  tags: SafeHtml;
  /**
   * The API URL the page reads first when opened as is (no query string, no filters): preloaded, so
   * the browser fetches it while the script is still arriving, not after.
   */
  preload?: string;
}

/**
 * The head of the page at a path (without its query string), or null when index.html as built
 * will do. Returning the same object for the same page lets its rendered HTML be reused.
 */
export type PageHeads = (path: string) => Promise<PageHead | null>;

export interface StorefrontOptions {
  /** Where shoppers reach the store (absolute, no trailing slash needed): for robots.txt. */
  publicUrl: string;
  /** The heads of the pages the server knows about (the catalog's); none: every page as built. */
  heads?: PageHeads;
}

interface RenderedPage {
  status: number;
  etag: string;
  body: string;
  encoded: Partial<Record<Encoding, Buffer>>;
}

const rendered = (status: number, body: string): RenderedPage => ({
  status,
  etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
  body,
  encoded: {},
});

type Slot = 'title' | 'description' | 'tags';

/**
 * index.html cut where a page's own head goes, once (it changes only with a deploy), so rendering a
 * page is a few concatenations. The title and the description meta are replaced where they stand;
 * the other tags go just before `</head>` (or after the title, in a file without a head element).
 */
export function compileIndexHtml(indexHtml: string): (head: PageHead) => string {
  const cuts: { at: number; end: number; slot: Slot }[] = [];
  const find = (pattern: RegExp, slot: Slot) => {
    const match = pattern.exec(indexHtml);
    if (match) {
      cuts.push({ at: match.index, end: match.index + match[0].length, slot });
    }
    return match;
  };
  const title = find(/<title\b[^>]*>[\s\S]*?<\/title\s*>/i, 'title');
  const description = find(
    /<meta\s[^>]*\bname\s*=\s*["']?description(?=["'\s/>])[^>]*>/i,
    'description',
  );
  // Before `</head>`, indented as the head's children are (the line's own indent is rewritten).
  const headEnd = /([ \t]*)<\/head\s*>/i.exec(indexHtml);
  const indent = headEnd?.[1] ?? '';
  const tagsAt = headEnd
    ? headEnd.index
    : Math.max(
        0,
        ...cuts.map((cut) => cut.end),
        /^<!doctype[^>]*>/i.exec(indexHtml)?.[0].length ?? 0,
      );
  cuts.push({ at: tagsAt, end: tagsAt + indent.length, slot: 'tags' });
  cuts.sort((a, b) => a.at - b.at);

  const statics: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    statics.push(indexHtml.slice(from, cut.at));
    from = cut.end;
  }
  statics.push(indexHtml.slice(from));

  return (head) => {
    const titleTag =
      head.title === undefined ? (title?.[0] ?? '') : `<title>${escapeHtml(head.title)}</title>`;
    const descriptionTag =
      head.description === undefined
        ? (description?.[0] ?? '')
        : `<meta name="description" content="${escapeHtml(head.description)}" />`;
    // A tag the file lacks goes in with the others.
    const tags = [title ? '' : titleTag, description ? '' : descriptionTag, head.tags.value]
      .join('\n')
      .split('\n')
      .filter(Boolean);
    const fill: Record<Slot, string> = {
      title: titleTag,
      description: descriptionTag,
      tags: headEnd
        ? `${tags.map((tag) => `${indent}  ${tag}\n`).join('')}${indent}`
        : tags.join(''),
    };
    let out = statics[0] ?? '';
    cuts.forEach((cut, i) => {
      out += fill[cut.slot] + (statics[i + 1] ?? '');
    });
    return out;
  };
}

/** The body goes out as the browser accepts it; its encoded forms are made once and kept. */
function sendPage(request: FastifyRequest, reply: FastifyReply, page: RenderedPage) {
  reply
    .code(page.status)
    .header('content-type', 'text/html; charset=utf-8')
    // Revalidated on every visit: a deploy changes the asset names, a catalog change the head.
    .header('cache-control', 'no-cache')
    .header('etag', page.etag)
    .header('vary', 'accept-encoding');
  const ifNoneMatch = request.headers['if-none-match'];
  if (
    page.status === 200 &&
    ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === page.etag)
  ) {
    return reply.code(304).send();
  }
  const encoding = encodingFor(request.headers['accept-encoding'], page.body.length);
  if (!encoding) return reply.send(page.body);
  return reply.header('content-encoding', encoding).send(encodedBody(page, encoding));
}

/**
 * Serves the built storefront from the API's origin (one process, no CORS). Unknown paths get
 * index.html so the client-side router can take them; hashed assets are cached for a year, and sent
 * precompressed. Pages the server knows (`heads`) get their own title, description, canonical URL,
 * Open Graph tags and structured data in that index.html, and their true status, so a crawler or a
 * link preview that runs no script reads the page it was given; private pages say `noindex`.
 */
export async function registerStorefront(
  app: FastifyInstance,
  root: string,
  options: StorefrontOptions,
): Promise<void> {
  const indexHtml = readFileSync(join(root, 'index.html'), 'utf8');
  const render = compileIndexHtml(indexHtml);
  const asBuilt = rendered(200, indexHtml);
  // Served with the page as built when the page's facts cannot be read (a backend is down): the
  // shopper's browser still starts the storefront, and a crawler is told to come back later.
  const unavailable = rendered(503, indexHtml);
  const privatePage = rendered(
    200,
    render({ status: 200, tags: raw('<meta name="robots" content="noindex" />') }),
  );
  // Keyed by the head object: the catalog hands out the same one for as long as a page is unchanged.
  const pages = new WeakMap<PageHead, RenderedPage>();
  const preloading = new WeakMap<PageHead, RenderedPage>();
  const renderedFor = (head: PageHead, bare: boolean) => {
    // Only a page opened without a query string reads the preloaded URL; a filtered one would
    // fetch twice.
    const withPreload = bare && head.preload !== undefined;
    const cache = withPreload ? preloading : pages;
    let page = cache.get(head);
    if (!page) {
      // A plain template, so the tag stays on one line as the other head tags are.
      const preload = `<link rel="preload" href="${escapeHtml(head.preload ?? '')}" as="fetch" crossorigin="anonymous" />`;
      const tags = withPreload ? html`${head.tags}${raw(preload)}` : head.tags;
      cache.set(head, (page = rendered(head.status, render({ ...head, tags }))));
    }
    return page;
  };

  async function pageAt(request: FastifyRequest, path: string): Promise<RenderedPage> {
    if (privatePath.test(path)) return privatePage;
    if (!options.heads) return asBuilt;
    try {
      const head = await options.heads(path.length > 1 ? path.replace(/\/+$/, '') : path);
      return head ? renderedFor(head, !request.url.includes('?')) : asBuilt;
    } catch (error) {
      request.log.warn({ err: error }, 'storefront page head not rendered; sent the page as built');
      return unavailable;
    }
  }

  // One scope for the files and the fallback: `reply.sendFile` exists only where the static plugin
  // was registered.
  await registerPublicPlugin(
    app,
    async (scope: FastifyInstance) => {
      await scope.register(fastifyStatic, {
        root,
        wildcard: false,
        // `/` is a storefront page like any other (its head is rendered below), not the file.
        index: false,
        // Answered by the routes below, whatever the build puts there.
        globIgnore: ['robots.txt', 'sitemap*.xml'],
        // The build writes .br and .gz copies of every text file (web/scripts/precompress.mjs):
        // served as Accept-Encoding asks, never compressed per request.
        preCompressed: true,
        setHeaders(reply, path) {
          reply.header(
            'cache-control',
            path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      scope.get(
        '/*',
        { config: { auth: 'public' }, schema: { hide: true } },
        async (request, reply) => {
          const path = request.url.split('?')[0] ?? '/';
          if (apiPrefixes.some((prefix) => path.startsWith(prefix))) {
            throw new NotFound(`No route for GET ${path}.`);
          }
          return sendPage(request, reply, await pageAt(request, path));
        },
      );
    },
    {},
  );

  const robots = [
    'User-agent: *',
    'Allow: /',
    ...disallowed.map((path) => `Disallow: ${path}`),
    '',
    `Sitemap: ${options.publicUrl.replace(/\/+$/, '')}/sitemap.xml`,
    '',
  ].join('\n');
  app.get(
    '/robots.txt',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (_request, reply) =>
      reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(robots),
  );
}
