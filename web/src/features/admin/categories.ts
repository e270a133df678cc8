import { useQuery } from '@tanstack/react-query';
import type { Category } from '../../api/client';
import { categoriesQuery } from '../catalog/api';

export interface FlatCategory {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  depth: number;
  /** "Running › Tops": where it sits, for pickers. */
  path: string;
}

/** The category tree as a list in tree order, each with its depth and path. */
export function flatten(tree: Category[], depth = 0, parents: string[] = []): FlatCategory[] {
  return tree.flatMap((category) => [
    {
      id: category.id,
      slug: category.slug,
      name: category.name,
      parentId: category.parentId,
      depth,
      path: [...parents, category.name].join(' › '),
    },
    ...flatten(category.children, depth + 1, [...parents, category.name]),
  ]);
}

export function useFlatCategories() {
  return useQuery({
    ...categoriesQuery,
    select: (data) => flatten(data.items),
  });
}
