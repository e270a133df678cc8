import { anonymous } from '../../../platform/context.js';
import { NotFound } from '../../../platform/errors.js';
import { html, raw, type SafeHtml } from '../../../platform/html.js';
import { decimalAmount } from '../../../platform/money.js';
import type { PageHead, PageHeads } from '../../../platform/http/storefront.js';
import type { CategoryNode, Product } from '../schemas.js';
import { slugParams } from '../schemas.js';
import type { CatalogService } from '../listing/service.js';

/**
 * The head of each catalog page as the server sends it (title, description, canonical URL, Open
 * Graph, schema.org Product data), so a crawler or a link preview that runs no script reads the
 * page it was given. Every value from the catalog is escaped: attribute values by `html`, and the
 * JSON-LD so that no text can end its script element.
 */

const siteName = 'Stride';
const brandLine = 'athletic apparel for running, training and everyday movement';
/** Search engines show about this many characters of a description. */
const descriptionLength = 160;
/** Product heads kept per process, by the product response's ETag (the least recently used out). */
const productHeadEntries = 500;

/** The same "Page · Stride" the storefront's `useDocumentTitle` sets in the browser. */
const pageTitle = (name: string) => `${name} · ${siteName}`;

/** Whitespace collapsed, and cut at a word before `length` characters with an ellipsis. */
export function summarise(text: string, length = descriptionLength): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > length / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

/**
 * JSON for a `<script>` element: `<` (and `>`, `&`, the JavaScript line separators) as escapes, so
 * text such as `</script>` or `<!--` in the data cannot end the element or change how it parses.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface HeadTags {
  canonical?: string;
  noindex?: boolean;
  /** Open Graph properties, in order (`og:title`, `product:price:amount`...). */
  openGraph?: [string, string][];
  jsonLd?: unknown;
}

function headTags({ canonical, noindex, openGraph = [], jsonLd }: HeadTags): SafeHtml {
  const tags: SafeHtml[] = [];
  if (noindex) tags.push(html`<meta name="robots" content="noindex" />`);
  if (canonical) tags.push(html`<link rel="canonical" href="${canonical}" />`);
  for (const [property, content] of openGraph) {
    tags.push(html`<meta property="${property}" content="${content}" />`);
  }
  if (openGraph.length > 0) tags.push(html`<meta name="twitter:card" content="summary" />`);
  if (jsonLd !== undefined) {
    tags.push(raw(`<script type="application/ld+json">${jsonForScript(jsonLd)}</script>`));
  }
  return raw(tags.map((tag) => `${tag.value}\n`).join(''));
}

/** A page that lists or introduces (home, the shop, a category). */
function websiteHead(title: string, description: string, url: string): PageHead {
  return {
    status: 200,
    title,
    description,
    tags: headTags({
      canonical: url,
      openGraph: [
        ['og:type', 'website'],
        ['og:site_name', siteName],
        ['og:title', title],
        ['og:description', description],
        ['og:url', url],
      ],
    }),
  };
}

/**
 * The first API read of each page as the storefront's client asks for it (web/src/features/catalog:
 * parameters in the order it writes them), preloaded by the page's HTML.
 */
export const firstRead = {
  home: '/api/v1/products?sort=newest&limit=8',
  shop: '/api/v1/products?limit=24',
  category: (slug: string) => `/api/v1/products?limit=24&category=${encodeURIComponent(slug)}`,
  product: (slug: string) => `/api/v1/products/${encodeURIComponent(slug)}`,
};

export const homeHead = (site: string): PageHead => ({
  ...websiteHead(
    `${siteName} — athletic apparel`,
    `${siteName} — ${brandLine}. Browse tees, shorts, layers and more.`,
    `${site}/`,
  ),
  preload: firstRead.home,
});

export const shopHead = (site: string): PageHead => ({
  ...websiteHead(pageTitle('Shop all'), `Every ${siteName} product: ${brandLine}.`, `${site}/shop`),
  preload: firstRead.shop,
});

export const categoryHead = (site: string, category: { slug: string; name: string }): PageHead => ({
  ...websiteHead(
    pageTitle(category.name),
    `Shop ${category.name} at ${siteName}: ${brandLine}.`,
    `${site}/shop/${encodeURIComponent(category.slug)}`,
  ),
  preload: firstRead.category(category.slug),
});

/** Search results change with every query: a page to use, not one to find in a search engine. */
export const searchHead = (): PageHead => ({
  status: 200,
  title: pageTitle('Search'),
  tags: headTags({ noindex: true }),
});

/** An unknown product or category: the storefront shows its own "not found" page. */
export const notFoundHead = (): PageHead => ({
  status: 404,
  title: pageTitle('Page not found'),
  tags: headTags({ noindex: true }),
});

