import { useEffect } from 'react';

/** The tab's title for a page; the server renders the same title for shareable URLs. */
export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Stride`;
  }, [title]);
}
