/**
 * Swatch colours for the catalog's colour names. Presentation only: a colour the table does not
 * know still shows, as a neutral swatch with its name beside it.
 */
const swatches: Record<string, string> = {
  black: '#16171a',
  white: '#f7f7f4',
  'grey heather': '#a3a6ab',
  charcoal: '#3b3e44',
  navy: '#1f2a48',
  sand: '#d9c9a8',
  olive: '#6b6f3f',
  'volt green': '#c9f03a',
  crimson: '#c1192f',
  'royal blue': '#2a4fc4',
  'sky blue': '#8ec5eb',
  teal: '#1d8585',
  'forest green': '#2e5a3c',
  burgundy: '#6c1f30',
  coral: '#f26b5b',
  orange: '#f47a1f',
  pink: '#f3a5c0',
  lavender: '#b7a5e0',
};

export function swatchColor(name: string): string {
  return swatches[name.toLowerCase()] ?? '#cbd5e1';
}
