import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { type Page, pageLinks } from "@/lib/pagination";

/**
 * Which rows of a long list are shown, and links to the other pages. `href` builds a page's address with the
 * list's filters kept, so that counts and filters stay the server's.
 */
export async function Pagination({ page, label, href }: { page: Page; label: string; href: (page: number) => string }) {
  const t = await getTranslations("pagination");
  const link = "rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-50";
  return (
    <nav aria-label={label} className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-600" data-testid="page-summary">
        {page.total ? t("summary", { from: page.from, to: page.to, total: page.total }) : t("none")}
      </span>
      {page.pages > 1 && (
        <>
          {page.page > 1 && (
            <Link href={href(page.page - 1)} className={link} rel="prev">
              {t("previous")}
            </Link>
          )}
          {pageLinks(page).map((n, i) =>
            n === null ? (
              <span key={`gap-${i}`} aria-hidden="true">
                …
              </span>
            ) : n === page.page ? (
              <span key={n} aria-current="page" className="rounded bg-brand-600 px-2 py-0.5 font-medium text-white">
                {n}
              </span>
            ) : (
              <Link key={n} href={href(n)} className={link} aria-label={t("page", { page: n })}>
                {n}
              </Link>
            ),
          )}
          {page.page < page.pages && (
            <Link href={href(page.page + 1)} className={link} rel="next">
              {t("next")}
            </Link>
          )}
        </>
      )}
    </nav>
  );
}

/** An address with the current filters and a page number (page 1 is left out, as people type it). */
export function pageHref(path: string, filters: Record<string, string | undefined>, page: number): string {
  const query = new URLSearchParams(
    Object.entries({ ...filters, page: page > 1 ? String(page) : undefined }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
    ),
  ).toString();
  return query ? `${path}?${query}` : path;
}