const absolute = (site: string, url: string) =>
  /^https?:\/\//i.test(url) ? url : `${site}${url.startsWith('/') ? '' : '/'}${url}`;

export function productHead(site: string, product: Product): PageHead {
  const url = `${site}/products/${encodeURIComponent(product.slug)}`;
  const description = summarise(product.description);
  const images = [...new Set(product.images.map((image) => absolute(site, image.url)))];
  const inStock = product.variants.some((variant) => variant.available > 0);
  const price = decimalAmount(product.price);
  const image = images[0];
  return {
    status: 200,
    title: pageTitle(product.name),
    description,
    preload: firstRead.product(product.slug),
    tags: headTags({
      canonical: url,
      openGraph: [
        ['og:type', 'product'],
        ['og:site_name', siteName],
        ['og:title', product.name],
        ['og:description', description],
        ['og:url', url],
        ...(image ? ([['og:image', image]] as [string, string][]) : []),
        ...(image && product.images[0]?.alt
          ? ([['og:image:alt', product.images[0].alt]] as [string, string][])
          : []),
        ['product:price:amount', price],
        ['product:price:currency', product.price.currency],
        ['product:availability', inStock ? 'in stock' : 'out of stock'],
      ],
      jsonLd: {
        '@context': 'https://schema.org',
        '@type': 'Product',
        name: product.name,
        description: product.description,
        image: images,
        productID: product.id,
        url,
        brand: { '@type': 'Brand', name: siteName },
        category: product.category.name,
        offers: {
          '@type': 'Offer',
          url,
          // The product's price is its lowest variant's: the price the listing shows.
          price,
          priceCurrency: product.price.currency,
          availability: `https://schema.org/${inStock ? 'InStock' : 'OutOfStock'}`,
          itemCondition: 'https://schema.org/NewCondition',
        },
      },
    }),
  };
}

const flatten = (nodes: CategoryNode[]): CategoryNode[] =>
  nodes.flatMap((node) => [node, ...flatten(node.children)]);

export interface PageHeadsDeps {
  catalog: CatalogService;
  /** Where shoppers reach the store (PUBLIC_URL): every URL in a head is absolute. */
  publicUrl: string;
}

/**
 * The heads of the catalog's pages: `/`, `/shop`, `/shop/:categorySlug`, `/search` and
 * `/products/:slug`; other paths are not the catalog's (null). Products and categories are read
 * through the catalog service, so its cache answers; a head is built once per product response
 * (keyed by its ETag, which changes exactly when the product's JSON does) and per category tree.
 */
export function createPageHeads(deps: PageHeadsDeps): PageHeads {
  const { catalog } = deps;
  const site = deps.publicUrl.replace(/\/+$/, '');
  const fixed = new Map<string, PageHead>([
    ['/', homeHead(site)],
    ['/shop', shopHead(site)],
    ['/search', searchHead()],
  ]);
  const notFound = notFoundHead();
  const products = new Map<string, PageHead>();
  let categories: { etag: string; bySlug: Map<string, PageHead> } | undefined;

  async function productPage(slug: string): Promise<PageHead> {
    let response;
    try {
      response = await catalog.getProduct(anonymous, slug);
    } catch (error) {
      if (error instanceof NotFound) return notFound;
      throw error;
    }
    let head = products.get(response.etag);
    if (head) {
      products.delete(response.etag);
    } else {
      head = productHead(site, JSON.parse(response.body) as Product);
      if (products.size >= productHeadEntries) {
        products.delete(products.keys().next().value as string);
      }
    }
    products.set(response.etag, head);
    return head;
  }

  async function categoryPage(slug: string): Promise<PageHead> {
    const response = await catalog.listCategories(anonymous);
    if (categories?.etag !== response.etag) {
      const tree = JSON.parse(response.body) as { items: CategoryNode[] };
      categories = {
        etag: response.etag,
        bySlug: new Map(flatten(tree.items).map((c) => [c.slug, categoryHead(site, c)])),
      };
    }
    return categories.bySlug.get(slug) ?? notFound;
  }

  return async (path) => {
    const known = fixed.get(path);
    if (known) return known;
    const match = /^\/(products|shop)\/([^/]+)$/.exec(path);
    // Any other public path is no page of the storefront's: a true 404, not a soft one.
    if (!match?.[2]) return notFound;
    let slug: string;
    try {
      slug = decodeURIComponent(match[2]);
    } catch {
      return notFound;
    }
    // What the product API would refuse is not worth a query.
    if (!slugParams.shape.slug.safeParse(slug).success) return notFound;
    return match[1] === 'products' ? productPage(slug) : categoryPage(slug);
  };
}
