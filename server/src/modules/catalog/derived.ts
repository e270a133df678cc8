/**
 * What a product row shows that its variants decide, derived one way by every catalog write (the
 * admin API's `syncProduct`, the CSV import's plan): colours and sizes in display order, the
 * cheapest variant's price, and the URL of each colour's drawn illustration.
 */

/** Values in their previous order first (the team may have arranged it), then new ones as they come. */
export function displayOrder(previous: readonly string[], used: readonly string[]): string[] {
  const present = new Set(used);
  return [...new Set([...previous.filter((value) => present.has(value)), ...used])];
}

/** The cheapest item, the first of equals (so position order settles a tie); undefined for none. */
export function cheapest<T>(items: readonly T[], priceOf: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || priceOf(item) < priceOf(best) ? item : best),
    undefined,
  );
}

/** A colour's part of a drawn image's URL: 'Baker's Red' → 'baker-s-red'. */
export const colorFile = (color: string) =>
  color
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The drawn illustration of a product in a colour, at the URL the image route
 * (`media/drawn-image-routes.ts`) serves; null for a colour with no Latin letter or digit, which has
 * no drawable URL.
 */
export function drawnImageUrl(slug: string, color: string): string | null {
  const file = colorFile(color);
  return file ? `/images/products/${slug}/${file}.svg` : null;
}
