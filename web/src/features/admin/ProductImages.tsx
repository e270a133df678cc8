import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../../api/client';
import { ErrorNotice, Loading } from '../../app/states';
import { ProductImage } from '../catalog/ProductImage';
import { ConfirmButton } from './ui';
import { adminKeys, adminQueries } from './api';

type AdminProduct = Schemas['AdminProduct'];

/**
 * Photos per colour: upload (the API judges the type from the bytes and makes every size), reorder,
 * choose each colour's main image (shown first, and on the card for the first colour), delete.
 */
export function ProductImages({ product }: { product: AdminProduct }) {
  const queryClient = useQueryClient();
  const images = useQuery(adminQueries.productImages(product.id));
  const fileRef = useRef<HTMLInputElement>(null);
  const [color, setColor] = useState(product.colors[0] ?? '');
  const [alt, setAlt] = useState('');
  const [problem, setProblem] = useState('');
  const done = (data: Schemas['AdminProductImages']) =>
    queryClient.setQueryData(adminKeys.productImages(product.id), data);

  const upload = useMutation({
    mutationFn: (file: File) =>
      call(
        api.POST('/api/v1/admin/products/{id}/images', {
          params: { path: { id: product.id } },
          body: { color, ...(alt.trim() ? { alt: alt.trim() } : {}), file: '' },
          bodySerializer: () => {
            const form = new FormData();
            form.append('color', color);
            if (alt.trim()) form.append('alt', alt.trim());
            form.append('file', file);
            return form;
          },
        }),
      ),
    onSuccess: (data) => {
      done(data);
      setAlt('');
      if (fileRef.current) fileRef.current.value = '';
    },
  });
  const reorder = useMutation({
    mutationFn: (body: { color: string; imageIds: string[] }) =>
      call(
        api.PATCH('/api/v1/admin/products/{id}/images/order', {
          params: { path: { id: product.id } },
          body,
        }),
      ),
    onSuccess: done,
  });
  const setMain = useMutation({
    mutationFn: (imageId: string) =>
      call(
        api.PUT('/api/v1/admin/products/{id}/images/{imageId}/main', {
          params: { path: { id: product.id, imageId } },
        }),
      ),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: (imageId: string) =>
      call(
        api.DELETE('/api/v1/admin/products/{id}/images/{imageId}', {
          params: { path: { id: product.id, imageId } },
        }),
      ),
    onSuccess: done,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return setProblem('Choose an image file.');
    if (file.size > 20 * 1024 * 1024) return setProblem('The file is over 20 MB.');
    setProblem('');
    upload.mutate(file);
  }

  if (images.isPending) return <Loading label="Loading images…" />;
  if (images.isError) return <ErrorNotice error={images.error} retry={() => images.refetch()} />;
  const failure = upload.error ?? reorder.error ?? setMain.error ?? remove.error;
  return (
    <>
      {product.colors.map((c) => {
        const ofColor = images.data.items.filter((image) => image.color === c);
        const move = (from: number, to: number) => {
          const ids = ofColor.map((image) => image.id);
          const [moved] = ids.splice(from, 1);
          ids.splice(to, 0, moved!);
          reorder.mutate({ color: c, imageIds: ids });
        };
        return (
          <div key={c} className="image-row">
            <h3>{c}</h3>
            {ofColor.length === 0 ? (
              <p className="muted">No images.</p>
            ) : (
              <ol className="image-list">
                {ofColor.map((image, i) => (
                  <li key={image.id}>
                    <ProductImage
                      image={image}
                      alt={image.alt}
                      sizes="80px"
                      width={80}
                      height={100}
                    />
                    <span className="image-list__actions">
                      {image.main ? (
                        <span className="badge badge--main">Main image</span>
                      ) : (
                        <button
                          type="button"
                          className="link-button"
                          disabled={setMain.isPending}
                          onClick={() => setMain.mutate(image.id)}
                        >
                          Make main<span className="visually-hidden"> ({image.alt})</span>
                        </button>
                      )}
                      <button
                        type="button"
                        className="link-button"
                        disabled={i === 0}
                        onClick={() => move(i, i - 1)}
                      >
                        Earlier<span className="visually-hidden"> ({image.alt})</span>
                      </button>
                      <button
                        type="button"
                        className="link-button"
                        disabled={i === ofColor.length - 1}
                        onClick={() => move(i, i + 1)}
                      >
                        Later<span className="visually-hidden"> ({image.alt})</span>
                      </button>
                      <ConfirmButton
                        label="Delete"
                        question="Delete this image?"
                        onConfirm={() => remove.mutate(image.id)}
                      />
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        );
      })}
      <form className="inline-form" onSubmit={submit} noValidate aria-label="Upload an image">
        <div className="field">
          <label htmlFor="image-file">Image (PNG, JPEG, WebP or AVIF)</label>
          <input
            id="image-file"
            ref={fileRef}
            type="file"
            accept="image/png,image/jpeg,image/webp,image/avif"
          />
        </div>
        <div className="field">
          <label htmlFor="image-color">Colour</label>
          <select id="image-color" value={color} onChange={(e) => setColor(e.target.value)}>
            {product.colors.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="image-alt">Description for screen readers</label>
          <input id="image-alt" value={alt} onChange={(e) => setAlt(e.target.value)} />
        </div>
        <button type="submit" className="button button--small" disabled={upload.isPending}>
          Upload
        </button>
        <p className="field-error" role={problem ? 'alert' : undefined}>
          {problem}
        </p>
      </form>
      {failure && <ErrorNotice error={failure} title="Not changed." />}
    </>
  );
}
