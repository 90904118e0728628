/**
 * A page of a long list (the control page's cities, the audit log, the review queue, the ranking): which rows
 * to show and how to name the others. Pages count from 1; a page number out of range shows the nearest page.
 */
export type Page = {
  page: number;
  pages: number;
  size: number;
  offset: number;
  from: number;
  to: number;
  total: number;
};

export function pageOf(requested: string | undefined, total: number, size: number): Page {
  const pages = Math.max(1, Math.ceil(total / size));
  const asked = /^\d{1,9}$/.test(requested ?? "") ? Number(requested) : 1;
  const page = Math.min(pages, Math.max(1, asked));
  const offset = (page - 1) * size;
  return { page, pages, size, offset, from: total ? offset + 1 : 0, to: Math.min(total, offset + size), total };
}

/** The page numbers to link: the first, the last, and two either side of the current one; null marks a gap. */
export function pageLinks({ page, pages }: Pick<Page, "page" | "pages">): (number | null)[] {
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  return shown.flatMap((n, i) => (i > 0 && n - shown[i - 1]! > 1 ? [null, n] : [n]));
}
