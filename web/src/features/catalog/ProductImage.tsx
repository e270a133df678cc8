import { useState } from 'react';
import type { Schemas } from '../../api/client';

type Image = Pick<Schemas['Image'], 'url' | 'width' | 'height' | 'placeholder' | 'srcset'>;

/** How wide a listing card is shown: half the phone, then a third, then a column of the grid. */
export const cardSizes =
  '(min-width: 1200px) 300px, (min-width: 900px) 25vw, (min-width: 640px) 33vw, 50vw';
/** The product page's main image: the whole phone, then the gallery's column beside the details. */
export const gallerySizes = '(min-width: 1200px) 640px, (min-width: 900px) 54vw, 100vw';

/**
 * A product photo as `<picture>`: AVIF and WebP sources and the JPEG fallback, each at every width
 * the API made, so the browser fetches the smallest that fills `sizes` at the screen's density.
 * `width`/`height` keep its place (no layout shift), and the blurred placeholder shows until the
 * image has loaded. A drawn illustration (an SVG, no renditions) is a plain `<img>`.
 */
export function ProductImage({
  image,
  alt,
  sizes,
  width,
  height,
  eager = false,
}: {
  image: Image;
  alt: string;
  sizes: string;
  /** The box's size when the image does not say (a drawing): the card's 4:5. */
  width: number;
  height: number;
  eager?: boolean;
}) {
  const [loaded, setLoaded] = useState(false);
  const common = {
    alt,
    width: image.width ?? width,
    height: image.height ?? height,
    loading: eager ? ('eager' as const) : ('lazy' as const),
    fetchPriority: eager ? ('high' as const) : undefined,
    decoding: 'async' as const,
  };
  const srcset = image.srcset;
  if (!srcset) return <img src={image.url} {...common} />;
  const set = (format: string) =>
    srcset.widths.map((w) => `${srcset.base}-${w}.${format} ${w}w`).join(', ');
  return (
    <picture>
      {srcset.formats
        .filter((format) => format !== 'jpg')
        .map((format) => (
          <source key={format} type={`image/${format}`} srcSet={set(format)} sizes={sizes} />
        ))}
      <img
        src={image.url}
        srcSet={set('jpg')}
        sizes={sizes}
        {...common}
        onLoad={() => setLoaded(true)}
        style={
          image.placeholder && !loaded
            ? { backgroundImage: `url("${image.placeholder}")`, backgroundSize: 'cover' }
            : undefined
        }
      />
    </picture>
  );
}
