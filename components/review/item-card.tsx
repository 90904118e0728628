import type { ReactNode } from "react";

/**
 * One item as reviewers read it (the review screen, a calibration review): its code and name with badges beside
 * them, then what is shown of it. The id lets a list of items link to it (#item-B1.1).
 */
export function ReviewItemCard({
  code,
  name,
  badges,
  children,
}: {
  code: string;
  name: string;
  badges?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      id={`item-${code}`}
      aria-label={`${code} ${name}`}
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <header className="flex flex-wrap items-start gap-2">
        <h2 className="font-medium">
          <span className="mr-2 text-slate-400">{code}</span>
          {name}
        </h2>
        {badges}
      </header>
      {children}
    </section>
  );
}
