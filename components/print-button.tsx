"use client";

/** Opens the browser's print dialog (which also saves as PDF); it does not print itself. */
export function PrintButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      onClick={() => window.print()}
      className="rounded-md bg-brand-700 px-4 py-2 text-sm text-white hover:bg-brand-900"
    >
      {label}
    </button>
  );
}
